"""Failure classes of the clinical engine.

Validation reports every problem at once (a clinician fixing a form should not discover errors one by
one), so `InvalidInput` carries a list of field errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

__all__ = ["FieldError", "InvalidInput", "UnknownOperation"]


class FieldError(TypedDict):
    """One problem with one input field; `field` is a name or dotted path, "body" for the whole input."""

    field: str
    message: str


class InvalidInput(ValueError):
    """The input cannot be used: `errors` lists every problem found, in input order."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors: list[FieldError] = list(errors)
        super().__init__("; ".join(f"{error['field']}: {error['message']}" for error in self.errors))

    @classmethod
    def raise_for(cls, problems: Sequence[FieldError]) -> None:
        """The guard of each core function: raise one listing `problems`, when there are any."""
        if problems:
            raise cls(problems)


class UnknownOperation(LookupError):
    """An operation name that is not one of `operations.OPERATION_NAMES`."""
