"""Writing audit events, and the signal handlers that record sign-ins, failures and role changes."""

from __future__ import annotations

import hashlib
import hmac
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.http import HttpRequest

from besponsa.accounts.client import client_ip
from besponsa.accounts.models import AuditEvent

# The request being handled, so model signals (a group change made in the CMS) know who made it.
current_request: ContextVar[HttpRequest | None] = ContextVar("besponsa_accounts_request", default=None)


def identifier_hash(identifier: str) -> str:
    """A keyed hash of what was typed as the sign-in email: correlates attempts without storing it."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, identifier.strip().lower().encode(), hashlib.sha256).hexdigest()[:16]


def record(
    kind: str,
    *,
    user_id: int | None = None,
    request: HttpRequest | None = None,
    detail: str = "",
    actor_id: int | None = None,
) -> AuditEvent:
    request = request if request is not None else current_request.get()
    if actor_id is None and request is not None:
        actor = getattr(request, "user", None)
        if actor is not None and actor.is_authenticated and actor.pk != user_id:
            actor_id = actor.pk
    return AuditEvent.objects.create(
        kind=kind, user_id=user_id, actor_id=actor_id, ip_address=client_ip(request), detail=detail[:200]
    )


def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(AuditEvent.Kind.SIGN_IN, user_id=user.pk, request=request)


def _on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(AuditEvent.Kind.SIGN_OUT, user_id=user.pk, request=request)


def _on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kw: Any
) -> None:
    typed = str(credentials.get("username") or credentials.get("email") or "")
    user = get_user_model().objects.filter(email__iexact=typed.strip()).only("pk").first() if typed else None
    detail = "" if user is not None else f"unknown identifier {identifier_hash(typed)}"
    record(AuditEvent.Kind.SIGN_IN_FAILED, user_id=user.pk if user else None, request=request, detail=detail)


def _on_groups_changed(
    sender: Any, instance: Any, action: str, pk_set: set[int] | None, **kwargs: Any
) -> None:
    from django.contrib.auth.models import Group

    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    if action == "pre_clear":
        names = list(instance.groups.values_list("name", flat=True))
        verb = "removed from"
    else:
        names = list(Group.objects.filter(pk__in=pk_set or set()).values_list("name", flat=True))
        verb = "added to" if action == "post_add" else "removed from"
    for name in sorted(names):
        record(AuditEvent.Kind.ROLE_CHANGE, user_id=instance.pk, detail=f"{verb} {name}")


def _remember_flags(sender: Any, instance: Any, **kwargs: Any) -> None:
    previous = (
        sender.objects.filter(pk=instance.pk).values("is_superuser", "is_staff").first()
        if instance.pk
        else None
    )
    instance._audit_previous_flags = previous


def _on_user_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    previous = getattr(instance, "_audit_previous_flags", None)
    if previous and not created:
        for flag in ("is_superuser", "is_staff"):
            if previous[flag] != getattr(instance, flag):
                state = "granted" if getattr(instance, flag) else "withdrawn"
                record(AuditEvent.Kind.ROLE_CHANGE, user_id=instance.pk, detail=f"{flag} {state}")
    # set_password() leaves the raw password on the instance until the save completes; Django's
    # rehash-on-login clears it before saving, so this fires only for a real change or reset.
    if not created and getattr(instance, "_password", None) is not None:
        request = current_request.get()
        how = "by reset link" if request is not None and request.path.startswith("/accounts/reset/") else ""
        record(AuditEvent.Kind.PASSWORD_CHANGE, user_id=instance.pk, detail=how)


def connect() -> None:
    user_model = get_user_model()
    user_logged_in.connect(_on_login, dispatch_uid="accounts-audit-login")
    from besponsa.accounts.middleware import stamp_sign_in

    user_logged_in.connect(stamp_sign_in, dispatch_uid="accounts-session-signed-in-at")
    user_logged_out.connect(_on_logout, dispatch_uid="accounts-audit-logout")
    user_login_failed.connect(_on_login_failed, dispatch_uid="accounts-audit-login-failed")
    m2m_changed.connect(
        _on_groups_changed, sender=user_model.groups.through, dispatch_uid="accounts-audit-groups"
    )
    pre_save.connect(_remember_flags, sender=user_model, dispatch_uid="accounts-audit-flags")
    post_save.connect(_on_user_saved, sender=user_model, dispatch_uid="accounts-audit-user-saved")
