"""Request context for the audit log, and the two-factor requirement in front of the CMS."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from besponsa.accounts.access import is_staff_member
from besponsa.accounts.audit import current_request

Handler = Callable[[HttpRequest], HttpResponse]

CMS_PREFIX = "/cms/"


class AuditContextMiddleware:
    """Makes the current request visible to audit signal handlers (who changed a role, from where)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)


SIGNED_IN_AT = "besponsa_signed_in_at"


def stamp_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """user_logged_in: remember when this session was signed in (the idle expiry keeps moving; this not)."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = time.time()


class SessionLifetimeMiddleware:
    """Signs a session out SESSION_ABSOLUTE_SECONDS after it signed in, however active it has been.

    The idle limit (SESSION_COOKIE_AGE, renewed by every request) alone would let a session that is used
    every few minutes — or a stolen cookie kept warm — live for ever.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(SIGNED_IN_AT)
            if started is None:  # signed in before this rule existed: the lifetime starts now
                request.session[SIGNED_IN_AT] = time.time()
            elif time.time() - float(started) > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
        return self.get_response(request)


class StaffTwoFactorMiddleware:
    """Everything under /cms/ needs a signed-in staff member who has passed a TOTP check this session.

    - not signed in: our sign-in page (which is throttled and audited), never Wagtail's own;
    - signed in without staff access (an HCP): 403;
    - staff without a verified device this session: the two-factor page (set-up or code entry).
    Must come after django_otp's OTPMiddleware, which sets `user.is_verified()`.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(CMS_PREFIX):
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:
            target = CMS_PREFIX if request.path.startswith(CMS_PREFIX + "login") else request.get_full_path()
            return _no_store(
                HttpResponseRedirect(reverse("accounts:login") + "?" + urlencode({"next": target}))
            )
        if not is_staff_member(user):
            return render(request, "accounts/staff_only.html", status=403)
        if not user.is_verified():  # type: ignore[attr-defined]  # set by django_otp's OTPMiddleware
            return _no_store(
                HttpResponseRedirect(
                    reverse("accounts:2fa") + "?" + urlencode({"next": request.get_full_path()})
                )
            )
        return self.get_response(request)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _redirect(view: str, next_path: str) -> HttpResponse:
    return _no_store(HttpResponseRedirect(f"{reverse(view)}?{urlencode({'next': next_path})}"))
