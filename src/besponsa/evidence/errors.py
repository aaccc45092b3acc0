"""Exceptions raised by the evidence package. Each subclasses a built-in so callers can catch broadly."""

from __future__ import annotations

__all__ = ["EvidenceDataError", "UnconfirmedNumberError", "UnknownFigureError", "UnknownRecordError"]


def __dir__() -> list[str]:
    return __all__


class EvidenceDataError(ValueError):
    """A data file is malformed: a missing field, a bad value, a dangling reference.

    The message names the file, the record id and the field.
    """


class UnknownRecordError(KeyError):
    """No record with this id in the data set (or it has another kind than the one asked for)."""


class UnknownFigureError(KeyError):
    """No figure with this id."""


class UnconfirmedNumberError(ValueError):
    """A page asked for a number whose status is `unconfirmed`; such numbers stay out of pages."""
