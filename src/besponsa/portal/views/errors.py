"""Error pages that say what happened in plain words and leak nothing about the server."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

MESSAGES = {
    400: ("The request could not be understood", "Something in the address or the form was not valid."),
    403: ("You do not have access to this page", "Sign in with an account that may see it, or go back."),
    404: ("Page not found", "The address may be mistyped, or the page may have moved."),
    500: ("Something went wrong on our side", "The problem has been recorded. Please try again shortly."),
}


def _error(request: HttpRequest, status: int) -> HttpResponse:
    title, explanation = MESSAGES[status]
    context = {"status": status, "title": title, "explanation": explanation}
    if status == 500:
        # The 500 page must not need the database (it may be the cause): rendered without the request,
        # so no context processor (the shell's ISI and contacts queries) runs.
        return HttpResponse(render_to_string("errors/500.html", context), status=500)
    return render(request, "errors/error.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    title = "The form expired"
    explanation = "For your security the form could not be accepted. Go back, reload the page and try again."
    return render(
        request, "errors/error.html", {"status": 403, "title": title, "explanation": explanation}, status=403
    )
