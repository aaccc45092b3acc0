"""Approval records (one per page and one per ISI), the approval history, and the MLR review task."""

from __future__ import annotations

import datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.forms import TaskStateCommentForm
from wagtail.models import AbstractGroupApprovalTask, TaskState

APPROVAL_MONTHS = 12


def default_expiry(approved_on: datetime.date, months: int = APPROVAL_MONTHS) -> datetime.date:
    """The same day `months` later; a day that month lacks (29-31) becomes its last day."""
    expiry: datetime.date = approved_on + relativedelta(months=months)
    return expiry


def site_today() -> datetime.date:
    """Today in the site's time zone (settings.TIME_ZONE): expiry is decided on this calendar."""
    return timezone.localdate()


class Approval(models.Model):
    """The current MLR approval of one page or of one ISI: job code, approval date, expiry date.

    Content is served only while it has an approval whose job code is the live job code, whose
    revision is the live revision, and whose expiry date has not been reached (see rules.py).
    """

    WORKFLOW = "workflow"
    SYSTEM = "system"
    ISI_PUBLISH = "isi_publish"
    SOURCES = (
        (WORKFLOW, "MLR workflow (Medical, Legal, Regulatory)"),
        (SYSTEM, "Reviewed seed content published by the loader"),
        (ISI_PUBLISH, "ISI published by a Regulatory reviewer"),
    )

    page = models.OneToOneField(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="compliance_approval",
    )
    isi = models.OneToOneField(
        "portal.SafetyInformation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="compliance_approval",
    )
    surface = models.CharField(
        max_length=40,
        null=True,
        blank=True,
        unique=True,
        help_text="A public page outside the CMS (gate, leaving notice, search, errors, a clinical tool).",
    )
    surface_title = models.CharField(max_length=120, blank=True)
    job_code = models.CharField(max_length=32)
    approved_on = models.DateField()
    expires_on = models.DateField()
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=20, choices=SOURCES)
    recorded_at = models.DateTimeField(auto_now=True)
    fingerprint = models.JSONField(
        null=True,
        blank=True,
        help_text="What the page showed beyond its revision when approved (see compliance/fingerprint.py).",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)
    lapse_noted_on = models.DateField(
        null=True, blank=True, help_text="When check_expiry recorded that this approval had lapsed."
    )

    class Meta:
        ordering = ("expires_on", "job_code")
        constraints = (
            models.CheckConstraint(
                condition=(
                    Q(page__isnull=False, isi__isnull=True, surface__isnull=True)
                    | Q(page__isnull=True, isi__isnull=False, surface__isnull=True)
                    | Q(page__isnull=True, isi__isnull=True, surface__isnull=False)
                ),
                name="compliance_approval_one_target",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("approved_on")), name="compliance_approval_expires_after"
            ),
        )

    def __str__(self) -> str:
        return f"{self.job_code}: approved {self.approved_on}, expires {self.expires_on}"

    @property
    def target(self) -> Any:
        if self.page is not None:
            return self.page.specific
        return self.isi

    @property
    def target_title(self) -> str:
        if self.surface:
            return self.surface_title or self.surface
        return str(self.page.title if self.page is not None else self.isi)

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def is_expired(self, today: datetime.date | None = None) -> bool:
        """The approval holds up to the day before the expiry date; on the expiry date it has lapsed."""
        return (today or site_today()) >= self.expires_on

    def days_left(self, today: datetime.date | None = None) -> int:
        return (self.expires_on - (today or site_today())).days


class ApprovalEvent(models.Model):
    """One line of the approval history: who did what to which job code, when, and what they said."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    APPROVAL_RECORDED = "approval_recorded"
    REFUSED = "approval_refused"
    WITHDRAWN = "withdrawn"
    EXPIRY_CHANGED = "expiry_changed"
    LAPSED = "lapsed"
    FACT_VERIFIED = "fact_verified"
    PERMISSION_CHANGED = "permission_changed"
    ACTIONS = (
        (SUBMITTED, "Submitted for MLR review"),
        (APPROVED, "Approved"),
        (CHANGES_REQUESTED, "Changes requested"),
        (APPROVAL_RECORDED, "Approval recorded (published)"),
        (REFUSED, "Approval refused"),
        (WITHDRAWN, "Approval withdrawn"),
        (EXPIRY_CHANGED, "Expiry date changed"),
        (LAPSED, "Approval lapsed (expiry date reached)"),
        (FACT_VERIFIED, "Fact verified against the label"),
        (PERMISSION_CHANGED, "Group or permission changed"),
    )
    KINDS = (
        ("page", "Page"),
        ("isi", "ISI"),
        ("surface", "Site page outside the CMS"),
        ("fact", "Label fact"),
        ("access", "Groups and permissions"),
    )

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    job_code = models.CharField(max_length=32, blank=True, db_index=True)
    content_kind = models.CharField(max_length=10, choices=KINDS)
    object_id = models.PositiveBigIntegerField()
    object_title = models.CharField(max_length=255)
    revision_id = models.PositiveBigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=20, choices=ACTIONS)
    step = models.CharField(max_length=255, blank=True, help_text="The workflow task, e.g. Medical review.")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    user_name = models.CharField(max_length=255, blank=True, help_text="Kept if the account is deleted.")
    comment = models.TextField(blank=True)
    approved_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("occurred_at", "pk")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.job_code} {self.action} {self.user_name}"


class ChangesRequestedForm(TaskStateCommentForm):
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=True,
        help_text=_("Required: what the author has to change. It is emailed to them."),
    )


class MLRApprovalTask(AbstractGroupApprovalTask):
    """A group approval step with separation of duties.

    Unlike Wagtail's GroupApprovalTask: only members of the task's groups may approve (a superuser
    outside them may not); nobody may approve a revision they wrote or submitted, or a second step of
    the same review; and a revision without a valid, unique job code cannot be approved.
    """

    def user_can_access_editor(self, obj: Any, user: Any) -> bool:
        return bool(self._user_in_groups(user))

    def locked_for_user(self, obj: Any, user: Any) -> bool:
        return not self._user_in_groups(user)

    def get_actions(self, obj: Any, user: Any) -> list[tuple[str, Any, bool]]:
        if not self._user_in_groups(user):
            return []
        return [
            ("reject", _("Request changes"), True),
            ("approve", _("Approve"), False),
            ("approve", _("Approve with comment"), True),
        ]

    def get_form_for_action(self, action: str) -> Any:
        """ "Request changes" needs a comment: the author gets it by email and has to act on it."""
        if action == "reject":
            return ChangesRequestedForm
        return super().get_form_for_action(action)

    def get_task_states_user_can_moderate(self, user: Any, **kwargs: Any) -> Any:
        if not self._user_in_groups(user):
            return TaskState.objects.none()
        return (
            self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
            .exclude(workflow_state__requested_by=user)
            .exclude(revision__user=user)
        )

    def on_action(self, task_state: Any, user: Any, action_name: str, **kwargs: Any) -> Any:
        from besponsa.compliance import rules

        if action_name == "approve":
            reason = rules.approval_refusal(task_state, user)
            if reason:
                rules.record_refusal(task_state, user, reason)
                from django.urls import reverse

                return reverse("compliance_approval_refused", args=[task_state.pk])
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls) -> str:
        return str(
            _(
                "Members of the chosen groups approve this step; an author cannot approve their own change "
                "and one person cannot approve two steps of the same review."
            )
        )

    class Meta:
        verbose_name = "MLR approval step"
        verbose_name_plural = "MLR approval steps"


class FactVerification(models.Model):
    """A Medical reviewer's record that a fact marked unconfirmed in clinical/ reads so in the label.

    It applies to the fact as it reads now (`fact_digest`): if a deploy changes the fact, the record no
    longer counts and the fact blocks approval again until it is verified again. Rows are only added.
    """

    fact_key = models.CharField(max_length=160, db_index=True, help_text='e.g. "product:bag_total_volume"')
    fact_digest = models.CharField(max_length=64, help_text="SHA-256 of the fact's text when verified.")
    fact_text = models.TextField(help_text="The fact as it read when verified.")
    label_section = models.CharField(
        max_length=80, help_text='The section of the Prescribing Information read, e.g. "PI 2.4".'
    )
    label_version = models.CharField(max_length=40, help_text='The PI revision read, e.g. "3/2024".')
    note = models.TextField(blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_by_name = models.CharField(max_length=255)
    verified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-verified_at", "-pk")
        constraints = (
            models.UniqueConstraint(fields=("fact_key", "fact_digest"), name="compliance_fact_verified_once"),
        )

    def __str__(self) -> str:
        return f"{self.fact_key} verified against {self.label_section} by {self.verified_by_name}"
