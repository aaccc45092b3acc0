"""/api/ routes. Everything under /api/ answers JSON: a mistyped operation is a JSON 404 (never an
HTML page, never a slash-appending redirect), a wrong method a JSON 405 with Allow."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path, re_path
from django.views.decorators.csrf import csrf_exempt

from besponsa.api import fhir  # noqa: F401  (registers the /fhir/ operations on the same API)
from besponsa.api.endpoints import api, docs
from besponsa.api.guard import field_error


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    message = f"no API operation at {request.path}; the operations are listed at /api/v1/docs"
    return field_error(404, "path", message)


def _json_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)  # keeps csrf_exempt, the name and the docstring
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 405 or response.get("Content-Type", "").startswith("application/json"):
            return response
        allowed = response.get("Allow", "")
        message = f"{request.method} is not accepted here; use {allowed or 'another method'}"
        answer = field_error(405, "method", message)
        answer["Allow"] = allowed
        return answer

    return wrapper


def _with_json_405(patterns: Iterable[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _json_405(pattern.callback)
        else:
            _with_json_405(pattern.url_patterns)
    return list(patterns)


_ninja_patterns, _app_name, _namespace = api.urls

urlpatterns = [
    path("v1/docs", docs, name="api-docs"),
    path("v1/", (_with_json_405(_ninja_patterns), _app_name, _namespace)),
    re_path(r"^(?P<rest>.*)$", not_found, name="api-not-found"),
]
