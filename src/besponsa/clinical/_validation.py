"""The boundary: an untrusted JSON-like payload → an operation's input model, every problem in our words.

Pydantic validates (`models`); this module words its errors. `MESSAGES` maps each pydantic error type to
a sentence that names the field path, says why, and gives the accepted values, the way a clinician
reads it ("labs.anc must be between 0 and 100 ×10⁹/L (got 800); did you mean 0.8 ×10⁹/L? …"). The
unit-suggesting hints come from the field's `limits.Limit`, the object the core checks too.

Errors are listed in input order, each object's unknown fields first (as a reader meets them).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, Final, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from besponsa.clinical import limits
from besponsa.clinical.errors import FieldError
from besponsa.clinical.jsonbody import is_text
from besponsa.clinical.models import Input, field_range, inner_type

__all__ = ["MESSAGES", "show", "validate"]

_SHOWN_CHARS: Final = 40
_M = TypeVar("_M", bound=Input)


def show(value: object) -> str:
    """A short, JSON-flavored rendering of a rejected value for messages."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 4] + '..."'
    if isinstance(value, int | float | Decimal):
        return limits.format_number(value)
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def _model_of(field: FieldInfo | None) -> type[BaseModel] | None:
    """The model a field holds, itself or as list items."""
    if field is None:
        return None
    kind = inner_type(field.annotation)
    if typing.get_origin(kind) is list:
        kind = inner_type(typing.get_args(kind)[0])
    return kind if isinstance(kind, type) and issubclass(kind, BaseModel) else None


@dataclass(frozen=True, slots=True)
class Problem:
    """One pydantic error, located: the words of a message are built from it."""

    path: str
    field: FieldInfo | None  # None for the whole body and for unknown fields
    model: type[BaseModel]  # the object the field belongs to
    error: ErrorDetails

    @property
    def got(self) -> str:
        return show(self.error["input"])

    @property
    def range(self) -> str:
        return f" ({self.expected.strip()})" if self.expected else ""

    @property
    def expected(self) -> str:
        described = field_range(self.field).describe()
        return f" {described}" if described else ""

    @property
    def choices(self) -> str:
        kind = inner_type(self.field.annotation) if self.field is not None else None
        values = (
            [member.value for member in kind] if isinstance(kind, type) and issubclass(kind, Enum) else []
        )
        return ", ".join(values)

    @property
    def limit(self) -> limits.Limit | None:
        return field_range(self.field).limit


def _unknown(problem: Problem) -> str:
    names = list(problem.model.model_fields)
    key = problem.path.rsplit(".", 1)[-1]
    close = difflib.get_close_matches(key, names, n=1)
    if not close:  # a field the key abbreviates ("ast" → "ast_x_uln"), when exactly one matches
        close = [name for name in names if len(key) >= 3 and name.startswith(key)]
        close = close if len(close) == 1 else []
    hint = f"; did you mean {close[0]}?" if close else ""
    return f"{problem.path} is not an accepted field (accepted: {', '.join(names)}){hint}"


def _out_of_range(problem: Problem) -> str:
    value = problem.error["input"]
    if isinstance(value, str):  # a date: its ISO text was read before the range check
        return limits.date_problem(problem.path, dt.date.fromisoformat(value)) or ""
    limit = problem.limit
    message = limit.problem(problem.path, value) if limit is not None else None
    return message or f"{problem.path} must be{problem.expected} (got {problem.got})"


def _whole(problem: Problem) -> str:
    value = problem.error["input"]
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return _out_of_range(problem)  # a whole number too large to be one: say the range
    return f"{problem.path} must be a whole number{problem.expected} (got {problem.got})"


def _too_many(problem: Problem) -> str:
    context = problem.error.get("ctx", {})
    return (
        f"{problem.path} may hold at most {context['max_length']} items (got {context['actual_length']}): "
        f"the label allows at most {context['max_length']} cycles"
    )


def _object(problem: Problem) -> str:
    return f"{problem.path} must be a JSON object with named fields (got {problem.got})"


# Pydantic error type → our words. A type missing here (none is expected) falls back to pydantic's own
# message behind the field path, so a new pydantic error never becomes a 500.
MESSAGES: Final[dict[str, Callable[[Problem], str]]] = {
    "missing": lambda p: f"{p.path} is required: {p.field.description if p.field else ''}{p.range}",
    "extra_forbidden": _unknown,
    "is_instance_of": lambda p: f"{p.path} must be a number{p.expected} (got {p.got})",
    "decimal_type": lambda p: f"{p.path} must be a number{p.expected} (got {p.got})",
    "int_type": _whole,
    "finite_number": lambda p: f"{p.path} must be a finite number (got {p.got})",
    "greater_than_equal": _out_of_range,
    "greater_than": _out_of_range,
    "less_than_equal": _out_of_range,
    "bool_type": lambda p: f"{p.path} must be true or false (got {p.got})",
    "enum": lambda p: f"{p.path} must be one of: {p.choices} (got {p.got})",
    "date_format": lambda p: f"{p.path} must be a date written YYYY-MM-DD (got {p.got})",
    "date_calendar": lambda p: f"{p.path} is not a real calendar date (got {p.got})",
    "model_type": _object,
    "model_attributes_type": _object,
    "list_type": lambda p: f"{p.path} must be a list of objects (got {p.got})",
    "too_long": _too_many,
    "string_unicode": lambda p: f"{p.path} has a field name that is not valid text",
}


def _locate(model: type[BaseModel], error: ErrorDetails) -> tuple[Problem, tuple[int, ...]]:
    """The error's field and dotted path, and a sort key: input order, unknown fields first."""
    path, key = "", []
    field: FieldInfo | None = None
    owner, current = model, model
    for step in error["loc"]:
        if isinstance(step, int):
            path = f"{path}[{step}]"
            key.append(step)
            continue
        names = list(current.model_fields)
        owner, field = current, current.model_fields.get(step)
        key.append(names.index(step) + 1 if step in names else 0)
        path = f"{path}.{step}" if path else step
        current = _model_of(field) or current
    return Problem(path or "body", field, owner, error), tuple(key)


def _words(problem: Problem) -> str:
    wording = MESSAGES.get(problem.error["type"])
    return wording(problem) if wording is not None else f"{problem.path}: {problem.error['msg']}"


def describe(model: type[BaseModel], error: ValidationError) -> list[FieldError]:
    located = sorted((_locate(model, detail) for detail in error.errors()), key=lambda pair: pair[1])
    return [{"field": problem.path, "message": _words(problem)} for problem, _ in located]


@cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    field = model.model_fields[name]
    kind: Any = field.annotation
    return TypeAdapter(typing.Annotated[kind, *field.metadata] if field.metadata else kind)


def _usable(model: type[_M], payload: Mapping[str, Any], failed: set[str]) -> dict[str, Any]:
    """The top-level fields that validated (defaults filled in), for cross-checks after other errors."""
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        raw = payload.get(name)
        if name in failed:  # a required field left out is among the failed
            continue
        if raw is None:
            values[name] = field.get_default(call_default_factory=True)
        else:
            values[name] = _adapter(model, name).validate_python(raw)
    return values


def validate(model: type[_M], payload: object) -> tuple[_M | None, dict[str, Any], list[FieldError]]:
    """The validated input (or None), the fields usable for cross-checks, and every problem found."""
    try:
        parsed = model.model_validate(payload)
    except ValidationError as error:
        if isinstance(payload, Mapping) and any(e["type"] == "string_unicode" for e in error.errors()):
            return _unreadable_names(model, payload)
        problems = describe(model, error)
        if not isinstance(payload, Mapping):
            return None, {}, problems
        failed = {str(detail["loc"][0]) for detail in error.errors() if detail["loc"]}
        return None, _usable(model, payload, failed), problems
    return parsed, parsed.__dict__, []


def _unreadable_names(
    model: type[_M], payload: Mapping[str, Any]
) -> tuple[_M | None, dict[str, Any], list[FieldError]]:
    """A field name pydantic cannot read (a lone surrogate) is an unknown field, like a typo; the rest
    of the payload is checked as usual."""
    bad = [key for key in payload if not is_text(key)]
    unknown: list[FieldError] = [
        {"field": key, "message": _unknown(Problem(key, None, model, _NO_ERROR))} for key in bad
    ]
    _, usable, problems = validate(model, {key: value for key, value in payload.items() if key not in bad})
    return None, usable, unknown + problems


_NO_ERROR: Final[ErrorDetails] = {"type": "extra_forbidden", "loc": (), "msg": "", "input": None}
