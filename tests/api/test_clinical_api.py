"""POST /api/v1/clinical/<operation>: answers, errors, limits and headers, through Django's test client."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from besponsa.clinical.operations import EXAMPLES, OPERATION_NAMES, execute

pytestmark = pytest.mark.django_db


def post(client: Client, operation: str, body: object | str, **extra: str):  # type: ignore[no-untyped-def]
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(f"/api/v1/clinical/{operation}", data=data, content_type="application/json", **extra)


@pytest.mark.parametrize("operation", OPERATION_NAMES)
def test_each_operation_answers_exactly_what_the_cli_engine_answers(client: Client, operation: str) -> None:
    response = post(client, operation, EXAMPLES[operation])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == execute(operation, EXAMPLES[operation])
    assert response.json()["citations"], "every answer carries its label citations"
    assert response["Cache-Control"] == "no-store"


def test_plan_answer_has_the_dates_and_doses_a_clinician_reads(client: Client) -> None:
    result = post(client, "plan", EXAMPLES["plan"]).json()
    assert [dose["day"] for dose in result["doses"]] == [1, 8, 15]
    assert result["doses"][0]["date"] == EXAMPLES["plan"]["start_date"]
    assert result["total_dose_mg"] == pytest.approx(sum(dose["dose_mg"] for dose in result["doses"]))


@pytest.mark.parametrize("operation", OPERATION_NAMES)
def test_a_missing_required_field_is_named_in_a_422(client: Client, operation: str) -> None:
    from besponsa.clinical.models import INPUTS

    required = [name for name, field in INPUTS[operation].model_fields.items() if field.is_required()]
    body = {k: v for k, v in EXAMPLES[operation].items() if k not in required}
    response = post(client, operation, body)
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert set(required) <= fields
    assert all(error["message"] for error in response.json()["errors"])


def test_every_problem_is_listed_with_its_field_and_reason(client: Client) -> None:
    response = post(client, "bsa", {"height_cm": 17000, "weight_kg": "heavy", "formla": "dubois"})
    assert response.status_code == 422
    errors = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert set(errors) == {"height_cm", "weight_kg", "formla"}
    assert "did you mean formula" in errors["formla"]
    assert "17000" in errors["height_cm"]


def test_nested_fields_are_named_by_their_dotted_path(client: Client) -> None:
    body = {**EXAMPLES["modify"], "labs": {"anc": -1, "platelets": 45}}
    response = post(client, "modify", body)
    assert response.status_code == 422
    assert "labs.anc" in {error["field"] for error in response.json()["errors"]}


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("{not json", "not valid JSON"),
        ("", "got nothing"),
        ("[1, 2]", "must be a JSON object"),
        ('"text"', "must be a JSON object"),
        ("null", "must be a JSON object"),
        ('{"height_cm": NaN, "weight_kg": 70}', "not a number JSON allows"),
        ('{"height_cm": 170, "height_cm": 171, "weight_kg": 70}', "appears more than once"),
        ("[" * 5000 + "]" * 5000, ""),
    ],
)
def test_bodies_that_are_not_one_json_object_get_a_422_naming_the_body(
    client: Client, body: str, words: str
) -> None:
    response = post(client, "bsa", body)
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "body"
    assert words in error["message"]


def test_non_utf8_body_is_a_422(client: Client) -> None:
    response = client.post("/api/v1/clinical/bsa", data=b"\xff\xfe{}", content_type="application/json")
    assert response.status_code == 422


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_other_methods_get_405_with_allow(client: Client, method: str) -> None:
    response = getattr(client, method)("/api/v1/clinical/plan")
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_a_body_over_32_kb_gets_413_before_it_is_parsed(client: Client) -> None:
    body = json.dumps({**EXAMPLES["bsa"], "padding": "x" * (32 * 1024)})
    response = post(client, "bsa", body)
    assert response.status_code == 413
    assert response.json()["errors"][0]["field"] == "body"
    just_under = json.dumps(EXAMPLES["bsa"]).ljust(32 * 1024)
    assert post(client, "bsa", just_under).status_code == 200


def test_the_rate_limit_answers_429_with_retry_after(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    statuses = [post(client, "bsa", EXAMPLES["bsa"]).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = post(client, "bsa", EXAMPLES["bsa"])
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "3 calls a minute" in response.json()["errors"][0]["message"]
    other_client = post(client, "bsa", EXAMPLES["bsa"], REMOTE_ADDR="10.0.0.9")
    assert other_client.status_code == 200, "the limit is per client"


def test_cors_stays_closed_and_no_cookie_or_csrf_is_needed(client: Client) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = post(strict, "qtc", EXAMPLES["qtc"], HTTP_ORIGIN="https://elsewhere.example")
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
    assert not response.cookies
    preflight = strict.options("/api/v1/clinical/qtc", HTTP_ORIGIN="https://elsewhere.example")
    assert "Access-Control-Allow-Origin" not in preflight


def test_the_api_is_not_behind_the_hcp_gate(client: Client) -> None:
    response = post(client, "dates", EXAMPLES["dates"])
    assert response.status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_inputs_and_results_are_not_logged(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    body = {"height_cm": 171.37, "weight_kg": 66.61}
    with caplog.at_level(logging.DEBUG):
        post(client, "bsa", body)
        post(client, "bsa", {"height_cm": 99999})
    text = caplog.text
    assert "171.37" not in text and "66.61" not in text and "99999" not in text
    assert "bsa_m2" not in text


def test_modify_separates_now_from_the_next_cycle(client: Client) -> None:
    """Issue #10 item 2: bilirubin 3x and ALT 3x ULN after a 14-day interruption → hold now, 25% less
    from the next cycle (PI 2.3 Tables 3 and 4), with the rows and a plain-words headline."""
    body = {
        "timing": "before_cycle",
        "baseline": {"anc": 2, "platelets": 150},
        "labs": {"anc": 2, "platelets": 150, "total_bilirubin_x_uln": 3, "alt_x_uln": 3},
        "interruption_days": 14,
    }
    result = post(client, "modify", body).json()
    assert (result["action"], result["next_dose_level"]) == ("hold", "reduced_25")
    assert result["headline"].startswith("Hold this cycle until recovered")
    assert [(row["table"], row["citation"]) for row in result["rows_applied"]] == [
        ("Table 3", "PI 2.3 Table 3"),
        ("Table 4", "PI 2.3 Table 4"),
    ]
    asked = post(client, "modify", {**body, "labs": {"anc": 0.5, "platelets": 150}, "cytopenia_days": 30})
    assert asked.json()["action"] == "consider_discontinuation"
    assert [q["field"] for q in asked.json()["questions"]] == ["cytopenia_cause"]


def test_plan_status_gates_on_cytoreduction_and_age(client: Client) -> None:
    base = {**EXAMPLES["plan"], "cycle": 1, "best_response": "none", "hsct_planned": False}
    blasts = post(client, "plan", {**base, "peripheral_blasts": 12}).json()
    assert (blasts["status"], blasts["reasons"]) == ("consider", ["cytoreduction_needed"])
    infant = post(client, "plan", {**base, "age_years": 0.5}).json()
    assert (infant["status"], infant["reasons"]) == ("outside_label", ["age_under_1_year"])
    assert infant["reason_details"][0]["citation"] == "PI 8.4"
    missing = post(client, "plan", {k: v for k, v in base.items() if k != "age_years"})
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json()["errors"]] == ["age_years"]


def test_course_is_an_endpoint_like_the_others(client: Client) -> None:
    result = post(client, "course", EXAMPLES["course"]).json()
    assert (result["cycle"], result["dose_level"], result["start_date"]) == (3, "reduced_25", "2025-04-28")
    too_early = post(client, "course", {**EXAMPLES["course"], "start_date": "2025-04-20"})
    assert too_early.status_code == 422
    assert too_early.json()["errors"][0]["field"] == "start_date"


def test_implausible_counts_get_a_unit_guess(client: Client) -> None:
    body = {**EXAMPLES["modify"], "labs": {"anc": 800, "platelets": 150000}}
    errors = {e["field"]: e["message"] for e in post(client, "modify", body).json()["errors"]}
    assert errors["labs.anc"].endswith(
        "did you mean 0.8 ×10⁹/L? counts are entered ×10⁹/L, not per µL (or per mm³)"
    )
    assert "did you mean 150 ×10⁹/L?" in errors["labs.platelets"]


def test_the_document_describes_the_new_fields(client: Client) -> None:
    """The OpenAPI schema documents the course history, the now/next answer and the plan status."""
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    cycles = schemas["CourseInput"]["properties"]["cycles"]
    assert cycles["maxItems"] == 6
    assert [option["type"] for option in cycles["anyOf"]] == ["array", "null"]
    history = cycles["anyOf"][0]["items"]
    assert history["required"] == ["day1_date"]
    assert [option["type"] for option in history["properties"]["last_dose_date"]["anyOf"]] == [
        "string",
        "null",
    ]
    modify = schemas["ModifyOutput"]["properties"]

    def choices(prop: dict) -> list[str]:  # type: ignore[type-arg]
        if "$ref" in prop:
            return choices(schemas[prop["$ref"].rsplit("/", 1)[-1]])
        if "anyOf" in prop:
            return [value for option in prop["anyOf"] for value in choices(option)]
        return prop.get("enum", [prop.get("const")])  # type: ignore[no-any-return]

    assert choices(modify["action"]) == [
        "give",
        "hold",
        "omit_next_dose",
        "consider_discontinuation",
        "discontinue",
    ]
    assert choices(modify["next_dose_level"]) == ["full", "reduced_25", "two_doses_per_cycle", "none"]
    assert {"headline", "rows_applied", "questions"} <= set(modify)
    plan = schemas["PlanOutput"]["properties"]
    assert choices(plan["status"]) == ["proceed", "consider", "outside_label", "stop"]
    assert "age_years" in schemas["PlanInput"]["required"]
    page = client.get("/api/v1/docs").content.decode()
    assert "cycles[].day1_date" in page and "list of objects (at most 6)" in page
