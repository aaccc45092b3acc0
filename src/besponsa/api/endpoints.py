"""POST /api/v1/clinical/<operation>: the CLI's JSON contract over HTTP, through django-ninja.

Each endpoint reads the raw body itself and hands it to `besponsa.clinical.operations.execute`, the one
implementation the CLI also calls; ninja supplies routing, 405s and the OpenAPI/docs plumbing, while
the response schemas come from the output models given to ninja here, the request schemas from the
input models (`besponsa.clinical.models`, see `openapi.py`). The body is validated by `execute` with
those same input models rather than by ninja's own body parameter: the contract reports every problem at
once (checks that join fields included) in the CLI's words, after the body was read strictly (Decimal
numbers, no NaN, no duplicate field; `guard.read_body`).

CSRF: the API authenticates nobody, reads no cookie and changes nothing on the server, so there is
no session a forged cross-site request could ride on. The endpoints are exempt from CSRF explicitly
(no ninja auth, so ninja never checks CSRF, and Django's `csrf_exempt` on each view) so that
integrators can call them without a token.
CORS stays closed: no Access-Control-Allow-Origin header is ever sent, so browsers on other origins
cannot read the answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI

from besponsa.api import guard
from besponsa.api.openapi import DESCRIPTION, build_document, docs_page
from besponsa.clinical.models import OUTPUTS, Errors
from besponsa.clinical.operations import OPERATION_NAMES, OPERATIONS, execute


class ClinicalAPI(NinjaAPI):
    """Ninja with our OpenAPI document (built from the clinical schemas) and our docs page."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        return build_document(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = ClinicalAPI(
    title="BESPONSA HCP clinical API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs_url=None,  # served by our own view (openapi.docs_page): readable under the site's strict CSP
    auth=guard.AUTH,  # a bearer token is optional: it buys the higher rate limit
    throttle=guard.THROTTLES,
)
guard.install(api)


def _endpoint(operation: str) -> Callable[[HttpRequest], HttpResponse]:
    def view(request: HttpRequest) -> HttpResponse:
        return guard.answer(request, lambda payload: execute(operation, payload))

    view.__name__ = f"clinical_{operation}"
    view.__doc__ = OPERATIONS[operation].summary
    return csrf_exempt(view)


for _name in OPERATION_NAMES:
    api.default_router.add_api_operation(
        path=f"/clinical/{_name}",
        methods=["POST"],
        view_func=_endpoint(_name),
        operation_id=_name,
        summary=OPERATIONS[_name].summary,
        tags=["clinical"],
        # Ninja documents the answers from the output models; `openapi.build_document` adds the request
        # body (the input model, where null means "not given") and real examples.
        response={200: OUTPUTS[_name], frozenset({401, 413, 415, 422, 429}): Errors},
    )


def docs(request: HttpRequest) -> HttpResponse:
    return docs_page(request, api.get_openapi_schema(path_prefix="/api/v1/"))
