"""Each LOINC code × UCUM unit reads as the value the engine expects (docs/fhir.md, "Codes and units")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from besponsa.clinical.errors import InvalidInput
from besponsa.fhir.labs import extract
from tests.fhir.conftest import bundle, observation

MODIFY = {"timing": "before_dose", "baseline": {"anc": 2, "platelets": 150}}

# code, value, UCUM unit, (ULN value, ULN unit) or None, operation, field, expected value in the engine's unit
ROWS = [
    ("751-8", 800, "/uL", None, "assess", "anc", Decimal("0.8")),
    ("751-8", 0.8, "10*9/L", None, "assess", "anc", Decimal("0.8")),
    ("26499-4", 1.5, "10*3/uL", None, "assess", "anc", Decimal("1.5")),
    ("26499-4", 1500, "{cells}/uL", None, "assess", "anc", Decimal("1.5")),
    ("751-8", 1200, "/mm3", None, "assess", "anc", Decimal("1.2")),
    ("751-8", 900, "10*6/L", None, "assess", "anc", Decimal("0.9")),
    ("777-3", 150000, "/uL", None, "assess", "platelets", Decimal(150)),
    ("777-3", 45, "10*3/mm3", None, "assess", "platelets", Decimal(45)),
    ("26515-7", 75, "10*9/L", None, "assess", "platelets", Decimal(75)),
    ("1920-8", 120, "U/L", (40, "U/L"), "modify", "labs.ast_x_uln", Decimal(3)),
    ("1920-8", 100, "[IU]/L", (40, "[IU]/L"), "modify", "labs.ast_x_uln", Decimal("2.5")),
    ("1742-6", 1.5, "ukat/L", (45, "U/L"), "modify", "labs.alt_x_uln", Decimal(2)),
    ("1742-6", 100, "U/L", (30, "U/L"), "modify", "labs.alt_x_uln", Decimal("3.334")),  # 3.333… rounded up
    ("1975-2", 3.6, "mg/dL", (1.2, "mg/dL"), "modify", "labs.total_bilirubin_x_uln", Decimal(3)),
    ("1975-2", 61.56, "umol/L", (1.2, "mg/dL"), "modify", "labs.total_bilirubin_x_uln", Decimal(3)),
    ("14631-6", 41.04, "umol/L", (20.52, "umol/L"), "modify", "labs.total_bilirubin_x_uln", Decimal(2)),
    ("1975-2", 24, "mg/L", (12, "mg/L"), "modify", "labs.total_bilirubin_x_uln", Decimal(2)),
    ("8634-8", 0.44, "s", None, "qtc", "qt_ms", Decimal(440)),
    ("8634-8", 440, "ms", None, "qtc", "qt_ms", Decimal(440)),
    ("8867-4", 72, "/min", None, "qtc", "heart_rate_bpm", Decimal(72)),
    ("8867-4", 72, "{beats}/min", None, "qtc", "heart_rate_bpm", Decimal(72)),
    ("8302-2", 67, "[in_i]", None, "bsa", "height_cm", Decimal("170.18")),
    ("8302-2", 1.7, "m", None, "bsa", "height_cm", Decimal(170)),
    ("8302-2", 1700, "mm", None, "bsa", "height_cm", Decimal(170)),
    ("29463-7", 154, "[lb_av]", None, "bsa", "weight_kg", Decimal("69.85322498")),
    ("29463-7", 70000, "g", None, "bsa", "weight_kg", Decimal(70)),
    ("29463-7", 70, "kg", None, "plan", "weight_kg", Decimal(70)),
]


def _value_at(data: dict, path: str) -> object:
    for part in path.split("."):
        data = data[part]
    return data


@pytest.mark.parametrize(("code", "value", "unit", "uln", "operation", "field", "expected"), ROWS)
def test_each_code_and_unit_reads_as_the_engine_unit(
    code: str,
    value: float,
    unit: str,
    uln: tuple[float, str] | None,
    operation: str,
    field: str,
    expected: Decimal,
) -> None:
    extra = {} if uln is None else {"high": uln}
    given = MODIFY if operation == "modify" else {}
    result = extract(operation, bundle(observation(code, value, unit, **extra)), given)
    assert Decimal(str(_value_at(result.input, field))) == expected
    (source,) = result.sources
    assert source["field"] == field and source["code"] == code and source["unit"] == unit
    assert source["date"] == "2026-11-27T08:00:00+00:00"


@pytest.mark.parametrize(
    ("code", "unit"),
    [
        ("751-8", "K/uL"),
        ("751-8", "g/dL"),
        ("1920-8", "mg/dL"),
        ("8302-2", "kg"),
        ("29463-7", "[in_i]"),
        ("8634-8", "/min"),
    ],
)
def test_a_unit_that_is_not_the_quantitys_is_refused_never_guessed(code: str, unit: str) -> None:
    operation = {"751-8": "assess", "1920-8": "modify", "8634-8": "qtc"}.get(code, "bsa")
    given = MODIFY if operation == "modify" else {}
    with pytest.raises(InvalidInput) as refused:
        extract(operation, bundle(observation(code, 5, unit, high=(40, "U/L"))), given)
    (error,) = refused.value.errors
    assert error["field"] == "bundle.entry[0].resource.valueQuantity.code"
    assert repr(unit) in error["message"]


def test_a_unit_from_another_code_system_is_not_read_as_ucum() -> None:
    entry = observation("751-8", 800, "/uL")
    entry["resource"]["valueQuantity"]["system"] = "http://example.org/lab-units"
    with pytest.raises(InvalidInput, match="is not one this service converts"):
        extract("assess", bundle(entry), {})


def test_the_conversion_is_written_out_for_the_reader() -> None:
    result = extract("assess", bundle(observation("751-8", 800, "/uL")), {})
    assert result.sources[0]["conversion"] == "800 /µL × 0.001 = 0.8 ×10⁹/L"
    bili = extract(
        "modify",
        bundle(observation("1975-2", 41, "umol/L", high=(1.2, "mg/dL"))),
        MODIFY,
    ).sources[0]
    assert bili["conversion"].startswith("41 µmol/L ÷ 17.104 = 2.3971 mg/dL; ÷ ULN 1.2 mg/dL = 1.998 × ULN")
