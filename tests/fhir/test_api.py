"""POST /api/v1/fhir/evaluate/{operation} and /api/v1/fhir/plan through Django's test client."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from fhir.resources.R4B.bundle import Bundle

from besponsa.fhir.evaluate import evaluate
from besponsa.fhir.examples import EVALUATE_EXAMPLE, PLAN_OUT_EXAMPLE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_windows() -> Any:
    for store in caches.all():
        store.clear()
    yield
    for store in caches.all():
        store.clear()


def post(client: Client, path: str, body: object) -> Any:
    return client.post(path, data=json.dumps(body), content_type="application/json")


def test_evaluate_answers_what_the_shared_function_answers(client: Client, mixed: Any) -> None:
    body = {"bundle": mixed, "input": {"timing": "before_cycle", "baseline": {"anc": 1.2, "platelets": 90}}}
    response = post(client, "/api/v1/fhir/evaluate/modify", body)
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(evaluate("modify", body)))
    assert response["Cache-Control"] == "no-store"
    anc = next(s for s in response.json()["sources"] if s["field"] == "labs.anc")
    assert anc["value"] == 800 and anc["unit"] == "/uL" and anc["converted_value"] == 0.8


def test_the_documented_example_works(client: Client) -> None:
    assert post(client, "/api/v1/fhir/evaluate/modify", EVALUATE_EXAMPLE).status_code == 200


def test_a_malformed_bundle_is_a_422_naming_the_element(client: Client) -> None:
    bad = {
        "bundle": {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {
                    "resource": {
                        "resourceType": "Observation",
                        "status": "final",
                        "code": {"coding": [{"code": 5}]},
                    }
                }
            ],
        }
    }
    response = post(client, "/api/v1/fhir/evaluate/assess", bad)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "bundle.entry[0].resource.code.coding[0].code"


def test_an_operation_without_labs_is_a_json_404(client: Client) -> None:
    response = post(client, "/api/v1/fhir/evaluate/dates", {"bundle": {}})
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "operation"


def test_bundles_up_to_256_kb_are_read_and_larger_ones_are_413(client: Client, mixed: Any) -> None:
    big = dict(mixed, entry=mixed["entry"] * 40)  # ≈ 90 KB, above the clinical endpoints' 32 KB
    assert len(json.dumps(big)) > 32 * 1024
    assert post(client, "/api/v1/fhir/evaluate/bsa", {"bundle": big}).status_code == 200
    huge = dict(mixed, entry=mixed["entry"] * 150)
    assert post(client, "/api/v1/fhir/evaluate/bsa", {"bundle": huge}).status_code == 413


def test_plan_answers_a_fhir_bundle_that_validates(client: Client) -> None:
    response = post(client, "/api/v1/fhir/plan", PLAN_OUT_EXAMPLE)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    Bundle.model_validate(response.json())
    assert response["Cache-Control"] == "no-store"


def test_plan_input_problems_are_422(client: Client) -> None:
    response = post(client, "/api/v1/fhir/plan", {"height_cm": 170})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} >= {"weight_kg", "cycle", "start_date"}


def test_the_openapi_document_describes_both_endpoints_with_examples(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    evaluate_doc = paths["/api/v1/fhir/evaluate/{operation}"]["post"]
    assert evaluate_doc["requestBody"]["content"]["application/json"]["example"] == EVALUATE_EXAMPLE
    assert {"200", "404", "422", "413", "429"} <= set(evaluate_doc["responses"])
    plan_doc = paths["/api/v1/fhir/plan"]["post"]
    assert plan_doc["requestBody"]["content"]["application/json"]["example"] == PLAN_OUT_EXAMPLE
    # The clinical plan endpoint keeps its own description.
    assert "PlanInput" in json.dumps(paths["/api/v1/clinical/plan"]["post"]["requestBody"])
