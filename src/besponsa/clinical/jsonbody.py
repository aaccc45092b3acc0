"""Reading one JSON request strictly, with the same rules for the CLI's standard input and the API's body.

Decimal keeps 0.1 as typed and turns 1e400 into a finite, range-checked number instead of infinity;
NaN and Infinity are refused; a field given twice is refused rather than silently taking the last value.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from besponsa.clinical.errors import FieldError

__all__ = ["is_text", "parse_request"]


class _DuplicateField(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _unique_fields(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise _DuplicateField(name)
        result[name] = value
    return result


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def is_text(value: str) -> bool:
    """False for a string holding a lone UTF-16 surrogate (a valid JSON escape, "\\ud800", but no text)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_request(text: str, *, noun: str, where: str) -> tuple[object, list[FieldError]]:
    """The JSON value of `text`, or the reasons it cannot be used, as errors on the field "body".

    `noun` names the text in messages ("input", "body"); `where` says where it was expected
    ("on standard input", "in the body").
    """

    def problem(message: str) -> tuple[object, list[FieldError]]:
        return None, [{"field": "body", "message": message}]

    if not text.strip():
        return problem(f"expected one JSON object {where}, got nothing")
    try:
        value = json.loads(
            text, parse_float=Decimal, parse_constant=_refuse_constant, object_pairs_hook=_unique_fields
        )
    except _DuplicateField as duplicate:
        return problem(f'the field "{duplicate.name}" appears more than once')
    except json.JSONDecodeError as error:
        return problem(
            f"the {noun} is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        )
    except ValueError as error:
        return problem(f"the {noun} is not valid JSON: {error}")
    except RecursionError:
        return problem(f"the {noun} is nested too deeply to be one of these requests")
    return value, []
