"""Labs in: which Observation is read, what is reported, and what is refused (docs/fhir.md)."""

from __future__ import annotations

from typing import Any

import pytest

from besponsa.clinical.errors import InvalidInput
from besponsa.fhir.evaluate import evaluate
from besponsa.fhir.labs import extract
from tests.fhir.conftest import bundle, load, observation

BEFORE_CYCLE = {"timing": "before_cycle", "baseline": {"anc": 1.2, "platelets": 90}}


def test_a_lab_systems_bundle_in_mixed_units_gives_the_same_advice_as_typed_values(mixed: Any) -> None:
    from besponsa.clinical.operations import execute

    answer = evaluate("modify", {"bundle": mixed, "input": BEFORE_CYCLE})
    typed = execute(
        "modify",
        {
            **BEFORE_CYCLE,
            "labs": {
                "anc": 0.8,
                "platelets": 62,
                "total_bilirubin_x_uln": 1.998,
                "ast_x_uln": 2.4,
                "alt_x_uln": 1.2,
            },
        },
    )
    assert {k: v for k, v in answer.items() if k not in ("sources", "not_used")} == typed
    fields = {source["field"]: source for source in answer["sources"]}
    # The per-µL ANC of 27 Nov (800/µL) is read as 0.8 ×10⁹/L, and the older 1200/µL of 20 Nov is set aside.
    assert fields["labs.anc"]["converted_value"] == 0.8
    assert fields["labs.anc"]["date"] == "2026-11-27T08:10:00-05:00"
    assert fields["labs.platelets"]["converted_value"] == 62
    assert (
        fields["labs.alt_x_uln"]["conversion"]
        == "0.9 µkat/L × 60 = 54 U/L; ÷ ULN 45 U/L = 1.2 × ULN (rounded up)"
    )
    reasons = {item["resource"]: item["reason"] for item in answer["not_used"]}
    assert reasons["bundle.entry[0].resource"] == "a more recent result is used (bundle.entry[1].resource)"
    assert "718-7" in reasons["bundle.entry[6].resource"]  # hemoglobin: a code this service does not read
    assert reasons["bundle.entry[7].resource"] == "Body weight is not an input of modify"


def test_the_same_bundle_gives_height_and_weight_to_the_bsa(mixed: Any) -> None:
    answer = evaluate("bsa", {"bundle": mixed})
    assert answer["bsa_m2"] == 1.82  # 67 in, 154 lb → 170.18 cm, 69.853 kg
    assert [s["field"] for s in answer["sources"]] == ["height_cm", "weight_kg"]


def test_a_liver_test_without_its_upper_limit_is_refused_naming_the_resource() -> None:
    with pytest.raises(InvalidInput) as refused:
        evaluate(
            "modify",
            {
                "bundle": load("missing_ranges"),
                "input": {"timing": "before_dose", "baseline": {"anc": 2, "platelets": 150}},
            },
        )
    (error,) = refused.value.errors
    assert error["field"] == "bundle.entry[0].resource.referenceRange"
    assert "add referenceRange.high, or give input.labs.ast_x_uln" in error["message"]


def test_a_value_given_in_the_input_wins_and_the_observation_is_listed_as_not_used() -> None:
    given = {"timing": "before_dose", "baseline": {"anc": 2, "platelets": 150}, "labs": {"ast_x_uln": 4.5}}
    answer = evaluate("modify", {"bundle": load("missing_ranges"), "input": given})
    assert "labs.ast_x_uln" not in [s["field"] for s in answer["sources"]]
    assert {
        "resource": "bundle.entry[0].resource",
        "code": "1920-8",
        "reason": "input.labs.ast_x_uln was given and is used instead",
    } in answer["not_used"]
    # The 140,000/µL platelets are 140 ×10⁹/L; the preliminary 20 of a later day is not read.
    platelets = next(s for s in answer["sources"] if s["field"] == "labs.platelets")
    assert platelets["converted_value"] == 140
    preliminary = next(i for i in answer["not_used"] if i["resource"] == "bundle.entry[3].resource")
    assert preliminary["reason"].startswith("status preliminary")


def test_a_malformed_bundle_is_refused_with_each_element_path() -> None:
    with pytest.raises(InvalidInput) as refused:
        extract("assess", load("malformed"), {})
    fields = {error["field"] for error in refused.value.errors}
    assert "bundle.entry[0].resource.effectiveDateTime" in fields
    assert "bundle.entry[0].resource.valueQuantity.value" in fields


@pytest.mark.parametrize("not_a_bundle", [None, [], "Bundle", {"resourceType": "Patient"}, {"entry": []}])
def test_anything_but_a_bundle_is_refused(not_a_bundle: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        extract("assess", not_a_bundle, {})
    assert refused.value.errors[0]["field"] == "bundle"


def test_the_most_recent_result_without_a_number_is_refused_not_replaced_by_an_older_one() -> None:
    older = observation("751-8", 1.9, "10*9/L", when="2026-11-20T08:00:00Z")
    newest = observation("751-8", None, None, when="2026-11-27T08:00:00Z", valueString="pending")
    with pytest.raises(InvalidInput) as refused:
        extract("assess", bundle(older, newest), {})
    assert refused.value.errors[0]["field"] == "bundle.entry[1].resource.valueQuantity"


def test_results_that_cannot_be_ordered_in_time_are_refused() -> None:
    dated = observation("751-8", 1.9, "10*9/L")
    undated = observation("751-8", 0.4, "10*9/L")
    del undated["resource"]["effectiveDateTime"]
    with pytest.raises(InvalidInput, match="cannot be told"):
        extract("assess", bundle(dated, undated), {})


def test_a_single_undated_result_is_used_and_its_date_is_shown_as_unknown() -> None:
    undated = observation("751-8", 1.9, "10*9/L")
    del undated["resource"]["effectiveDateTime"]
    result = extract("assess", bundle(undated), {})
    assert result.sources[0]["date"] is None


def test_entered_in_error_and_non_observations_are_reported() -> None:
    wrong = observation("751-8", 0.1, "10*9/L", status="entered-in-error")
    patient = {"resource": {"resourceType": "Patient", "id": "p"}}
    result = extract("assess", bundle(wrong, patient), {})
    assert result.sources == []
    assert [item["reason"].split(":")[0] for item in result.not_used] == [
        "status entered-in-error",
        "a Patient entry, not an Observation",
    ]


def test_grade_reads_the_terms_observation_with_its_reference_limit() -> None:
    labs = bundle(
        observation("751-8", 1200, "/uL", low=(1500, "/uL")),
        observation("1920-8", 210, "U/L", high=(35, "U/L")),
    )
    anc = evaluate("grade", {"bundle": labs, "input": {"term": "neutrophil_count_decreased"}})
    assert anc["grade"] == 2  # 1.2 ×10⁹/L with LLN 1.5: <1.5–1.0 is grade 2
    ast = evaluate("grade", {"bundle": labs, "input": {"term": "ast_increased"}})
    assert ast["grade"] == 3  # 210 U/L is 6× the ULN of 35: >5.0–20.0× ULN is grade 3 (normal baseline)
    assert ast["sources"][0]["reference_high"] == 35


def test_grade_of_a_liver_test_without_uln_is_refused_rather_than_read_as_a_multiple() -> None:
    with pytest.raises(InvalidInput, match="needs its upper limit of normal to be graded"):
        extract("grade", bundle(observation("1920-8", 210, "U/L")), {"term": "ast_increased"})


def test_qtc_reads_qt_in_seconds_and_heart_rate_from_an_ecg_bundle() -> None:
    answer = evaluate("qtc", {"bundle": load("ecg")})
    assert [s["field"] for s in answer["sources"]] == ["qt_ms", "heart_rate_bpm"]
    assert answer["sources"][0]["converted_value"] == 420
    graded = evaluate("grade", {"bundle": load("ecg"), "input": {"term": "qtc_prolonged"}})
    assert graded["grade"] == 3  # QTc 512 ms: ≥501 ms is grade 3


@pytest.mark.parametrize("operation", ["dates", "prepare", "nonsense"])
def test_operations_that_read_no_labs_are_refused(operation: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        extract(operation, bundle(), {})
    assert refused.value.errors[0]["field"] == "operation"


def test_an_engine_refusal_of_a_bundle_value_names_the_resource() -> None:
    tiny = bundle(observation("8302-2", 5, "cm"), observation("29463-7", 70, "kg"))
    with pytest.raises(InvalidInput) as refused:
        evaluate("bsa", {"bundle": tiny})
    (error,) = refused.value.errors
    assert error["field"] == "height_cm" and error["message"].endswith("(read from bundle.entry[0].resource)")


@pytest.mark.parametrize("body", [[], {"bundle": {}, "extra": 1}, {"input": {}}])
def test_the_request_shape_is_checked(body: object) -> None:
    with pytest.raises(InvalidInput):
        evaluate("bsa", body)
