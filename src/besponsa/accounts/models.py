"""HCP profiles, API tokens and the append-only authentication audit log.

Django's own User keeps the name, email (the sign-in identifier) and password; HCP details live in
a one-to-one HcpProfile so staff accounts need none of them.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from besponsa.accounts.states import STATE_CHOICES


class Profession(models.TextChoices):
    PHYSICIAN = "physician", "Physician"
    NURSE_PRACTITIONER = "nurse_practitioner", "Nurse practitioner"
    PHYSICIAN_ASSISTANT = "physician_assistant", "Physician assistant"
    PHARMACIST = "pharmacist", "Pharmacist"
    REGISTERED_NURSE = "registered_nurse", "Registered nurse"
    OTHER = "other", "Other healthcare professional"


class HcpProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hcp_profile"
    )
    profession = models.CharField(max_length=32, choices=Profession.choices)
    specialty = models.CharField(max_length=100)
    npi = models.CharField("NPI", max_length=10)
    npi_checked_by = models.CharField(
        max_length=20, help_text="How the NPI was checked: check-digit or registry."
    )
    license_state = models.CharField("state of license", max_length=2, choices=STATE_CHOICES)
    license_number = models.CharField("license number", max_length=30)
    terms_accepted_at = models.DateTimeField()
    email_verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "HCP profile"

    def __str__(self) -> str:
        return f"HCP profile of user {self.user_id}"

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None


TOKEN_PREFIX = "bsp_"  # noqa: S105 - a public marker that says what the string is, not a secret


def token_digest(raw: str) -> str:
    # The token carries 256 random bits, so a plain SHA-256 is enough: no salt or slow hash is needed
    # against guessing, and it lets a request find its token with one indexed lookup.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the clinical API; only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinical_api_tokens"
    )
    name = models.CharField(max_length=60)
    hint = models.CharField(
        max_length=12, help_text="The first characters, so the owner can tell tokens apart."
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, user: Any, name: str) -> tuple[ApiToken, str]:
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, hint=raw[:10], digest=token_digest(raw))
        return token, raw

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit record."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    """One authentication or authorisation event. Rows are only ever added.

    What is kept is deliberately small: the numeric user id (not a foreign key, so the record outlives
    a deleted account without holding its name or email), the kind of event, when, the client address
    and a short detail (e.g. which group). A failed sign-in for an unknown address stores a keyed hash
    of what was typed, never the text itself.
    """

    class Kind(models.TextChoices):
        REGISTERED = "registered", "Registered"
        EMAIL_VERIFIED = "email_verified", "Email address verified"
        EMAIL_CHANGED = "email_changed", "Email address changed"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        LOCKOUT = "lockout", "Sign-in locked out"
        SIGN_OUT = "sign_out", "Signed out"
        PASSWORD_CHANGE = "password_change", "Password changed"
        PASSWORD_RESET_REQUEST = "password_reset_request", "Password reset requested"
        ROLE_CHANGE = "role_change", "Role changed"
        TWO_FACTOR_ENROLLED = "2fa_enrolled", "Two-factor device enrolled"
        TWO_FACTOR_VERIFIED = "2fa_verified", "Two-factor code accepted"
        TWO_FACTOR_FAILED = "2fa_failed", "Two-factor code refused"
        TWO_FACTOR_RESET = "2fa_reset", "Two-factor devices removed"
        TOKEN_CREATED = "token_created", "API token created"
        TOKEN_REVOKED = "token_revoked", "API token revoked"
        ACCOUNT_DELETED = "account_deleted", "Account deleted"
        ACCOUNT_CREATED = "account_created", "Account created by staff or a command"
        ACCOUNT_DEACTIVATED = "account_deactivated", "Account deactivated"
        ACCOUNT_REACTIVATED = "account_reactivated", "Account reactivated"
        PERMISSION_CHANGE = "permission_change", "Group or permission changed"
        PUBLISH_REFUSED = "publish_refused", "Publish outside the MLR workflow refused"

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=32, choices=Kind.choices, db_index=True)
    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_id = models.BigIntegerField(
        null=True, blank=True, help_text="Who made the change, if not the user."
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-occurred_at", "-id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.kind} user={self.user_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An instance built with the primary key of an existing row would UPDATE it: refuse that too.
        if not self._state.adding or self._get_pk_val() is not None:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")


class ThrottleCounter(models.Model):
    """A failure counter for sign-in, password re-entry, API tokens and email requests.

    Kept in the database, not in the cache: the page cache may evict entries at any time, and a
    throttle that can be evicted can be bypassed. `key` is a hash (never an email address or token).
    Attempts are counted *before* a password is checked, with a conditional UPDATE, so parallel
    attempts cannot all slip under the limit (see besponsa.accounts.throttle).
    """

    key = models.CharField(max_length=100, unique=True)
    count = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    next_allowed_at = models.DateTimeField(
        null=True, blank=True, help_text="While slowed: the earliest time the next attempt may run."
    )

    def __str__(self) -> str:
        return f"{self.key[:20]}… {self.count}"
