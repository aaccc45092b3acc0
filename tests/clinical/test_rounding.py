"""The rounding policy (rounding.py), including the half-up cases banker's rounding would get wrong."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, localcontext

import pytest

from besponsa.clinical.rounding import (
    ROUNDING_POLICY,
    dose_mg,
    round_bsa,
    round_interval_ms,
    vials_for_dose,
    withdraw_volume_ml,
)

D = Decimal


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1.815", "1.82"), ("1.8149999", "1.81"), ("1.825", "1.83"), ("0.175", "0.18"), ("2", "2.00")],
)
def test_bsa_rounds_half_up(raw: str, expected: str) -> None:
    assert round_bsa(D(raw)) == D(expected)


# (mg/m², BSA m²) → mg. The BSA is rounded before multiplying.
DOSES = [
    ("0.8", "1.82", "1.46"),  # 1.456
    ("0.5", "1.82", "0.91"),
    ("0.5", "1.85", "0.93"),  # 0.925: half-up, not 0.92
    ("0.375", "1.62", "0.61"),  # 0.6075
    ("0.6", "1.815", "1.09"),  # BSA 1.815 → 1.82 first; 0.6 × 1.82 = 1.092
    ("0.8", "4.65", "3.72"),
]


@pytest.mark.parametrize(("level", "bsa", "expected"), DOSES)
def test_dose_uses_rounded_bsa_and_half_up(level: str, bsa: str, expected: str) -> None:
    assert dose_mg(level_mg_per_m2=D(level), bsa_m2=D(bsa)) == D(expected)


@pytest.mark.parametrize(
    ("dose", "volume", "vials"),
    [
        ("0.01", "0.04", 1),
        ("0.9", "3.60", 1),  # one full vial: 3.6 mL deliverable
        ("0.91", "3.64", 2),
        ("1.46", "5.84", 2),
        ("1.8", "7.20", 2),
        ("1.81", "7.24", 3),
        ("3.72", "14.88", 5),
    ],
)
def test_volume_and_vials(dose: str, volume: str, vials: int) -> None:
    assert withdraw_volume_ml(D(dose)) == D(volume)
    assert vials_for_dose(D(dose)) == vials


def test_interval_rounds_to_a_tenth() -> None:
    assert round_interval_ms(D("452.35")) == D("452.4")
    assert round_interval_ms(D("452.349")) == D("452.3")


def test_callers_context_is_ignored() -> None:
    with localcontext() as context:
        context.prec = 2
        context.rounding = ROUND_DOWN
        assert dose_mg(level_mg_per_m2=D("0.5"), bsa_m2=D("1.85")) == D("0.93")
        assert vials_for_dose(D("1.81")) == 3


def test_policy_is_published_as_data() -> None:
    assert [quantity for quantity, _ in ROUNDING_POLICY] == [
        "Body surface area",
        "Dose (mg)",
        "Volume to withdraw (mL)",
        "Vials for one dose",
        "QTc (ms)",
    ]
