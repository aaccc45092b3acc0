"""``besponsa evidence``: the trial-evidence report, figures and page views from the command line.

- ``besponsa evidence report [--json] [--data-dir DIR]`` — every published number, its source and status,
  the recomputed value and whether they agree; exit 0 only when every confirmed number agrees, 1 when
  one differs, 2 when a data file is invalid.
- ``besponsa evidence figure NAME [--json | --narrow]`` — a figure as a standalone SVG file (with
  ``--narrow``, its phone layout; with ``--json``, its caption, footnotes, references and data table).
- ``besponsa evidence page SLUG`` — a page view (statements, tables, figure ids) as JSON.

:func:`run` is the in-process entry point used by tests.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from besponsa.evidence.errors import EvidenceDataError, UnknownFigureError

__all__ = ["register", "run"]


def _out(args: argparse.Namespace) -> TextIO:
    stream: TextIO | None = getattr(args, "stdout", None)
    return stream if stream is not None else sys.stdout


def _err(args: argparse.Namespace) -> TextIO:
    stream: TextIO | None = getattr(args, "stderr", None)
    return stream if stream is not None else sys.stderr


# The evidence modules (numpy, scipy, the data files) are imported inside each command, not here: the
# parser is built for every `besponsa` command, and `besponsa clinical …` must start in milliseconds.


def _report(args: argparse.Namespace) -> int:
    from besponsa.evidence import report

    try:
        built = report.build(folder=args.data_dir)
    except (EvidenceDataError, OSError) as exc:
        print(f"besponsa evidence report: invalid data: {exc}", file=_err(args))
        return 2
    out = _out(args)
    if args.json:
        json.dump(report.to_json(built), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(report.format_text(built))
    return 0 if built.ok else 1


def _figure(args: argparse.Namespace) -> int:
    # Imported here: matplotlib is only needed by this sub-command.
    from besponsa.evidence import figures

    try:
        if args.json:  # the words, numbers and table only: nothing is drawn
            payload: dict[str, Any] = dataclasses.asdict(figures.describe(args.name))
        else:
            figure = figures.render(args.name)
    except UnknownFigureError as exc:
        print(f"besponsa evidence figure: {exc.args[0]}", file=_err(args))
        return 2
    out = _out(args)
    if args.json:
        json.dump(payload, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif args.narrow and not figure.svg_narrow:
        message = f"{args.name} has no phone layout (no page shows it)"
        print(f"besponsa evidence figure: {message}", file=_err(args))
        return 2
    else:
        out.write(figures.svg_document(figure, narrow=args.narrow))
    return 0


def _page(args: argparse.Namespace) -> int:
    from besponsa.evidence import pages

    if args.slug not in pages.PAGES:
        _err(args).write(f"no page {args.slug!r}; choose one of: {', '.join(pages.PAGES)}\n")
        return 2
    view = pages.page(args.slug)
    payload: dict[str, Any] = dataclasses.asdict(view)
    payload["references"] = [{"number": n, "citation": c} for n, c in view.numbered_references()]
    out = _out(args)
    json.dump(payload, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return 0


def register(subparsers: Any) -> None:
    """Add the ``evidence`` command group to the ``besponsa`` parser's sub-parsers."""
    parser = subparsers.add_parser(
        "evidence",
        help="trial evidence: recomputed statistics, figures, page views",
        description="INO-VATE ALL and study WI203581: published numbers, recomputed and checked.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="{report,figure,page}")

    rep = commands.add_parser("report", help="recompute every published number and compare")
    rep.add_argument("--json", action="store_true", help="machine-readable output")
    rep.add_argument("--data-dir", type=Path, default=None, help="read the data files from this folder")
    rep.set_defaults(handler=_report)

    fig = commands.add_parser("figure", help="write a figure as SVG to standard output")
    fig.add_argument("name", help="figure id, e.g. cr-cri-adult (an unknown id lists the valid ones)")
    fig.add_argument("--json", action="store_true", help="caption, notes, references and data table instead")
    fig.add_argument("--narrow", action="store_true", help="the phone layout (figures that pages show)")
    fig.set_defaults(handler=_figure)

    page = commands.add_parser("page", help="a page view (statements, tables, figure ids) as JSON")
    page.add_argument("slug", help="page id, e.g. efficacy-adult (an unknown id lists the valid ones)")
    page.set_defaults(handler=_page)


def run(argv: Sequence[str], stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run ``besponsa evidence <argv>`` in-process, writing to ``stdout``/``stderr``; return the exit code."""
    parser = argparse.ArgumentParser(prog="besponsa")
    register(parser.add_subparsers(dest="group", required=True))
    args = parser.parse_args(["evidence", *argv])
    args.stdout, args.stderr = stdout, stderr
    code: int = args.handler(args)
    return code
