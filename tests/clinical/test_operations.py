"""The operations contract shared by the CLI and the API: examples, schemas, validation messages."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import jsonschema_rs
import pytest
from pydantic import BaseModel

from besponsa.clinical import EXAMPLES as PACKAGE_EXAMPLES
from besponsa.clinical._validation import show
from besponsa.clinical.errors import InvalidInput, UnknownOperation
from besponsa.clinical.models import INPUTS, OUTPUTS, Errors, PastCycleInput, field_docs
from besponsa.clinical.operations import EXAMPLES, OPERATION_NAMES, execute


def errors_of(operation: str, payload: object) -> list[dict[str, str]]:
    with pytest.raises(InvalidInput) as caught:
        execute(operation, payload)
    return [{"field": error["field"], "message": error["message"]} for error in caught.value.errors]


def codes_in(items: object) -> list[object]:
    assert isinstance(items, list)
    return [item["code"] for item in items]


def fields_of(operation: str, payload: object) -> list[str]:
    return [error["field"] for error in errors_of(operation, payload)]


def test_operation_names_are_the_contract() -> None:
    assert OPERATION_NAMES == (
        "bsa",
        "plan",
        "course",
        "modify",
        "assess",
        "grade",
        "qtc",
        "dates",
        "prepare",
        "dose",
    )
    assert set(EXAMPLES) == set(OPERATION_NAMES) == set(INPUTS) == set(OUTPUTS)
    assert PACKAGE_EXAMPLES is EXAMPLES


@pytest.mark.parametrize("operation", OPERATION_NAMES)
def test_each_example_runs_and_matches_both_schemas(operation: str) -> None:
    example = EXAMPLES[operation]
    jsonschema_rs.validate(INPUTS[operation].model_json_schema(), example)
    result = execute(operation, example)
    assert json.loads(json.dumps(result, allow_nan=False)) == result
    jsonschema_rs.validate(OUTPUTS[operation].model_json_schema(mode="serialization"), result)
    assert list(result) == list(OUTPUTS[operation].model_fields)
    assert isinstance(result["citations"], list) and result["citations"]
    assert isinstance(result["notes"], list)


def test_example_results() -> None:
    assert execute("bsa", EXAMPLES["bsa"])["bsa_m2"] == 1.82
    plan = execute("plan", EXAMPLES["plan"])
    assert (plan["status"], plan["total_mg_per_m2"], plan["bsa_m2"]) == ("proceed", 1.5, 1.69)
    assert execute("modify", EXAMPLES["modify"])["action"] == "give"
    assert execute("assess", EXAMPLES["assess"])["response"] == "cri"
    assert execute("grade", EXAMPLES["grade"])["grade"] == 1
    assert execute("qtc", EXAMPLES["qtc"])["qtcf_ms"] == 452.4
    assert execute("dates", EXAMPLES["dates"])["contraception_female_until"] == "2026-01-31"
    assert execute("prepare", EXAMPLES["prepare"])["withdraw_ml"] == 5.84


def test_unknown_operation() -> None:
    with pytest.raises(UnknownOperation, match="unknown operation 'dosage'"):
        execute("dosage", {})
    with pytest.raises(UnknownOperation):
        execute(["bsa"], {})  # type: ignore[arg-type]  # an unhashable name from an untrusted caller


@pytest.mark.parametrize("payload", [None, [], "text", 1, True, [{"height_cm": 170}]])
def test_non_object_payload(payload: object) -> None:
    errors = errors_of("bsa", payload)
    assert [e["field"] for e in errors] == ["body"]
    assert errors[0]["message"].startswith("body must be a JSON object with named fields")


def test_a_field_name_that_is_not_text_is_refused_even_when_the_rest_is_valid() -> None:
    assert errors_of("bsa", {"height_cm": 170, "weight_kg": 70, "\ud800": 1}) == [
        {
            "field": "\ud800",
            "message": "\ud800 is not an accepted field (accepted: height_cm, weight_kg, formula)",
        }
    ]


def test_unknown_field_is_an_error_with_a_suggestion() -> None:
    errors = errors_of("bsa", {"height_cm": 170, "weight_kgs": 70})
    assert errors == [
        {
            "field": "weight_kgs",
            "message": "weight_kgs is not an accepted field (accepted: height_cm, weight_kg, formula); "
            "did you mean weight_kg?",
        },
        {
            "field": "weight_kg",
            "message": "weight_kg is required: Actual body weight in kg (between 3 and 300 kg)",
        },
    ]
    assert errors_of("dates", {"last_dose_date": "2025-01-01", "zzz": 1})[0]["message"].endswith(
        "(accepted: last_dose_date)"
    )


def test_an_unknown_field_is_refused_even_when_it_is_null() -> None:
    """Null means "not given" only for a field the operation has: a typo sent as null is still a typo."""
    errors = errors_of(
        "modify", {"timing": "before_dose", "baseline": {"anc": 1, "platelets": 90}, "labs": {"": None}}
    )
    assert [e["field"] for e in errors] == ["labs."]
    assert (
        errors_of("bsa", {"height_cm": 170, "weight_kg": 70, "weight_kgs": None})[0]["field"] == "weight_kgs"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "height_cm must be a number between 40 and 250 cm (got true)"),
        ("170", 'height_cm must be a number between 40 and 250 cm (got "170")'),
        (float("nan"), "height_cm must be a finite number (got NaN)"),
        (float("inf"), "height_cm must be a finite number (got Infinity)"),
        (Decimal("NaN"), "height_cm must be a finite number (got NaN)"),
        ({"cm": 170}, "height_cm must be a number between 40 and 250 cm (got an object)"),
        ([170], "height_cm must be a number between 40 and 250 cm (got a list)"),
        (12, "height_cm must be between 40 and 250 cm (got 12)"),
        (250.5, "height_cm must be between 40 and 250 cm (got 250.5)"),
        (
            Decimal("1E+3"),
            "height_cm must be between 40 and 250 cm (got 1000); did you mean 100 cm? height is entered in "
            "cm, "
            "not mm",
        ),
    ],
)
def test_number_problems(value: object, message: str) -> None:
    assert errors_of("bsa", {"height_cm": value, "weight_kg": 70}) == [
        {"field": "height_cm", "message": message}
    ]


def test_numbers_accept_int_float_and_decimal() -> None:
    for height in (170, 170.0, Decimal("170")):
        assert execute("bsa", {"height_cm": height, "weight_kg": 70.1})["bsa_m2"] == 1.82


@pytest.mark.parametrize(
    ("cycle", "ok"),
    [(2, True), (2.0, True), (Decimal("2.00"), True), (2.5, False), (0, False), (True, False), ("2", False)],
)
def test_integer_fields(cycle: object, ok: bool) -> None:
    payload = {**EXAMPLES["plan"], "cycle": cycle}
    if ok:
        assert execute("plan", payload)["cycle"] == 2
    else:
        assert fields_of("plan", payload) == ["cycle"]


def test_integer_message() -> None:
    assert errors_of("plan", {**EXAMPLES["plan"], "cycle": 1.5})[0]["message"] == (
        "cycle must be a whole number between 1 and 100 (got 1.5)"
    )
    assert errors_of("modify", {**EXAMPLES["modify"], "cytopenia_days": -3})[0]["message"] == (
        "cytopenia_days must be between 0 and 3650 days (got -3)"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025-02-30", 'last_dose_date is not a real calendar date (got "2025-02-30")'),
        ("2025-2-3", 'last_dose_date must be a date written YYYY-MM-DD (got "2025-2-3")'),
        ("20250203", 'last_dose_date must be a date written YYYY-MM-DD (got "20250203")'),
        ("2025-02-03T10:00", 'last_dose_date must be a date written YYYY-MM-DD (got "2025-02-03T10:00")'),
        (20250203, "last_dose_date must be a date written YYYY-MM-DD (got 20250203)"),
        ("1999-12-31", "last_dose_date must be between 2000-01-01 and 2199-12-31 (got 1999-12-31)"),
        (
            "x" * 100,
            'last_dose_date must be a date written YYYY-MM-DD (got "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...")',
        ),
    ],
)
def test_date_problems(value: object, message: str) -> None:
    assert errors_of("dates", {"last_dose_date": value}) == [{"field": "last_dose_date", "message": message}]


def test_choice_and_boolean_problems() -> None:
    errors = errors_of("plan", {**EXAMPLES["plan"], "best_response": "CR", "hsct_planned": "yes"})
    assert errors == [
        {"field": "best_response", "message": 'best_response must be one of: none, cri, cr (got "CR")'},
        {"field": "hsct_planned", "message": 'hsct_planned must be true or false (got "yes")'},
    ]


def test_null_means_not_given() -> None:
    result = execute(
        "plan", {**EXAMPLES["plan"], "best_response": None, "formula": None, "mrd_negative": None}
    )
    assert result["regimen_row"] == "later_no_cr_cri"
    assert fields_of("bsa", {"height_cm": None, "weight_kg": 70}) == ["height_cm"]


def test_every_problem_is_reported_at_once() -> None:
    payload = {
        "height_cm": 12,
        "weight_kg": "heavy",
        "cycle": 1,
        "start_date": "2025-13-01",
        "dose_level": "two_doses",
    }
    assert fields_of("plan", payload) == ["height_cm", "weight_kg", "start_date", "dose_level", "age_years"]


def test_nested_paths() -> None:
    payload = {
        "timing": "before_cycle",
        "baseline": {"anc": -1},
        "labs": {"anc": "low", "ast": 3},
        "previous_cycle_baseline": [],
    }
    assert errors_of("modify", payload) == [
        {"field": "baseline.anc", "message": "baseline.anc must be between 0 and 100 ×10⁹/L (got -1)"},
        {
            "field": "baseline.platelets",
            "message": "baseline.platelets is required: Platelet count not supported by transfusion, ×10⁹/L "
            "(between 0 and 2000 ×10⁹/L)",
        },
        {
            "field": "previous_cycle_baseline",
            "message": "previous_cycle_baseline must be a JSON object with named fields (got a list)",
        },
        {
            "field": "labs.ast",
            "message": "labs.ast is not an accepted field (accepted: anc, platelets, total_bilirubin_x_uln, "
            "ast_x_uln, alt_x_uln); did you mean ast_x_uln?",
        },
        {"field": "labs.anc", "message": 'labs.anc must be a number between 0 and 100 ×10⁹/L (got "low")'},
        {
            "field": "labs.platelets",
            "message": "labs.platelets is required before a new cycle: Table 2 compares the current count "
            "with the pre-treatment count (×10⁹/L)",
        },
    ]


def test_counts_are_optional_within_a_cycle() -> None:
    payload = {"timing": "before_dose", "baseline": {"anc": 2, "platelets": 100}, "labs": {}}
    result = execute("modify", payload)
    assert result["action"] == "give"
    assert result["not_evaluated"] == ["blood_counts", "liver_tests"]


def test_modify_full_payload() -> None:
    payload = {
        "timing": "before_dose",
        "baseline": {"anc": 2, "platelets": 100},
        "labs": {"anc": 0.4, "platelets": 20, "total_bilirubin_x_uln": 1.8, "ast_x_uln": 1, "alt_x_uln": 1},
        "vod": False,
        "infusion_reaction": "mild",
        "other_nonhematologic_grade": 2,
        "other_nonhematologic_baseline_grade": 0,
        "bilirubin_from_gilbert_or_hemolysis": False,
        "cytopenia_cause": "not_assessed",
        "marrow_stable_or_improved": False,
        "cytopenia_days": 3,
        "interruption_days": 8,
        "dose_level": "reduced_25",
    }
    result = execute("modify", payload)
    assert result["action"] == "omit_next_dose"
    assert result["next_dose_level"] == "reduced_25"
    assert codes_in(result["findings"]) == [
        "low_counts_within_cycle",
        "bilirubin_above_limit_alone",
        "infusion_reaction",
        "other_toxicity_grade_2_or_more",
        "interruption_7_days_or_more",
    ]


def test_grade_cross_checks() -> None:
    assert errors_of("grade", {"term": "qtc_prolonged", "value": 50}) == [
        {"field": "value", "message": "value must be between 100 and 1000 ms (got 50)"}
    ]
    assert fields_of("grade", {"term": "ast_increased", "value": 50, "lln": 1}) == ["lln"]
    assert fields_of("grade", {"term": "nope", "value": 50, "lln": 1}) == ["term"]
    assert fields_of("grade", {"term": "neutrophil_count_decreased", "value": -1, "uln": 1}) == [
        "value",
        "uln",
    ]
    result = execute("grade", {"term": "neutrophil_count_decreased", "value": 1.0, "lln": 2})
    assert (result["grade"], result["band"]) == (2, "<1.5–1.0 ×10⁹/L (<1500–1000/mm³)")


def test_plan_stop_has_no_doses_or_checks() -> None:
    result = execute("plan", {**EXAMPLES["plan"], "cycle": 4, "best_response": "none", "hsct_planned": False})
    assert (result["status"], result["doses"], result["pre_dose_checks"]) == ("stop", [], [])
    assert result["reasons"] == ["no_response_within_3_cycles"]
    assert result["cycle_length_days"] is None and result["total_mg_per_m2"] == 0


def test_plan_cytoreduction_and_vod_risk() -> None:
    base = {**EXAMPLES["plan"], "cycle": 1, "best_response": "none", "hsct_planned": False}
    high = execute("plan", {**base, "peripheral_blasts": 25, "vod_risk": {"prior_hsct": True}})
    assert high["cytoreduction"] == {
        "passed": False,
        "message": "Peripheral blasts above 10 ×10⁹/L (10,000/mm³): reduce them (for example with "
        "hydroxyurea, steroids and/or vincristine) before the first dose.",
        "citation": "PI 2.2",
    }
    assert (high["status"], high["reasons"]) == ("consider", ["cytoreduction_needed"])
    assert high["headline"].startswith(
        "Consider before giving cycle 1 at the full dose. Peripheral blasts above 10"
    )  # type: ignore[union-attr]  # JSON str
    assert codes_in(high["vod_risk_factors"]) == ["prior_hsct"]
    assert "PI Boxed Warning" in high["citations"]  # type: ignore[operator]  # JSON list
    low = execute("plan", {**base, "peripheral_blasts": 10})
    assert low["cytoreduction"]["passed"] is True  # type: ignore[index]  # JSON object
    later = execute("plan", {**EXAMPLES["plan"], "peripheral_blasts": 25})
    assert later["cytoreduction"] is None
    assert "peripheral_blasts is checked only before the first dose of cycle 1." in later["notes"]  # type: ignore[operator]  # JSON list


def test_plan_rejects_reduced_cycle_1_with_other_errors() -> None:
    payload = {**EXAMPLES["plan"], "cycle": 1, "dose_level": "reduced_25", "weight_kg": 0}
    assert fields_of("plan", payload) == ["weight_kg", "dose_level"]


def test_prepare_and_qtc_and_assess_via_execute() -> None:
    syringe = execute("prepare", {"dose_mg": 0.91, "route": "syringe"})
    assert (syringe["vials"], syringe["final_volume_ml"], syringe["unconfirmed"][0]) == (  # type: ignore[index]  # JSON
        2,
        None,
        "final_volume_ml",
    )
    assert execute("qtc", {"qt_ms": 400, "heart_rate_bpm": 60})["change_from_baseline_ms"] is None
    assert execute("assess", {**EXAMPLES["assess"], "mrd_fraction": None})["mrd_negative"] is None


def test_schemas_are_complete_json_schema() -> None:
    for operation in OPERATION_NAMES:
        schema = INPUTS[operation].model_json_schema()
        assert schema["type"] == "object" and schema["additionalProperties"] is False
        properties = schema["properties"]
        assert list(properties) == list(INPUTS[operation].model_fields)
        assert all(p["description"] for p in properties.values())
    bsa = INPUTS["bsa"].model_json_schema()
    assert bsa["required"] == ["height_cm", "weight_kg"]
    height = bsa["properties"]["height_cm"]
    assert (height["description"], height["type"]) == ("Body height in cm (between 40 and 250 cm)", "number")
    assert (height["minimum"], height["maximum"]) == (40, 250)
    plan = INPUTS["plan"].model_json_schema()["properties"]
    assert plan["start_date"]["format"] == "date"
    assert plan["start_date"]["description"].endswith("(between 2000-01-01 and 2199-12-31)")
    grade = INPUTS["grade"].model_json_schema()
    assert grade["properties"]["uln"]["exclusiveMinimum"] == 0
    assert grade["$defs"]["Term"]["enum"][0] == "neutrophil_count_decreased"
    qtc = OUTPUTS["qtc"].model_json_schema(mode="serialization")["properties"]
    assert qtc["change_from_baseline_ms"]["anyOf"] == [{"type": "number"}, {"type": "null"}]


def test_errors_name_the_field_and_the_reason() -> None:
    with pytest.raises(InvalidInput) as caught:
        execute("bsa", {})
    assert [error["field"] for error in caught.value.errors] == ["height_cm", "weight_kg"]
    assert str(caught.value).startswith("height_cm: height_cm is required")


def test_shown_values_for_python_callers() -> None:
    assert show(object()) == "object"
    assert show({1, 2}) == "set"
    assert show(10**60) == "1.000E+60"
    assert show(Decimal("0." + "3" * 50)) == "0.333333333333333333333333333…"
    assert show(1e-30) == "1.000E-30"


def test_modify_with_unusable_timing_still_reports_everything_else() -> None:
    payload = {"timing": "later", "baseline": {"anc": 1, "platelets": 50}, "labs": {}}
    assert fields_of("modify", payload) == ["timing"]
    assert fields_of("modify", {"timing": "before_cycle", "baseline": {"anc": 1, "platelets": 50}}) == [
        "labs"
    ]


def test_plan_lists_each_citation_once() -> None:
    result = execute(
        "plan",
        {**EXAMPLES["plan"], "cycle": 3, "vod_risk": {"prior_hsct": True, "prior_liver_disease": True}},
    )
    assert result["status"] == "consider"
    citations = result["citations"]
    assert isinstance(citations, list) and len(citations) == len(set(citations))
    assert codes_in(result["vod_risk_factors"]) == [
        "prior_liver_disease",
        "prior_hsct",
        "more_cycles",
    ]


def test_assess_checks_mrd_against_blasts_only_when_blasts_are_usable() -> None:
    """Issue #10 item 1: an MRD fraction contradicting the marrow blasts is refused; without usable
    blasts only the blasts are reported."""
    contradiction = {**EXAMPLES["assess"], "marrow_blasts_pct": 3, "mrd_fraction": 1.0}
    assert fields_of("assess", contradiction) == ["mrd_fraction"]
    no_blasts = {k: v for k, v in contradiction.items() if k != "marrow_blasts_pct"}
    assert fields_of("assess", no_blasts) == ["marrow_blasts_pct"]


def _number_paths(model: type[BaseModel], path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    paths: list[tuple[str | int, ...]] = []
    for name, field in model.model_fields.items():
        kind = str(field.annotation)
        if "Decimal" in kind or "int" in kind:
            paths.append((*path, name))
        elif isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            paths += _number_paths(field.annotation, (*path, name))
        elif "PastCycleInput" in kind:
            paths += _number_paths(PastCycleInput, (*path, name, 0))
    return paths


EXTREMES = [Decimal("1e-999999"), Decimal("1e999999"), Decimal("-1e-999999"), Decimal("9" * 40), 10**400]
NUMBER_CASES = [
    (operation, path, extreme)
    for operation in OPERATION_NAMES
    for path in _number_paths(INPUTS[operation])
    for extreme in EXTREMES
]


@pytest.mark.parametrize(("operation", "path", "extreme"), NUMBER_CASES)
def test_every_number_field_refuses_extremes_without_a_crash(
    operation: str, path: tuple[str | int, ...], extreme: object
) -> None:
    """Issue #10 item 1: no 1e400 (or 1e-999999) anywhere, nested fields included: refused or answered."""
    payload = copy.deepcopy(EXAMPLES[operation])
    target: Any = payload
    for step in path[:-1]:
        if isinstance(step, int):
            target = target[step]
        else:
            target = target.setdefault(step, {} if step != "cycles" else [{"day1_date": "2025-01-06"}])
    target[path[-1]] = extreme
    try:
        execute(operation, payload)
    except InvalidInput as invalid:
        assert all(len(error["message"]) < 400 for error in invalid.errors)


def test_field_docs_list_what_a_form_or_a_docs_page_shows() -> None:
    """Forms and the API docs page read these: kinds, ranges, defaults, choices and nested fields."""
    course = {doc.name: doc for doc in field_docs(INPUTS["course"])}
    assert (course["height_cm"].kind, course["height_cm"].required) == ("number", True)
    assert course["height_cm"].range_text() == " (between 40 and 250 cm)"
    assert (course["formula"].kind, course["formula"].default) == ("choice", "mosteller")
    assert course["formula"].choices == ("mosteller", "dubois", "haycock", "gehan_george", "boyd")
    cycles = course["cycles"]
    assert (cycles.kind, cycles.max_items, cycles.required) == ("list", 6, False)
    history = {doc.name: doc for doc in cycles.fields}
    assert history["day1_date"].range_text() == " (between 2000-01-01 and 2199-12-31)"
    assert (history["interruption_days"].kind, history["interruption_days"].default) == ("integer", 0)
    assert (history["mrd_negative"].kind, history["mrd_negative"].default) == ("boolean", False)
    assert course["vod_risk"].kind == "object" and course["vod_risk"].fields[0].name == "prior_liver_disease"
    assert course["peripheral_blasts"].default is None


def test_the_dose_operation_is_plan_bsa_and_prepare_in_one_answer() -> None:
    result = execute("dose", EXAMPLES["dose"])
    assert result["bsa"]["bsa_m2"] == 1.82
    assert [(d["day"], d["dose_mg"]) for d in result["plan"]["doses"]] == [(1, 1.46), (8, 0.91), (15, 0.91)]
    assert [(p["dose_mg"], p["days"], p["vials"], p["withdraw_ml"]) for p in result["preparations"]] == [
        (1.46, [1], 2, 5.84),
        (0.91, [8, 15], 2, 3.64),
    ]
    assert result["citations"][:2] == ["PI 2.2", "PI 2.2 Table 1"]
    assert len(result["notes"]) == len(set(result["notes"]))


def test_the_dose_operation_refuses_what_the_plan_refuses() -> None:
    payload = {**EXAMPLES["dose"], "dose_level": "reduced_25", "route": "tube"}
    assert fields_of("dose", payload) == ["route", "dose_level"]


def test_the_error_schema() -> None:
    assert Errors.model_json_schema()["required"] == ["errors"]
    error = Errors.model_validate({"errors": [{"field": "body", "message": "m"}]})
    assert error.errors[0].field == "body"
