"""The OpenAPI document and the readable docs page describe the API an integrator really gets."""

from __future__ import annotations

import json

import jsonschema_rs
import pytest
from django.test import Client

from besponsa.clinical.models import INPUTS, Range
from besponsa.clinical.operations import EXAMPLES, OPERATION_NAMES, execute

Document = dict  # type: ignore[type-arg]

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client: Client) -> dict:  # type: ignore[type-arg]
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def _resolve(document: dict, schema: dict) -> dict:  # type: ignore[type-arg]
    """The schema with the document's components beside it, so that its `$ref`s resolve."""
    return {**schema, "components": document["components"]}


def test_the_document_is_openapi_3_with_one_post_per_operation(document: Document) -> None:
    assert document["openapi"].startswith("3.")
    fhir = {"/api/v1/fhir/evaluate/{operation}", "/api/v1/fhir/plan"}
    assert set(document["paths"]) == {f"/api/v1/clinical/{name}" for name in OPERATION_NAMES} | fhir
    for item in document["paths"].values():
        assert set(item) == {"post"}
        assert {"200", "413", "422", "429"} <= set(item["post"]["responses"])
        assert "Retry-After" in item["post"]["responses"]["429"]["headers"]


@pytest.mark.parametrize("operation", OPERATION_NAMES)
def test_examples_are_real_and_valid_against_their_schemas(document: dict, operation: str) -> None:  # type: ignore[type-arg]
    post = document["paths"][f"/api/v1/clinical/{operation}"]["post"]
    request = post["requestBody"]["content"]["application/json"]
    answer = post["responses"]["200"]["content"]["application/json"]
    assert request["example"] == EXAMPLES[operation]
    assert answer["example"] == json.loads(json.dumps(execute(operation, EXAMPLES[operation])))
    jsonschema_rs.validate(_resolve(document, request["schema"]), request["example"])
    jsonschema_rs.validate(_resolve(document, answer["schema"]), answer["example"])
    invalid = post["responses"]["422"]["content"]["application/json"]
    jsonschema_rs.validate(_resolve(document, invalid["schema"]), invalid["example"])
    assert invalid["example"]["errors"]


@pytest.mark.parametrize("operation", OPERATION_NAMES)
def test_documented_ranges_and_required_fields_come_from_the_engine(document: dict, operation: str) -> None:  # type: ignore[type-arg]
    schema = document["components"]["schemas"][f"{operation.capitalize()}Input"]
    model = INPUTS[operation]
    assert set(schema["required"]) == {
        name for name, field in model.model_fields.items() if field.is_required()
    }
    assert schema["additionalProperties"] is False
    for name, field in model.model_fields.items():
        if isinstance(field.json_schema_extra, Range) and field.json_schema_extra.limit is not None:
            assert schema["properties"][name]["maximum"] == float(field.json_schema_extra.limit.maximum)


def test_the_height_range_in_the_document_is_the_range_the_api_enforces(
    client: Client, document: dict
) -> None:  # type: ignore[type-arg]
    height = document["components"]["schemas"]["BsaInput"]["properties"]["height_cm"]
    above = height["maximum"] + 1
    response = client.post(
        "/api/v1/clinical/bsa", {"height_cm": above, "weight_kg": 70}, content_type="application/json"
    )
    assert response.status_code == 422
    at_max = client.post(
        "/api/v1/clinical/bsa",
        {"height_cm": height["maximum"], "weight_kg": 70},
        content_type="application/json",
    )
    assert at_max.status_code == 200


def test_the_docs_page_lists_every_operation_with_a_working_example(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    for operation in OPERATION_NAMES:
        assert f"POST /api/v1/clinical/{operation}" in html
    assert "curl -sS -X POST http://testserver/api/v1/clinical/plan" in html
    assert "<script>" not in html and 'style="' not in html, "the page lives under the site's strict CSP"
    assert "cdn" not in html.lower()
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "PP-INO-USA-0720" in html
