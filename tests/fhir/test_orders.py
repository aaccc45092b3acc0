"""Plan out: the cycle plan as a FHIR R4 Bundle of draft orders that validates and round-trips."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from besponsa.clinical import product
from besponsa.clinical.errors import InvalidInput
from besponsa.clinical.operations import execute
from besponsa.fhir.examples import PLAN_OUT_EXAMPLE
from besponsa.fhir.orders import LABEL_VERSION, engine_version, plan_bundle

PLAN = {"height_cm": 170, "weight_kg": 70, "cycle": 1, "start_date": "2026-12-01", "age_years": 34}
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def _resources(document: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == kind]


def test_the_bundle_validates_and_round_trips_through_the_r4b_models() -> None:
    document = plan_bundle(PLAN, now=NOW)
    again = Bundle.model_validate(document).model_dump(mode="json", exclude_none=True)
    assert again == document
    assert document["type"] == "collection" and document["timestamp"].startswith("2026-11-30T12:00:00")


def test_one_draft_medication_request_per_dose_with_the_plans_numbers() -> None:
    plan = execute("plan", PLAN)
    requests = _resources(plan_bundle(PLAN, now=NOW), "MedicationRequest")
    assert len(requests) == len(plan["doses"]) == 3
    for request, dose in zip(requests, plan["doses"], strict=True):
        assert (request["status"], request["intent"]) == ("draft", "proposal")
        instruction = request["dosageInstruction"][0]
        assert instruction["timing"]["event"] == [dose["date"]]
        rate = instruction["doseAndRate"][0]
        assert rate["doseQuantity"] == {
            "value": dose["dose_mg"],
            "unit": "mg",
            "system": "http://unitsofmeasure.org",
            "code": "mg",
        }
        assert rate["rateQuantity"]["value"] == float(product.INFUSION_RATE.value)
        assert rate["rateQuantity"]["code"] == "mL/h"
        assert instruction["route"]["coding"][0]["code"] == "47625008"
    day8 = requests[1]["note"][0]["text"]
    assert (
        f"may be given from {plan['doses'][1]['window_earliest']} to {plan['doses'][1]['window_latest']}"
        in day8
    )


def test_medication_careplan_and_provenance() -> None:
    document = plan_bundle(PLAN, now=NOW)
    (medication,) = _resources(document, "Medication")
    assert medication["code"]["coding"][0] == {
        "system": "http://hl7.org/fhir/sid/ndc",
        "code": product.NDC.value,
        "display": "BESPONSA (inotuzumab ozogamicin) for injection 0.9 mg single-dose vial",
    }
    (careplan,) = _resources(document, "CarePlan")
    request_urls = [
        e["fullUrl"] for e in document["entry"] if e["resource"]["resourceType"] == "MedicationRequest"
    ]
    assert [a["reference"]["reference"] for a in careplan["activity"]] == request_urls
    assert careplan["period"] == {"start": "2026-12-01", "end": execute("plan", PLAN)["cycle_end_date"]}
    (provenance,) = _resources(document, "Provenance")
    assert provenance["entity"][0]["what"]["display"] == LABEL_VERSION
    assert engine_version() in provenance["agent"][0]["who"]["display"]
    assert {t["reference"] for t in provenance["target"]} >= set(request_urls)


def test_no_patient_is_needed_and_a_reference_passed_in_is_echoed() -> None:
    anonymous = plan_bundle(PLAN, now=NOW)
    assert _resources(anonymous, "CarePlan")[0]["subject"] == {
        "display": "Patient to be identified in the EHR (not sent to BESPONSA HCP)"
    }
    named = plan_bundle(PLAN_OUT_EXAMPLE, now=NOW)
    assert all(
        r["subject"] == {"reference": "Patient/example"} for r in _resources(named, "MedicationRequest")
    )


@pytest.mark.parametrize(
    "patient", ["Patient/1", {"id": "1"}, {"reference": ""}, {}, {"reference": "x" * 201}]
)
def test_a_bad_patient_reference_is_refused(patient: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        plan_bundle({**PLAN, "patient": patient})
    assert refused.value.errors[0]["field"] == "patient"


def test_the_plan_status_and_reasons_travel_with_the_orders() -> None:
    blasts = {**PLAN, "peripheral_blasts": 15}
    plan = execute("plan", blasts)
    document = plan_bundle(blasts, now=NOW)
    careplan = _resources(document, "CarePlan")[0]
    assert careplan["description"].startswith(f"Plan status: {plan['status']}")
    assert [n["text"] for n in careplan["note"]] == plan["notes"]


def test_invalid_plan_input_is_refused_like_the_plan_operation() -> None:
    with pytest.raises(InvalidInput) as refused:
        plan_bundle({**PLAN, "height_cm": "tall"})
    assert refused.value.errors[0]["field"] == "height_cm"


def test_a_course_history_gives_the_next_cycles_orders() -> None:
    from besponsa.clinical.examples import EXAMPLES

    course = execute("course", EXAMPLES["course"])
    document = plan_bundle(EXAMPLES["course"], now=NOW)
    careplan = _resources(document, "CarePlan")[0]
    assert careplan["title"] == f"BESPONSA cycle {course['cycle']}"
    assert len(_resources(document, "MedicationRequest")) == len(course["doses"])
    assert [n["text"] for n in careplan["note"]] == course["notes"]
