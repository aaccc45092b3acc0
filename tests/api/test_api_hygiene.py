"""Issue 17 item 6, the API part: media type, lone surrogates, JSON 404/405, the OpenAPI security scheme."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from besponsa.api.endpoints import api
from besponsa.clinical.operations import EXAMPLES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_a_body_that_is_not_declared_json_gets_415(client: Client, content_type: str) -> None:
    response = client.post("/api/v1/clinical/bsa", json.dumps(EXAMPLES["bsa"]), content_type=content_type)
    assert response.status_code == 415
    assert response["Content-Type"].startswith("application/json")
    assert "application/json" in response.json()["errors"][0]["message"]


def test_json_with_a_charset_parameter_is_accepted(client: Client) -> None:
    body = json.dumps(EXAMPLES["bsa"])
    response = client.post("/api/v1/clinical/bsa", body, content_type="application/json; charset=utf-8")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        '{"height_cm": "\\ud800", "weight_kg": 70}',
        '{"\\udfff": 1}',
        '{"height_cm": 170, "weight_kg": 70, "note": "\\ud83d"}',
    ],
)
def test_lone_surrogates_in_json_are_a_4xx_not_a_500(client: Client, body: str) -> None:
    response = client.post("/api/v1/clinical/bsa", body, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert response.json()["errors"]


@pytest.mark.parametrize("path", ["/api/v1/clinical/bsaa", "/api/v1/nope", "/api/v2/clinical/bsa", "/api/"])
def test_unknown_api_paths_answer_a_json_404(client: Client, path: str) -> None:
    for response in (client.get(path), client.post(path, "{}", content_type="application/json")):
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["errors"][0]["field"] == "path"


def test_a_wrong_method_is_a_json_405(client: Client) -> None:
    response = client.get("/api/v1/clinical/bsa")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response["Content-Type"].startswith("application/json")
    assert "POST" in response.json()["errors"][0]["message"]


def test_openapi_declares_the_bearer_scheme_and_the_refusals() -> None:
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["bearerToken"]["description"],
    }
    post = document["paths"]["/api/v1/clinical/bsa"]["post"]
    assert {} in post["security"] and {"bearerToken": []} in post["security"]  # a token is optional
    assert {"401", "415", "429"} <= set(post["responses"])
    assert "Retry-After" in post["responses"]["429"]["headers"]


def test_the_documented_refusals_name_the_field_the_real_answers_name(client: Client) -> None:
    """An integrator reads the field of a 401 or 415 from the document: it is the one the API sends."""
    post = api.get_openapi_schema(path_prefix="/api/v1/")["paths"]["/api/v1/clinical/bsa"]["post"]
    body = json.dumps(EXAMPLES["bsa"])
    answers = {
        "401": client.post(
            "/api/v1/clinical/bsa", body, content_type="application/json", HTTP_AUTHORIZATION="Bearer bsp_x"
        ),
        "415": client.post("/api/v1/clinical/bsa", body, content_type="text/plain"),
    }
    for status, answer in answers.items():
        assert answer.status_code == int(status)
        example = post["responses"][status]["content"]["application/json"]["example"]
        assert example["errors"][0]["field"] == answer.json()["errors"][0]["field"]
