"""The neutral "being updated" page, the expiry report, the history export and the refusal notice."""

from __future__ import annotations

import csv
import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from wagtail.models import TaskState

from besponsa.compliance import rules
from besponsa.compliance.models import Approval, ApprovalEvent, site_today

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
        if not rules.JOB_CODE.fullmatch(job_code):
            return HttpResponse(
                f"job_code: not in the format {rules.JOB_CODE_FORMAT}.\n",
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
