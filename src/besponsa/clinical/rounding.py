"""The rounding policy, written once.

All dose arithmetic uses `Decimal` in a private context so a caller that changes the thread's decimal
context (precision, rounding) cannot change a dose. Every quantity a clinician acts on is rounded
half-up, the convention pharmacists expect, at the resolution below.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Context, Decimal, DivisionByZero, InvalidOperation, Overflow
from typing import Final

from besponsa.clinical.product import RECONSTITUTED_CONCENTRATION, VIAL_STRENGTH

__all__ = [
    "BSA_QUANTUM",
    "CONTEXT",
    "DOSE_QUANTUM",
    "INTERVAL_QUANTUM",
    "ROUNDING_POLICY",
    "VOLUME_QUANTUM",
    "dose_mg",
    "round_bsa",
    "round_interval_ms",
    "vials_for_dose",
    "withdraw_volume_ml",
]

# 28 significant digits is far beyond any clinical resolution; traps turn silent NaN/inf into errors.
CONTEXT: Final = Context(prec=28, traps=[InvalidOperation, DivisionByZero, Overflow])

BSA_QUANTUM: Final = Decimal("0.01")
DOSE_QUANTUM: Final = Decimal("0.01")
VOLUME_QUANTUM: Final = Decimal("0.01")
INTERVAL_QUANTUM: Final = Decimal("0.1")

ROUNDING_POLICY: Final[tuple[tuple[str, str], ...]] = (
    ("Body surface area", "rounded half-up to 0.01 m²"),
    ("Dose (mg)", "dose level (mg/m²) × rounded BSA, rounded half-up to 0.01 mg"),
    ("Volume to withdraw (mL)", "rounded dose ÷ 0.25 mg/mL, rounded half-up to 0.01 mL"),
    ("Vials for one dose", "rounded dose ÷ 0.9 mg, rounded up; every dose uses fresh single-dose vials"),
    ("QTc (ms)", "rounded half-up to 0.1 ms"),
)


def _half_up(value: Decimal, quantum: Decimal) -> Decimal:
    return value.quantize(quantum, rounding=ROUND_HALF_UP, context=CONTEXT)


def round_bsa(bsa_m2: Decimal) -> Decimal:
    return _half_up(bsa_m2, BSA_QUANTUM)


def dose_mg(*, level_mg_per_m2: Decimal, bsa_m2: Decimal) -> Decimal:
    """Dose for one administration; the BSA is rounded first so the shown BSA reproduces the dose."""
    return _half_up(CONTEXT.multiply(level_mg_per_m2, round_bsa(bsa_m2)), DOSE_QUANTUM)


def withdraw_volume_ml(dose: Decimal) -> Decimal:
    return _half_up(CONTEXT.divide(dose, RECONSTITUTED_CONCENTRATION.amount), VOLUME_QUANTUM)


def vials_for_dose(dose: Decimal) -> int:
    """Whole vials needed for one dose; leftovers are discarded, never pooled with another dose."""
    return int(CONTEXT.divide(dose, VIAL_STRENGTH.amount).to_integral_value(rounding=ROUND_CEILING))


def round_interval_ms(value: Decimal) -> Decimal:
    return _half_up(value, INTERVAL_QUANTUM)
