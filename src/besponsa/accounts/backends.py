"""The one authentication backend: sign-in by email address, throttled inside the backend.

Every path that checks a password reaches `authenticate()` here: our /accounts/login/, Wagtail's
/_util/login/ (private pages), any other Django login view, and re-entering the current password
(`verify_current_password`). So a lock set on one path holds on all of them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from besponsa.accounts import throttle
from besponsa.accounts.audit import record
from besponsa.accounts.client import client_ip
from besponsa.accounts.models import AuditEvent

# Set on the request when the throttle refused (or has just locked) an attempt, so a view can
# answer 429 with Retry-After instead of "wrong password".
LOCK_ATTRIBUTE = "signin_lock"


def _remember_lock(request: HttpRequest | None, lock: throttle.Lock) -> None:
    if request is not None:
        setattr(request, LOCK_ATTRIBUTE, lock)


def lock_of(request: HttpRequest) -> throttle.Lock | None:
    lock: throttle.Lock | None = getattr(request, LOCK_ATTRIBUTE, None)
    return lock


class EmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        email = kwargs.get("email", username)
        if not email or password is None:
            return None
        user_model = get_user_model()
        matches = list(user_model.objects.filter(email__iexact=str(email).strip())[:2])
        user = matches[0] if len(matches) == 1 else None
        return _checked(request, user, str(user.email if user else email), password, self)


def _checked(
    request: HttpRequest | None, user: Any, identity: str, password: str, backend: ModelBackend
) -> Any:
    attempt = throttle.begin(identity, client_ip(request))
    if isinstance(attempt, throttle.Lock):
        _remember_lock(request, attempt)
        raise PermissionDenied("sign-in paused after too many unsuccessful attempts")  # stops authenticate()
    if user is None:
        # Run the hasher anyway so an unknown address takes as long as a wrong password.
        get_user_model()().set_password(password)
    elif user.check_password(password) and backend.user_can_authenticate(user):
        throttle.succeeded(attempt)
        return user
    lock = throttle.failed(attempt)
    if lock is not None:
        _remember_lock(request, lock)
        record(AuditEvent.Kind.LOCKOUT, user_id=user.pk if user else None, request=request)
    return None


def verify_current_password(request: HttpRequest, user: Any, password: str) -> bool:
    """Re-entering the signed-in user's password (email change, deletion, password change): the same
    throttle as sign-in, keyed on the same account + address pair. A refusal sets the request's lock."""
    try:
        return _checked(request, user, str(user.email), password, EmailBackend()) is not None
    except PermissionDenied:
        return False
