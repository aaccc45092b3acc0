"""Accepted input ranges, in one place.

The boundary (operations) and the core functions both check against these, so a web form, the API, the
CLI and a direct Python caller all refuse the same values with the same words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from besponsa.clinical.errors import FieldError, InvalidInput

__all__ = [
    "AGE_YEARS",
    "ANC",
    "BILIRUBIN_X_ULN",
    "BLASTS",
    "BSA_M2",
    "CYCLE",
    "DAYS",
    "EARLIEST_DATE",
    "FRACTION",
    "GRADE",
    "HEART_RATE_BPM",
    "HEIGHT_CM",
    "LAB_VALUE",
    "LATEST_DATE",
    "PERCENT",
    "PLATELETS",
    "PONDERAL_INDEX",
    "QT_MS",
    "REFERENCE_LIMIT",
    "TRANSAMINASE_X_ULN",
    "WEIGHT_KG",
    "Limit",
    "UnitGuess",
    "date_problem",
    "format_number",
    "problems",
    "require",
]


_PLAIN_DIGITS: Final = 20
_GUESS_DIGITS: Final = 9
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
class UnitGuess:
    """A value outside its range that reads as another unit: dividing by `divisor` gives the intended one.

    ANC 800 is 800 per µL = 0.8 ×10⁹/L; the message names the value and why (`reason`), never silently
    converts it: the clinician must re-enter it.
    """

    divisor: Decimal
    reason: str
    quantum: Decimal = Decimal("0.001")
    floor: Decimal = Decimal(0)  # the guess is offered only for values at least this large

    def intended(self, value: Decimal | int) -> Decimal | None:
        number = Decimal(value)
        # A magnitude no unit slip explains (1e999999) gets no guess, and never reaches quantize.
        if number < self.floor or abs(number.adjusted()) > _GUESS_DIGITS:
            return None
        return (number / self.divisor).quantize(self.quantum, rounding=ROUND_HALF_UP).normalize()


@dataclass(frozen=True, slots=True)
class Limit:
    """A plausible closed range (or a lower bound only); `exclusive_minimum` makes the lower bound strict.

    `guesses` are other units a value outside the range may have been typed in; `advice` is added to the
    message for a value above the range (e.g. how to turn a result into a multiple of the ULN).
    """

    minimum: Decimal
    maximum: Decimal  # every input has a plausible upper end: no 1e400 reaches the arithmetic
    unit: str
    exclusive_minimum: bool = False
    guesses: tuple[UnitGuess, ...] = ()
    advice: str = ""

    def describe(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        low, high = format_number(self.minimum), format_number(self.maximum)
        if self.exclusive_minimum:
            return f"more than {low} and at most {high}{unit}"
        return f"between {low} and {high}{unit}"

    def problem(self, name: str, value: Decimal | int) -> str | None:
        """The message for an out-of-range value, or None when the value is acceptable."""
        if isinstance(value, Decimal) and not value.is_finite():
            return f"{name} must be a finite number (got {value})"
        if self.contains(value):
            return None
        hint = self._hint(value, too_high=value > self.maximum)
        return f"{name} must be {self.describe()} (got {format_number(value)}){hint}"

    def contains(self, value: Decimal | int) -> bool:
        too_low = value <= self.minimum if self.exclusive_minimum else value < self.minimum
        return not too_low and value <= self.maximum

    def _hint(self, value: Decimal | int, too_high: bool) -> str:
        for guess in self.guesses:
            intended = guess.intended(value)
            if intended is not None and intended != 0 and self.contains(intended):
                unit = f" {self.unit}" if self.unit else ""
                return f"; did you mean {format_number(intended)}{unit}? {guess.reason}"
        return f"; {self.advice}" if too_high and self.advice else ""


def _d(text: str) -> Decimal:
    return Decimal(text)


_PER_MICROLITRE: Final = UnitGuess(_d("1000"), "counts are entered ×10⁹/L, not per µL (or per mm³)")

# Plausible ranges (issue #10 item 1): wide enough for any patient the label covers (age 1 year and
# up, PI 1), narrow enough that a value typed in another unit is caught and named.
HEIGHT_CM: Final = Limit(
    _d("40"),
    _d("250"),
    "cm",
    guesses=(
        UnitGuess(_d("0.01"), "height is entered in cm, not m", _d("0.1")),
        UnitGuess(_d("10"), "height is entered in cm, not mm", _d("0.1")),
    ),
)
WEIGHT_KG: Final = Limit(
    _d("3"),
    _d("300"),
    "kg",
    guesses=(
        UnitGuess(_d("2.20462"), "weight is entered in kg, not pounds", _d("0.1")),
        UnitGuess(_d("1000"), "weight is entered in kg, not grams", _d("0.1")),
    ),
)
# weight ÷ height³ (kg/m³, the ponderal index): no human body lies outside this range (a newborn is
# about 25, an adult about 12-15, the heaviest adults about 50-75). It refuses 40 cm with 300 kg and
# catches a height typed in inches (65 "cm" with 70 kg is 255 kg/m³).
PONDERAL_INDEX: Final = Limit(_d("4"), _d("100"), "kg/m³")
AGE_YEARS: Final = Limit(_d("0"), _d("120"), "years")
# Not a contract field: guards callers that pass a BSA straight to the planner. The widest BSA the
# height and weight ranges can produce with any formula is about 4.7 m².
BSA_M2: Final = Limit(_d("0.1"), _d("5"), "m²")
# Upper bounds on whole numbers keep absurd input (1e5000) from becoming a huge integer downstream.
CYCLE: Final = Limit(_d("1"), _d("100"), "")
PERCENT: Final = Limit(_d("0"), _d("100"), "%")
ANC: Final = Limit(_d("0"), _d("100"), "×10⁹/L", guesses=(_PER_MICROLITRE,))
PLATELETS: Final = Limit(_d("0"), _d("2000"), "×10⁹/L", guesses=(_PER_MICROLITRE,))
BLASTS: Final = Limit(_d("0"), _d("1000"), "×10⁹/L", guesses=(_PER_MICROLITRE,))
_X_ULN_ADVICE: Final = "enter the result divided by the upper limit of normal (120 U/L with a ULN of 40 is 3)"
BILIRUBIN_X_ULN: Final = Limit(_d("0"), _d("100"), "× ULN", advice=_X_ULN_ADVICE)
TRANSAMINASE_X_ULN: Final = Limit(_d("0"), _d("1000"), "× ULN", advice=_X_ULN_ADVICE)
FRACTION: Final = Limit(_d("0"), _d("1"), "")
DAYS: Final = Limit(_d("0"), _d("3650"), "days")
GRADE: Final = Limit(_d("0"), _d("4"), "")
HEART_RATE_BPM: Final = Limit(_d("20"), _d("300"), "beats per minute")
# A plausibility range for measured intervals; CTCAE's QTc bands sit well inside it.
QT_MS: Final = Limit(_d("100"), _d("1000"), "ms")
# A laboratory result or reference limit in the caller's own units (U/L, µmol/L, mg/dL …): bounded so
# that no absurd magnitude reaches the arithmetic; the ratio to the ULN is checked separately.
LAB_VALUE: Final = Limit(_d("0"), _d("100000"), "")
REFERENCE_LIMIT: Final = Limit(_d("0"), _d("100000"), "", exclusive_minimum=True)

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


def problems(checks: Iterable[tuple[str, Decimal | int | None, Limit]]) -> list[FieldError]:
    """Every value outside its limit, as field errors; None means "not given" and passes."""
    # Hot path of every plan: build messages only when something is wrong.
    return [
        {"field": name, "message": message}
        for name, value, limit in checks
        if value is not None and (message := limit.problem(name, value)) is not None
    ]


def require(
    checks: Iterable[tuple[str, Decimal | int | None, Limit]],
    *,
    dates: Iterable[tuple[str, dt.date]] = (),
) -> None:
    """Raise `InvalidInput` listing every value outside its limit; None means "not given" and passes."""
    found = problems(checks)
    found += [{"field": name, "message": m} for name, day in dates if (m := date_problem(name, day))]
    InvalidInput.raise_for(found)
