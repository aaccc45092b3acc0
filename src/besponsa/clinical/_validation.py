"""Boundary parsing: an untrusted JSON-like payload → typed values, collecting every problem.

Numbers become `Decimal` (a float is read through its shortest repr, so 70.1 stays 70.1). Booleans are
never numbers, NaN and infinities are refused, dates must be real calendar dates in ISO form, and any
field the schema does not know is an error: a typo must never fall back to a default.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Final, TypeVar, cast

from besponsa.clinical import limits
from besponsa.clinical.errors import ErrorCollector
from besponsa.clinical.schemas import FieldSpec, Kind

__all__ = ["Values", "parse_object", "show"]

_ISO_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_SHOWN_CHARS: Final = 40
_Num = TypeVar("_Num", Decimal, int)


class Values:
    """Successfully parsed fields (defaults filled in); typed accessors for the operation handlers."""

    __slots__ = ("_data", "_given")

    def __init__(self, data: dict[str, object], given: frozenset[str] = frozenset()) -> None:
        self._data = data
        self._given = given

    def has(self, name: str) -> bool:
        """The field parsed successfully (or has a default)."""
        return name in self._data

    def given(self, name: str) -> bool:
        """The caller sent a non-null value, valid or not: a bad value is not also reported as missing."""
        return name in self._given

    def decimal(self, name: str) -> Decimal:
        return cast(Decimal, self._data[name])

    def optional_decimal(self, name: str) -> Decimal | None:
        return cast(Decimal | None, self._data.get(name))

    def integer(self, name: str) -> int:
        return cast(int, self._data[name])

    def boolean(self, name: str) -> bool:
        return cast(bool, self._data[name])

    def text(self, name: str) -> str:
        return cast(str, self._data[name])

    def date(self, name: str) -> dt.date:
        return cast(dt.date, self._data[name])

    def optional_date(self, name: str) -> dt.date | None:
        return cast(dt.date | None, self._data.get(name))

    def nested(self, name: str) -> Values | None:
        return cast(Values | None, self._data.get(name))

    def items(self, name: str) -> list[Values]:
        """A list of objects (absent: empty)."""
        return cast(list[Values], self._data.get(name, []))


def show(value: object) -> str:
    """A short, JSON-flavoured rendering of a rejected value for messages."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 4] + '..."'
    if isinstance(value, float) and not math.isfinite(value):
        return json.dumps(value)  # NaN, Infinity, -Infinity: the spellings a JSON reader would recognise
    if isinstance(value, int | float | Decimal):
        return limits.format_number(value)
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _to_decimal(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    return None


def _number(spec: FieldSpec, field: str, value: object, errors: ErrorCollector) -> Decimal | None:
    number = _to_decimal(value)
    if number is None:
        errors.add(field, f"{field} must be a number {_expected(spec)}(got {show(value)})")
        return None
    if not number.is_finite():
        errors.add(field, f"{field} must be a finite number (got {show(value)})")
        return None
    return _in_range(spec, field, number, errors)


def _integer(spec: FieldSpec, field: str, value: object, errors: ErrorCollector) -> int | None:
    number = _to_decimal(value)
    whole = number is not None and number.is_finite() and number == number.to_integral_value()
    if number is None or not whole:
        errors.add(field, f"{field} must be a whole number {_expected(spec)}(got {show(value)})")
        return None
    # Range first, on the Decimal: int() of 1e5000 would build a 5000-digit integer for nothing.
    if _in_range(spec, field, number, errors) is None:
        return None
    return int(number)


def _in_range(spec: FieldSpec, field: str, value: _Num, errors: ErrorCollector) -> _Num | None:
    message = None if spec.limit is None else spec.limit.problem(field, value)
    if message is not None:
        errors.add(field, message)
        return None
    return value


def _expected(spec: FieldSpec) -> str:
    return f"{spec.limit.describe()} " if spec.limit is not None else ""


def _date(field: str, value: object, errors: ErrorCollector) -> dt.date | None:
    if not isinstance(value, str) or _ISO_DATE.fullmatch(value) is None:
        errors.add(field, f"{field} must be a date written YYYY-MM-DD (got {show(value)})")
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        errors.add(field, f"{field} is not a real calendar date (got {show(value)})")
        return None
    message = limits.date_problem(field, day)
    if message is not None:
        errors.add(field, message)
        return None
    return day


def _value(spec: FieldSpec, field: str, value: object, errors: ErrorCollector) -> object | None:
    if spec.kind is Kind.NUMBER:
        return _number(spec, field, value, errors)
    if spec.kind is Kind.INTEGER:
        return _integer(spec, field, value, errors)
    if spec.kind is Kind.BOOLEAN:
        if isinstance(value, bool):
            return value
        errors.add(field, f"{field} must be true or false (got {show(value)})")
        return None
    if spec.kind is Kind.CHOICE:
        if isinstance(value, str) and value in spec.choices:
            return value
        errors.add(field, f"{field} must be one of: {', '.join(spec.choices)} (got {show(value)})")
        return None
    if spec.kind is Kind.DATE:
        return _date(field, value, errors)
    if spec.kind is Kind.LIST:
        return _list(spec, field, value, errors)
    return parse_object(spec.fields, value, errors, path=field)


def _list(spec: FieldSpec, field: str, value: object, errors: ErrorCollector) -> list[Values] | None:
    if not isinstance(value, list):
        errors.add(field, f"{field} must be a list of objects (got {show(value)})")
        return None
    if len(value) > spec.max_items:
        errors.add(
            field, f"{field} may hold at most {spec.max_items} items (got {len(value)}){spec.too_many}"
        )
        return None
    before = len(errors)
    parsed = [
        parse_object(spec.fields, item, errors, path=f"{field}[{index}]") for index, item in enumerate(value)
    ]
    if len(errors) > before:
        return None
    return [item for item in parsed if item is not None]


def _extensions(key: str, names: list[str]) -> list[str]:
    """A field the key abbreviates ("ast" → "ast_x_uln"), when exactly one matches."""
    matches = [name for name in names if len(key) >= 3 and name.startswith(key)]
    return matches if len(matches) == 1 else []


def parse_object(
    specs: tuple[FieldSpec, ...], payload: object, errors: ErrorCollector, *, path: str = ""
) -> Values | None:
    """Parse one JSON object against `specs`; problems go to `errors`, only good fields are returned."""
    if not isinstance(payload, Mapping):
        where = path or "body"
        errors.add(where, f"{where} must be a JSON object with named fields (got {show(payload)})")
        return None
    names = [spec.name for spec in specs]
    for key in payload:
        if key not in names:
            field = _join(path, str(key))
            close = difflib.get_close_matches(str(key), names, n=1) or _extensions(str(key), names)
            hint = f"; did you mean {close[0]}?" if close else ""
            errors.add(field, f"{field} is not an accepted field (accepted: {', '.join(names)}){hint}")
    data: dict[str, object] = {}
    for spec in specs:
        field = _join(path, spec.name)
        raw = payload.get(spec.name)
        if raw is None:
            if spec.required:
                errors.add(field, f"{field} is required: {spec.description}{spec.range_text()}")
            elif spec.default is not None:
                data[spec.name] = spec.default
            continue
        parsed = _value(spec, field, raw, errors)
        if parsed is not None:
            data[spec.name] = parsed
    given = frozenset(str(key) for key, value in payload.items() if value is not None)
    return Values(data, given)
