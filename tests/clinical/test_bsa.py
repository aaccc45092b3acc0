"""BSA formulas: published formulas reproduced with Decimal, checked against an independent float
computation and against hand-verified rounded values."""

from __future__ import annotations

import math
from decimal import Decimal, localcontext

import pytest

from besponsa.clinical.bsa import FORMULA_REFERENCE, FORMULA_TEXT, BsaFormula, body_surface_area
from besponsa.clinical.errors import InvalidInput


def _float_reference(formula: BsaFormula, height: float, weight: float) -> float:
    # Written from the original publications, independently of the engine's Decimal code.
    if formula is BsaFormula.MOSTELLER:
        return math.sqrt(height * weight / 3600)
    if formula is BsaFormula.DUBOIS:
        return 0.007184 * math.pow(weight, 0.425) * math.pow(height, 0.725)
    if formula is BsaFormula.HAYCOCK:
        return 0.024265 * math.pow(weight, 0.5378) * math.pow(height, 0.3964)
    if formula is BsaFormula.GEHAN_GEORGE:
        return 0.0235 * math.pow(weight, 0.51456) * math.pow(height, 0.42246)
    grams = weight * 1000
    return 0.0003207 * math.pow(height, 0.3) * math.pow(grams, 0.7285 - 0.0188 * math.log10(grams))


# (height cm, weight kg) → rounded BSA per formula, in BsaFormula order:
# mosteller, dubois, haycock, gehan_george, boyd. Checked by hand against the float reference.
GOLDEN = [
    ((170, "70"), ("1.82", "1.81", "1.83", "1.83", "1.83")),
    ((100, "15"), ("0.65", "0.64", "0.65", "0.66", "0.66")),
    ((150, "45.5"), ("1.38", "1.38", "1.38", "1.39", "1.39")),
    ((183, "95"), ("2.20", "2.17", "2.22", "2.21", "2.21")),
    ((40, "3"), ("0.18", "0.17", "0.19", "0.20", "0.20")),
    ((250, "300"), ("4.56", "4.44", "4.65", "4.56", "4.48")),
]


@pytest.mark.parametrize(("size", "expected"), GOLDEN)
def test_golden_values(size: tuple[int, str], expected: tuple[str, ...]) -> None:
    height, weight = size
    for formula, value in zip(BsaFormula, expected, strict=True):
        result = body_surface_area(height_cm=Decimal(height), weight_kg=Decimal(weight), formula=formula)
        assert result.bsa_m2 == Decimal(value), formula
        assert float(result.unrounded_m2) == pytest.approx(_float_reference(formula, height, float(weight)))


def test_mosteller_is_the_default_and_formula_is_shown() -> None:
    result = body_surface_area(height_cm=Decimal(170), weight_kg=Decimal(70))
    assert result.formula is BsaFormula.MOSTELLER
    assert result.formula_text == "BSA (m²) = √(height cm × weight kg ÷ 3600)"
    assert result.citations == ("PI 2.2",)
    assert any("actual body weight" in note for note in result.notes)


def test_every_formula_has_text_and_reference() -> None:
    assert set(FORMULA_TEXT) == set(BsaFormula) == set(FORMULA_REFERENCE)


def test_exact_half_rounds_up() -> None:
    # 121 cm × 98.01 kg ÷ 3600 = 3.294225 = 1.815² exactly: a true half that banker's rounding would
    # send down to 1.81.
    result = body_surface_area(height_cm=Decimal("121.0"), weight_kg=Decimal("98.01"))
    assert result.unrounded_m2 == Decimal("1.815")
    assert result.bsa_m2 == Decimal("1.82")


def test_callers_decimal_context_does_not_change_the_result() -> None:
    with localcontext() as context:
        context.prec = 3
        low_precision = body_surface_area(
            height_cm=Decimal("183.3"), weight_kg=Decimal("95.7"), formula=BsaFormula.BOYD
        )
    normal = body_surface_area(height_cm=Decimal("183.3"), weight_kg=Decimal("95.7"), formula=BsaFormula.BOYD)
    assert low_precision == normal


def test_out_of_range_reports_both_fields() -> None:
    with pytest.raises(InvalidInput) as caught:
        body_surface_area(height_cm=Decimal(12), weight_kg=Decimal("300.5"))
    assert caught.value.errors == [
        {"field": "height_cm", "message": "height_cm must be between 40 and 250 cm (got 12)"},
        {
            "field": "weight_kg",
            "message": "weight_kg must be between 3 and 300 kg (got 300.5); did you mean 136.3 kg? weight is "
            "entered in kg, not pounds",
        },
    ]


# Issue #10 item 1: plausible ranges name the unit a value was probably typed in; pairs no human body
# has are refused.
UNIT_SLIPS = [
    ("1.7", "70", "height_cm", "did you mean 170 cm? height is entered in cm, not m"),
    ("1700", "70", "height_cm", "did you mean 170 cm? height is entered in cm, not mm"),
    ("170", "330", "weight_kg", "did you mean 149.7 kg? weight is entered in kg, not pounds"),
    ("170", "70000", "weight_kg", "did you mean 70 kg? weight is entered in kg, not grams"),
]


@pytest.mark.parametrize(("height", "weight", "field", "hint"), UNIT_SLIPS)
def test_unit_slips_are_named(height: str, weight: str, field: str, hint: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        body_surface_area(height_cm=Decimal(height), weight_kg=Decimal(weight))
    assert [e["field"] for e in caught.value.errors] == [field]
    assert caught.value.errors[0]["message"].endswith(hint)


BODY_PAIRS = [
    ("40", "300", None),  # the example: no body is 40 cm and 300 kg
    ("65", "70", "did you mean 165.1 cm? height is entered in cm, not inches"),
    ("60", "50", "did you mean 152.4 cm? height is entered in cm, not inches"),
    ("185", "20", None),
]


@pytest.mark.parametrize(("height", "weight", "hint"), BODY_PAIRS)
def test_impossible_height_weight_pairs_are_refused(height: str, weight: str, hint: str | None) -> None:
    with pytest.raises(InvalidInput) as caught:
        body_surface_area(height_cm=Decimal(height), weight_kg=Decimal(weight))
    message = caught.value.errors[0]["message"]
    assert caught.value.errors[0]["field"] == "height_cm"
    assert "is not a human body size" in message
    assert message.endswith(hint or "check both values")


@pytest.mark.parametrize(
    ("height", "weight"),
    [
        ("40", "3"),
        ("50", "3.5"),
        ("75", "9"),
        ("100", "15"),
        ("170", "70"),
        ("160", "150"),
        ("250", "300"),
        ("150", "250"),
        ("190", "40"),
    ],
)
def test_real_bodies_are_accepted(height: str, weight: str) -> None:
    body_surface_area(height_cm=Decimal(height), weight_kg=Decimal(weight))


def test_pounds_given_away_by_the_pair() -> None:
    with pytest.raises(InvalidInput) as caught:
        body_surface_area(height_cm=Decimal("50"), weight_kg=Decimal("22"))
    assert "did you mean 10 kg? weight is entered in kg, not pounds" in caught.value.errors[0]["message"]


def test_non_finite_values_are_refused_by_the_core() -> None:
    with pytest.raises(InvalidInput) as caught:
        body_surface_area(height_cm=Decimal("NaN"), weight_kg=Decimal("Infinity"))
    assert [e["message"] for e in caught.value.errors] == [
        "height_cm must be a finite number (got NaN)",
        "weight_kg must be a finite number (got Infinity)",
    ]
