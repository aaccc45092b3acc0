"""Adverse-event reports, Medical Information requests, their follow-up notes and the notification outbox.

What is searchable stays in plain columns and holds no health data: case number, dates, status,
seriousness, validity, keyed hashes (rate limits, duplicate hints). Everything the reporter typed is in
`data`, one encrypted JSON object (crypto.py). Rows are never deleted through the site or the CMS
(docs/safety.md states the retention), so delete() refuses.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from besponsa.intake import validity
from besponsa.intake.crypto import EncryptedJSONField

# Crockford's base-32 alphabet: no I, L, O or U, so a case number read over the phone is unambiguous.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_case_number(prefix: str) -> str:
    today = timezone.localdate()
    return f"{prefix}-{today:%Y%m%d}-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))


class NotDeletable(Exception):
    """Intake records are kept (docs/safety.md, "Retention")."""


class KeptQuerySet(models.QuerySet[Any]):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise NotDeletable("intake records are never deleted through the application")


class KeptModel(models.Model):
    objects = KeptQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise NotDeletable("intake records are never deleted through the application")


class CaseStatus(models.TextChoices):
    NEW = "new", "New"
    TRIAGED = "triaged", "Triaged"
    FOLLOW_UP = "follow_up", "Follow-up requested"
    SUBMITTED = "submitted", "Submitted"
    CLOSED = "closed", "Closed"


class InquiryStatus(models.TextChoices):
    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "In progress"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed"


class ResponseChannel(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone call"


class Submission(KeptModel):
    case_number = models.CharField(max_length=20, unique=True)
    # The idempotency key of the form that was posted: posting the same form again (a double click, a
    # retry after a lost connection) answers with the case already recorded instead of a second one.
    submission_key = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reporter_key = models.CharField(max_length=32, db_index=True)  # keyed hash: per-reporter rate limit
    client_key = models.CharField(max_length=32, db_index=True)  # keyed hash of the client address
    data = EncryptedJSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.case_number

    @property
    def day0(self) -> dt.date:
        return timezone.localdate(self.received_at)


class AdverseEventReport(Submission):
    CASE_PREFIX: ClassVar[str] = "AE"

    serious = models.BooleanField()
    valid = models.BooleanField(help_text="Meets the four minimum criteria of a valid case.")
    missing = models.JSONField(default=list, help_text="Names of the minimum criteria not met.")
    status = models.CharField(max_length=16, choices=CaseStatus.choices, default=CaseStatus.NEW)
    duplicate_key = models.CharField(max_length=32, blank=True, db_index=True)

    class Meta:
        ordering: ClassVar = ["-received_at"]
        default_permissions = ("view", "change")
        permissions: ClassVar = [("export_adverseeventreport", "Can export an adverse event report (E2B)")]

    def clock(self, today: dt.date | None = None) -> validity.Clock:
        return validity.clock(self.day0, self.serious, today or timezone.localdate())

    @property
    def missing_messages(self) -> list[str]:
        return [
            validity.CRITERION_MESSAGES[name] for name in self.missing if name in validity.CRITERION_MESSAGES
        ]


class MedicalInquiry(Submission):
    CASE_PREFIX: ClassVar[str] = "MI"

    status = models.CharField(max_length=16, choices=InquiryStatus.choices, default=InquiryStatus.NEW)
    preferred_channel = models.CharField(max_length=8, choices=ResponseChannel.choices)

    class Meta:
        ordering: ClassVar = ["-received_at"]
        default_permissions = ("view", "change")
        verbose_name = "Medical Information request"


class CaseNote(KeptModel):
    """A follow-up note or a status change on a case, added by queue staff. Append-only."""

    report = models.ForeignKey(
        AdverseEventReport, null=True, blank=True, on_delete=models.PROTECT, related_name="notes"
    )
    inquiry = models.ForeignKey(
        MedicalInquiry, null=True, blank=True, on_delete=models.PROTECT, related_name="notes"
    )
    author_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    status_from = models.CharField(max_length=16, blank=True)
    status_to = models.CharField(max_length=16, blank=True)
    body = EncryptedJSONField()  # {"text": ...}: a note may hold clinical detail

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        default_permissions = ()
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(report__isnull=False, inquiry__isnull=True)
                | models.Q(report__isnull=True, inquiry__isnull=False),
                name="intake_note_belongs_to_one_case",
            )
        ]

    def __str__(self) -> str:
        return f"note {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise NotDeletable("notes cannot be changed")
        super().save(*args, **kwargs)


class Notification(KeptModel):
    """One email the outbox owes: created in the same transaction as its case, so it cannot be lost.

    `key` is the idempotency key ("ae-new:AE-…:safety"): one row per case and recipient, and the email's
    Message-ID, so a delivery repeated after a crash is recognisable downstream as the same message.
    """

    key = models.CharField(max_length=80, unique=True)
    case_number = models.CharField(max_length=20)
    recipient = models.EmailField()
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_error = models.CharField(max_length=120, blank=True)  # the exception's class, never a message
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        default_permissions = ()

    def __str__(self) -> str:
        return self.key
