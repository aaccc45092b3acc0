"""Accepted input ranges, in one place.

The boundary (operations) and the core functions both check against these, so a web form, the API, the
CLI and a direct Python caller all refuse the same values with the same words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from besponsa.clinical.errors import ErrorCollector

__all__ = [
    "BSA_M2",
    "COUNT",
    "CYCLE",
    "DAYS",
    "DOSE_MG",
    "EARLIEST_DATE",
    "FRACTION",
    "GRADE",
    "HEART_RATE_BPM",
    "HEIGHT_CM",
    "LAB_VALUE",
    "LATEST_DATE",
    "PERCENT",
    "QT_MS",
    "REFERENCE_LIMIT",
    "WEIGHT_KG",
    "X_ULN",
    "Limit",
    "date_problem",
    "format_number",
    "require",
]


_PLAIN_DIGITS: Final = 20
_SHOWN_CHARS: Final = 30


def format_number(value: Decimal | int | float) -> str:
    """Short decimal text for messages: no trailing zeros ("2.50" → "2.5"), never thousands of digits.

    Messages echo what the caller sent, and a caller may send 1e999999: very large or very small
    magnitudes switch to scientific notation and long fractions are cut.
    """
    # A float is read through its shortest repr so 0.1 shows as 0.1, not its binary expansion.
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        return str(number)
    if abs(number.adjusted()) > _PLAIN_DIGITS:
        return f"{number:.3E}"
    text = format(number, "f")
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


@dataclass(frozen=True, slots=True)
class Limit:
    """A closed range (or a lower bound only); `exclusive_minimum` makes the lower bound strict."""

    minimum: Decimal
    maximum: Decimal | None
    unit: str
    exclusive_minimum: bool = False

    def describe(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        low = format_number(self.minimum)
        if self.maximum is not None:
            return f"between {low} and {format_number(self.maximum)}{unit}"
        if self.exclusive_minimum:
            return f"more than {low}{unit}"
        return f"{low}{unit} or more"

    def problem(self, name: str, value: Decimal | int) -> str | None:
        """The message for an out-of-range value, or None when the value is acceptable."""
        if isinstance(value, Decimal) and not value.is_finite():
            return f"{name} must be a finite number (got {value})"
        too_low = value <= self.minimum if self.exclusive_minimum else value < self.minimum
        too_high = self.maximum is not None and value > self.maximum
        if too_low or too_high:
            return f"{name} must be {self.describe()} (got {format_number(value)})"
        return None


def _d(text: str) -> Decimal:
    return Decimal(text)


HEIGHT_CM: Final = Limit(_d("40"), _d("250"), "cm")
WEIGHT_KG: Final = Limit(_d("3"), _d("300"), "kg")
# Not a contract field: guards callers that pass a BSA straight to the planner. The widest BSA the
# height and weight ranges can produce with any formula is about 4.7 m².
BSA_M2: Final = Limit(_d("0.1"), _d("5"), "m²")
# Upper bounds on whole numbers keep absurd input (1e5000) from becoming a huge integer downstream.
CYCLE: Final = Limit(_d("1"), _d("100"), "")
PERCENT: Final = Limit(_d("0"), _d("100"), "%")
COUNT: Final = Limit(_d("0"), None, "×10⁹/L")
X_ULN: Final = Limit(_d("0"), None, "× ULN")
FRACTION: Final = Limit(_d("0"), _d("1"), "")
DAYS: Final = Limit(_d("0"), _d("3650"), "days")
GRADE: Final = Limit(_d("0"), _d("4"), "")
HEART_RATE_BPM: Final = Limit(_d("20"), _d("300"), "beats per minute")
# A plausibility range for measured intervals; CTCAE's QTc bands sit well inside it.
QT_MS: Final = Limit(_d("100"), _d("1000"), "ms")
LAB_VALUE: Final = Limit(_d("0"), None, "")
REFERENCE_LIMIT: Final = Limit(_d("0"), None, "", exclusive_minimum=True)
# The largest single dose any valid BSA can give is under 4 mg; 10 mg leaves room for manual entry
# while still catching a value typed in micrograms.
DOSE_MG: Final = Limit(_d("0.01"), _d("10"), "mg")

# Date arithmetic (cycles, calendar months) must never leave the calendar; these bounds keep every
# derived date representable and refuse obvious typos such as year 0202.
EARLIEST_DATE: Final = dt.date(2000, 1, 1)
LATEST_DATE: Final = dt.date(2199, 12, 31)


def date_problem(name: str, value: dt.date) -> str | None:
    if EARLIEST_DATE <= value <= LATEST_DATE:
        return None
    return (
        f"{name} must be between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()} "
        f"(got {value.isoformat()})"
    )


def require(
    checks: Iterable[tuple[str, Decimal | int | None, Limit]],
    *,
    dates: Iterable[tuple[str, dt.date]] = (),
) -> None:
    """Raise `InvalidInput` listing every value outside its limit; None means "not given" and passes."""
    errors = ErrorCollector()
    for name, value, limit in checks:
        message = None if value is None else limit.problem(name, value)
        if message is not None:
            errors.add(name, message)
    for name, day in dates:
        message = date_problem(name, day)
        if message is not None:
            errors.add(name, message)
    errors.raise_if_any()
