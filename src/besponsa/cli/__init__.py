"""The `besponsa` console script: JSON in, JSON out, over the same functions the API calls.

Each command group lives in its own module with a `register(subparsers)` function that adds its
sub-commands and sets `handler` on them; `main` dispatches.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

COMMAND_GROUPS = ("clinical", "evidence")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for `argv`: only the named command group is imported when one is named, so that
    `besponsa clinical ...` starts without loading the evidence stack (numpy, scipy, matplotlib)."""
    parser = argparse.ArgumentParser(
        prog="besponsa",
        description="BESPONSA HCP command line: label rules and trial evidence (decision support only).",
    )
    groups = parser.add_subparsers(dest="group", required=True, metavar="{" + ",".join(COMMAND_GROUPS) + "}")
    first = next((arg for arg in (sys.argv[1:] if argv is None else argv) if not arg.startswith("-")), None)
    for name in COMMAND_GROUPS if first not in COMMAND_GROUPS else (first,):
        importlib.import_module(f"besponsa.cli.{name}").register(groups)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser(argv).parse_args(argv)
    try:
        code: int = args.handler(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error, and Python must not complain at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return code
