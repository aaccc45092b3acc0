"""Request context for the audit log, and the two-factor requirement in front of the CMS."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

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
            return _no_store(HttpResponseRedirect("/accounts/login/?" + urlencode({"next": target})))
        if not is_staff_member(user):
            return render(request, "accounts/staff_only.html", status=403)
        if not user.is_verified():  # type: ignore[attr-defined]  # set by django_otp's OTPMiddleware
            return _no_store(
                HttpResponseRedirect("/accounts/2fa/?" + urlencode({"next": request.get_full_path()}))
            )
        return self.get_response(request)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response
