"""Failure classes of the clinical engine.

Validation reports every problem at once (a clinician fixing a form should not discover errors one by
one), so `InvalidInput` carries a list of field errors and `ErrorCollector` gathers them before raising.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypedDict

__all__ = ["ErrorCollector", "FieldError", "InvalidInput", "UnknownOperation"]


class FieldError(TypedDict):
    """One problem with one input field; `field` is a name or dotted path, "body" for the whole input."""

    field: str
    message: str


class InvalidInput(ValueError):
    """The input cannot be used: `errors` lists every problem found, in input order."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors: list[FieldError] = list(errors)
        super().__init__("; ".join(f"{error['field']}: {error['message']}" for error in self.errors))


class UnknownOperation(LookupError):
    """An operation name that is not one of `operations.OPERATION_NAMES`."""


class ErrorCollector:
    """Accumulates field errors; `raise_if_any` turns them into one `InvalidInput`."""

    def __init__(self) -> None:
        self._errors: list[FieldError] = []

    def add(self, field: str, message: str) -> None:
        self._errors.append({"field": field, "message": message})

    def extend(self, errors: Sequence[FieldError]) -> None:
        self._errors.extend(errors)

    def __len__(self) -> int:
        return len(self._errors)

    def __iter__(self) -> Iterator[FieldError]:
        return iter(self._errors)

    def raise_if_any(self) -> None:
        if self._errors:
            raise InvalidInput(self._errors)
