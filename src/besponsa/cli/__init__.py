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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="besponsa",
        description="BESPONSA HCP command line: label rules and trial evidence (decision support only).",
    )
    groups = parser.add_subparsers(dest="group", required=True, metavar="{" + ",".join(COMMAND_GROUPS) + "}")
    for name in COMMAND_GROUPS:
        importlib.import_module(f"besponsa.cli.{name}").register(groups)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error, and Python must not complain at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return code
