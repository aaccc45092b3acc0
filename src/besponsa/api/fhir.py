"""POST /api/v1/fhir/evaluate/{operation} (labs in) and POST /api/v1/fhir/plan (orders out).

Thin: each view passes the same guards as the clinical endpoints (rate, size, strict JSON) and calls
`besponsa.fhir`, which the CLI's `--fhir` / `--fhir-out` options call too. Bundles are larger than a
clinical payload, so these bodies may be up to FHIR_MAX_BODY_BYTES. Nothing sent is logged or stored.
"""

from __future__ import annotations

from typing import Any, Final

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from besponsa.api import guard
from besponsa.api.endpoints import api
from besponsa.api.openapi import RATE_LIMITED_DOC, UNAUTHORIZED_DOC, error_doc
from besponsa.cli.fhir import FHIR_OPERATIONS
from besponsa.fhir.examples import EVALUATE_EXAMPLE, PLAN_OUT_EXAMPLE

FHIR_MAX_BODY_BYTES: Final = 256 * 1024
FHIR_JSON: Final = "application/fhir+json"


def _answer(compute: Any, request: HttpRequest, content_type: str = "application/json") -> HttpResponse:
    media_types = ("application/json", FHIR_JSON)
    return guard.answer(
        request, compute, content_type=content_type, max_bytes=FHIR_MAX_BODY_BYTES, media_types=media_types
    )


@csrf_exempt
def evaluate_view(request: HttpRequest, operation: str) -> HttpResponse:
    from besponsa.fhir.evaluate import evaluate

    if operation not in FHIR_OPERATIONS:
        message = f"{operation!r} reads no Observations; use one of {', '.join(FHIR_OPERATIONS)}"
        return guard.field_error(404, "operation", message)
    return _answer(lambda body: evaluate(operation, body), request)


@csrf_exempt
def plan_view(request: HttpRequest) -> HttpResponse:
    from besponsa.fhir.orders import plan_bundle

    return _answer(plan_bundle, request, content_type=FHIR_JSON)


_COMMON_ERRORS: Final = {
    "401": UNAUTHORIZED_DOC,
    "413": error_doc("The body is larger than 256 KB", "the body is larger than 256 KB"),
    "422": error_doc(
        "The Bundle or the input cannot be used; each problem names the resource and element",
        "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma needs its upper limit of "
        "normal to be read as a multiple of ULN: add referenceRange.high, or give input.labs.ast_x_uln",
        field="bundle.entry[0].resource.referenceRange",
    ),
    "429": RATE_LIMITED_DOC,
}
# ninja lists the bearer scheme (guard.BearerToken); `{}`, added to it, says a call without a token is
# accepted too.
_OPTIONAL_TOKEN: Final[list[dict[str, list[str]]]] = [{}]
_EVALUATE_DOC: Final = {
    "description": (
        'The body is `{"bundle": <FHIR R4 Bundle of Observations>, "input": {<the operation\'s '
        "other fields>}}`. LOINC-coded results are converted from their UCUM units (docs/fhir.md lists "
        "codes and units); the most recent result of each is used. The answer is the operation's own "
        "answer plus `sources` (each value, its unit, the conversion and its date) and `not_used` (each "
        "Observation left aside, and why)."
    ),
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}, "example": EVALUATE_EXAMPLE}},
    },
    "responses": {
        "200": {"description": "The operation's answer with `sources` and `not_used`"},
        "404": error_doc(
            "The operation reads no Observations", "'dates' reads no Observations", field="operation"
        ),
        **_COMMON_ERRORS,
    },
    "security": _OPTIONAL_TOKEN,
}
_PLAN_DOC: Final = {
    "description": (
        "The body is the plan operation's input, plus an optional `patient` FHIR Reference that is "
        "echoed into `subject` and never stored. The answer (application/fhir+json) is a Bundle holding "
        "a draft CarePlan, the Medication (NDC), one draft MedicationRequest per dose and a Provenance "
        "naming the label revision and the engine version."
    ),
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}, "example": PLAN_OUT_EXAMPLE}},
    },
    "responses": {"200": {"description": "A FHIR R4 Bundle (type collection)"}, **_COMMON_ERRORS},
    "security": _OPTIONAL_TOKEN,
}

api.default_router.add_api_operation(
    path="/fhir/evaluate/{operation}",
    methods=["POST"],
    view_func=evaluate_view,
    operation_id="fhir_evaluate",
    summary="Run a clinical operation on the labs of a FHIR R4 Bundle",
    tags=["fhir"],
    openapi_extra=_EVALUATE_DOC,
)
api.default_router.add_api_operation(
    path="/fhir/plan",
    methods=["POST"],
    view_func=plan_view,
    operation_id="fhir_plan",
    summary="One cycle's plan as a FHIR R4 Bundle of proposed orders",
    tags=["fhir"],
    openapi_extra=_PLAN_DOC,
)
