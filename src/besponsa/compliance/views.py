"""The neutral "being updated" page, the expiry report, the history export and the refusal notice."""

from __future__ import annotations

import csv
import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.models import TaskState

from besponsa.compliance import rules
from besponsa.compliance.models import Approval, ApprovalEvent, default_expiry, site_today
from besponsa.portal import validators

REPORT_WINDOWS = (30, 60, 90)


def unavailable(request: HttpRequest) -> HttpResponse:
    """What an HCP gets instead of a page that is not approved for use: no content, the ISI, 503."""
    response = render(request, "compliance/unavailable.html", status=503)
    response["Cache-Control"] = "no-store"
    response["Retry-After"] = "86400"
    return response


def _not_approved_pages(today: datetime.date) -> list[dict[str, Any]]:
    """Live pages withheld right now, and why."""
    rows = []
    for model in rules.job_code_models():
        for page in model.objects.live().order_by("path"):
            problem = rules.serving_problem(page, today)
            if problem:
                rows.append({"page": page, "problem": problem})
    return rows


@require_GET
def expiring_report(request: HttpRequest) -> HttpResponse:
    today = site_today()
    raw = request.GET.get("within", "30")
    error = None
    if raw not in {str(days) for days in REPORT_WINDOWS}:
        error = f'"within" must be one of {", ".join(map(str, REPORT_WINDOWS))} (days); showing 30 days.'
        raw = "30"
    within = int(raw)
    horizon = today + datetime.timedelta(days=within)
    approvals = (
        Approval.objects.select_related("page", "isi")
        .filter(expires_on__lte=horizon)
        .order_by("expires_on", "job_code")
    )
    rows = []
    for approval in approvals:
        edit_url = (
            reverse("wagtailadmin_pages:edit", args=[approval.page_id])
            if approval.page_id
            else reverse("wagtailsnippets_portal_safetyinformation:edit", args=[approval.isi_id])
        )
        rows.append(
            {
                "approval": approval,
                "days_left": approval.days_left(today),
                "expired": approval.is_expired(today),
                "edit_url": edit_url,
                "history_url": reverse("compliance_history_csv") + f"?job_code={approval.job_code}",
            }
        )
    context = {
        "today": today,
        "within": within,
        "windows": REPORT_WINDOWS,
        "rows": rows,
        "withheld": _not_approved_pages(today),
        "error": error,
    }
    return render(request, "compliance/expiring_report.html", context, status=400 if error else 200)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    """A cell a spreadsheet will show as text: anything that could start a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


HISTORY_COLUMNS = [
    "occurred_at_utc",
    "job_code",
    "content",
    "content_id",
    "title",
    "revision_id",
    "action",
    "step",
    "user",
    "comment",
    "approved_on",
    "expires_on",
]


@require_GET
def history_csv(request: HttpRequest) -> HttpResponse:
    """The approval history of one job code (or of all, without `job_code`), oldest first."""
    if not (request.user.is_superuser or request.user.has_perm("compliance.view_approvalevent")):
        raise PermissionDenied
    job_code = request.GET.get("job_code", "").strip()
    events = ApprovalEvent.objects.order_by("job_code", "occurred_at", "pk")
    if job_code:
        if not validators.JOB_CODE.fullmatch(job_code):
            return HttpResponse(
                f"job_code: not in the format {validators.JOB_CODE_FORMAT}.\n",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        events = events.filter(job_code=job_code)
    name = job_code or "all"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="approval-history-{name}.csv"'
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    writer.writerow(HISTORY_COLUMNS)
    for event in events:
        writer.writerow(
            [
                csv_safe(value)
                for value in (
                    event.occurred_at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S"),
                    event.job_code,
                    event.content_kind,
                    event.object_id,
                    event.object_title,
                    event.revision_id,
                    event.get_action_display(),
                    event.step,
                    event.user_name,
                    event.comment,
                    event.approved_on,
                    event.expires_on,
                )
            ]
        )
    return response


@require_GET
def approval_refused(request: HttpRequest, task_state_id: int) -> HttpResponse:
    states = TaskState.objects.select_related("task", "workflow_state")
    task_state = get_object_or_404(states, pk=task_state_id)
    content = task_state.workflow_state.content_object
    reason = rules.approval_refusal(task_state, request.user) if task_state.status == "in_progress" else None
    edit_url = reverse("wagtailadmin_pages:edit", args=[content.pk]) if hasattr(content, "path") else None
    context = {"task_state": task_state, "content": content, "reason": reason, "edit_url": edit_url}
    return render(request, "compliance/approval_refused.html", context, status=403 if reason else 200)


# --- approvals: list, set or shorten the expiry date, withdraw --------------------------------------


class ExpiryForm(forms.Form):
    expires_on = forms.DateField(
        label="New expiry date",
        help_text="YYYY-MM-DD. The content is withheld from this day on; at most 12 months after approval.",
    )
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


def _edit_url(approval: Approval) -> str:
    if approval.surface:
        return reverse("compliance_approval", args=[approval.pk])
    if approval.page_id:
        return reverse("wagtailadmin_pages:edit", args=[approval.page_id])
    return reverse("wagtailsnippets_portal_safetyinformation:edit", args=[approval.isi_id])


@require_GET
def approvals(request: HttpRequest) -> HttpResponse:
    """Every approval with what visitors get now: served, or withheld and why."""
    if not request.user.has_perm("compliance.view_approval"):
        raise PermissionDenied
    today = site_today()
    rows = [
        {
            "approval": approval,
            "problem": rules.approval_status(approval, today),
            "edit_url": _edit_url(approval),
            "manage_url": reverse("compliance_approval", args=[approval.pk]),
        }
        for approval in Approval.objects.select_related("page", "isi", "withdrawn_by").order_by("job_code")
    ]
    return render(request, "compliance/approvals.html", {"rows": rows, "today": today})


@require_http_methods(["GET", "POST"])
def approval_detail(request: HttpRequest, approval_id: int) -> HttpResponse:
    if not request.user.has_perm("compliance.view_approval"):
        raise PermissionDenied
    approval = get_object_or_404(
        Approval.objects.select_related("page", "isi", "withdrawn_by"), pk=approval_id
    )
    can_change = request.user.has_perm("compliance.change_approval")
    expiry_form, withdraw_form = ExpiryForm(prefix="expiry"), WithdrawForm(prefix="withdraw")
    status, refusal = 200, ""
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        action = request.POST.get("action")
        form: forms.Form
        if action == "expiry":
            form = expiry_form = ExpiryForm(request.POST, prefix="expiry")
        elif action == "withdraw":
            form = withdraw_form = WithdrawForm(request.POST, prefix="withdraw")
        else:
            return HttpResponse(
                "action: must be expiry or withdraw.\n", status=400, content_type="text/plain"
            )
        if form.is_valid():
            try:
                if action == "expiry":
                    rules.set_expiry(
                        approval,
                        form.cleaned_data["expires_on"],
                        user=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(
                        request, f"{approval.job_code}: expiry date is now {approval.expires_on}."
                    )
                else:
                    rules.withdraw(approval, user=request.user, reason=form.cleaned_data["reason"])
                    messages.success(
                        request, f"{approval.job_code}: approval withdrawn; the content is withheld."
                    )
                return redirect(reverse("compliance_approval", args=[approval.pk]))
            except rules.ApprovalChangeRefused as refused:
                refusal = str(refused)
                field, _, text = refusal.partition(": ")
                target = "expires_on" if field == "expires_on" else "reason" if field == "reason" else None
                form.add_error(target, text if target else str(refused))
        status = 400
    context = {
        "approval": approval,
        "problem": rules.approval_status(approval),
        "edit_url": _edit_url(approval),
        "can_change": can_change,
        "expiry_form": expiry_form,
        "withdraw_form": withdraw_form,
        "history_url": reverse("compliance_history_csv") + f"?job_code={approval.job_code}",
        "latest_expiry": default_expiry(approval.approved_on),
        "refusal": refusal,
    }
    return render(request, "compliance/approval_detail.html", context, status=status)


# --- the claims and references panel of a page ------------------------------------------------------


class VerificationForm(forms.Form):
    fact_key = forms.CharField(widget=forms.HiddenInput)
    label_section = forms.CharField(label="Label section read", max_length=80)
    label_version = forms.CharField(label="Label revision read", max_length=40, initial="3/2024")
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}))


@require_http_methods(["GET", "POST"])
def claims_panel(request: HttpRequest, page_id: int) -> HttpResponse:
    from wagtail.models import Page

    from besponsa.compliance import claims

    if not request.user.has_perm("compliance.view_approval"):
        raise PermissionDenied
    page = get_object_or_404(Page, pk=page_id).specific
    can_verify = request.user.has_perm("compliance.add_factverification")
    status, refusal = 200, ""
    if request.method == "POST":
        if not can_verify:
            raise PermissionDenied
        form = VerificationForm(request.POST)
        facts = {f.key: f for f in claims.page_facts(page)}
        if form.is_valid() and form.cleaned_data["fact_key"] in facts:
            try:
                rules.record_verification(
                    facts[form.cleaned_data["fact_key"]],
                    user=request.user,
                    label_section=form.cleaned_data["label_section"],
                    label_version=form.cleaned_data["label_version"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, "Verification recorded.")
                return redirect(reverse("compliance_claims", args=[page.pk]))
            except rules.ApprovalChangeRefused as refused:
                refusal = str(refused)
        elif form.is_valid():
            refusal = "fact_key: this page does not show that fact."
        else:
            refusal = "; ".join(
                f"{name}: {' '.join(map(str, errors))}" for name, errors in form.errors.items()
            )
        status = 400
    rows = []
    for claim in claims.claims_of(page):
        verify_form: VerificationForm | None = None
        if claim.unconfirmed and claim.verification is None and can_verify:
            verify_form = VerificationForm(
                initial={"fact_key": claim.key, "label_section": claim.source}, auto_id=f"id_{claim.key}_%s"
            )
        rows.append({"claim": claim, "form": verify_form})
    context = {
        "page": page,
        "rows": rows,
        "problem": rules.serving_problem(page) if page.live else "not published",
        "refusal": refusal,
        "edit_url": reverse("wagtailadmin_pages:edit", args=[page.pk]),
    }
    return render(request, "compliance/claims_panel.html", context, status=status)
