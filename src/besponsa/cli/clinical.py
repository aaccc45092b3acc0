"""`besponsa clinical <operation>`: one JSON object on standard input, one JSON object on standard output.

Exit codes: 0 with the result; 2 with `{"errors": [{"field", "message"}, ...]}` when the input is not
valid JSON or not a valid payload (nothing else is done). `--human` prints the same content as a
readable table. The operations themselves live in `besponsa.clinical.operations`, shared with the API.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from besponsa.cli.fhir import FHIR_OPERATIONS, compute
from besponsa.clinical.errors import FieldError, InvalidInput
from besponsa.clinical.jsonbody import parse_request
from besponsa.clinical.operations import EXAMPLES, OPERATION_NAMES, OPERATIONS

__all__ = ["EXIT_INVALID", "EXIT_OK", "handle", "register", "run"]

EXIT_OK = 0
EXIT_INVALID = 2


def _body_error(message: str) -> list[FieldError]:
    return [{"field": "body", "message": message}]


def _parse(text: str) -> tuple[object, list[FieldError]]:
    """The JSON value on standard input, or the reason it cannot be read."""
    return parse_request(text, noun="input", where="on standard input")


def _write(stdout: TextIO, text: str, fallback: str) -> None:
    try:
        stdout.write(text)
    except UnicodeEncodeError:
        # A terminal without UTF-8, or a lone surrogate echoed from the input: escape instead of failing.
        stdout.write(fallback)


def _emit_json(stdout: TextIO, data: Mapping[str, object]) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    _write(stdout, text, json.dumps(data, ensure_ascii=True, indent=2, allow_nan=False) + "\n")


def _emit_human(stdout: TextIO, lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"
    _write(stdout, text, text.encode("ascii", "backslashreplace").decode("ascii"))


def _scalar(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _is_long(value: object) -> bool:
    return isinstance(value, str) and len(value) > 40


def _table(rows: Sequence[Mapping[str, object]], pad: str) -> list[str]:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    if any(_is_long(value) for row in rows for value in row.values()):
        lines = []
        for row in rows:
            width = max(len(column) for column in columns)
            first = True
            for column in columns:
                bullet = "- " if first else "  "
                lines.append(f"{pad}{bullet}{column.ljust(width)}  {_scalar(row.get(column))}")
                first = False
        return lines
    cells = [[_scalar(row.get(column)) for column in columns] for row in rows]
    widths = [max(len(column), *(len(line[i]) for line in cells)) for i, column in enumerate(columns)]
    header = "  ".join(column.ljust(width) for column, width in zip(columns, widths, strict=True))
    body = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)) for line in cells]
    return [f"{pad}{line.rstrip()}" for line in [header, *body]]


def render(data: Mapping[str, object], indent: int = 0) -> list[str]:
    """A readable, aligned rendering of a result or error object."""
    pad = " " * indent
    scalars = [(key, value) for key, value in data.items() if not isinstance(value, list | dict)]
    width = max((len(key) for key, _ in scalars), default=0)
    lines = [f"{pad}{key.ljust(width)}  {_scalar(value)}" for key, value in scalars]
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines += render(value, indent + 2)
        elif isinstance(value, list):
            if not value:
                lines.append(f"{pad}{key}: (none)")
            elif all(isinstance(item, dict) for item in value):
                lines.append(f"{pad}{key}:")
                lines += _table(value, pad + "  ")
            else:
                lines.append(f"{pad}{key}:")
                lines += [f"{pad}  - {_scalar(item)}" for item in value]
    return lines


def handle(
    operation: str,
    *,
    human: bool,
    stdin: TextIO,
    stdout: TextIO,
    fhir: str | None = None,
    fhir_out: bool = False,
) -> int:
    """Read one request from `stdin`, write one response to `stdout`, return the exit code.

    With `fhir` (a Bundle file), standard input holds the operation's other fields and may be empty."""
    try:
        text = stdin.read()
    except UnicodeDecodeError:
        payload, errors = None, _body_error("the input is not UTF-8 text")
    else:
        payload, errors = ({}, []) if fhir is not None and not text.strip() else _parse(text)
    if not errors:
        try:
            result = compute(operation, payload, fhir=fhir, fhir_out=fhir_out)
        except InvalidInput as invalid:
            errors = invalid.errors
    if errors:
        if human:
            _emit_human(stdout, ["Input problems:", *(f"  {e['field']}: {e['message']}" for e in errors)])
        else:
            _emit_json(stdout, {"errors": errors})
        return EXIT_INVALID
    if human:
        _emit_human(stdout, render(result))
    else:
        _emit_json(stdout, result)
    return EXIT_OK


def _handler(args: argparse.Namespace) -> int:
    return handle(
        args.operation,
        human=args.human,
        stdin=sys.stdin,
        stdout=sys.stdout,
        fhir=getattr(args, "fhir", None),
        fhir_out=getattr(args, "fhir_out", False),
    )


def register(subparsers: Any) -> None:
    """Add `clinical` and its operations to the `besponsa` parser (`subparsers` from add_subparsers)."""
    parser = subparsers.add_parser(
        "clinical",
        help="label rules: BSA, cycle and course plans, dose modifications, response, grading, QTc, dates, "
        "preparation",
        description="Decision support from the BESPONSA label (PI 3/2024): each operation reads one JSON "
        "object on standard input and writes one JSON object on standard output. The clinician decides.",
    )
    operations = parser.add_subparsers(
        dest="operation", required=True, metavar="{" + ",".join(OPERATION_NAMES) + "}"
    )
    for name in OPERATION_NAMES:
        example = json.dumps(EXAMPLES[name])
        summary = OPERATIONS[name].summary
        sub = operations.add_parser(
            name,
            help=summary[0].lower() + summary[1:],
            description=f"{summary}.",
            epilog=f"example: echo '{example}' | besponsa clinical {name}",
        )
        sub.add_argument("--human", action="store_true", help="print a readable table instead of JSON")
        if name in FHIR_OPERATIONS:
            sub.add_argument(
                "--fhir",
                metavar="BUNDLE.json",
                help="read the laboratory and body values from a FHIR R4 Bundle of Observations "
                "(standard input then holds the other fields, or nothing); see docs/fhir.md",
            )
        if name in ("plan", "course"):
            sub.add_argument(
                "--fhir-out", action="store_true", help="write the plan as a FHIR R4 Bundle of orders"
            )
        sub.set_defaults(handler=_handler)


def run(argv: Sequence[str], stdin: TextIO, stdout: TextIO) -> int:
    """In-process entry point for tests and embedding; `argv` is what follows the program name,
    e.g. ["clinical", "bsa", "--human"]."""
    parser = argparse.ArgumentParser(prog="besponsa")
    register(parser.add_subparsers(dest="group", required=True))
    args = parser.parse_args(argv)
    return handle(
        args.operation,
        human=args.human,
        stdin=stdin,
        stdout=stdout,
        fhir=getattr(args, "fhir", None),
        fhir_out=getattr(args, "fhir_out", False),
    )
