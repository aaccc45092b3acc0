"""The Safety queue and the Medical Information queue in the CMS (/cms/intake/…).

Only members of the group named in groups.py get in (403 for anyone else, superusers included). Every list,
view, change and export is written to the audit log (accounts.audit) with the case number and never the
content. There is no delete: cases are kept (docs/safety.md, "Retention").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from besponsa.accounts import audit
from besponsa.intake import crypto, e2b, groups, validity
from besponsa.intake.forms import AdverseEventForm, MedicalInquiryForm, sections_for_display
from besponsa.intake.models import AdverseEventReport, CaseNote, CaseStatus, InquiryStatus, MedicalInquiry

View = Callable[..., HttpResponse]
OPEN_CASE = ~Q(status__in=[CaseStatus.CLOSED])
DUPLICATE_WINDOW = dt.timedelta(days=30)
MAX_NOTE = 5000


def members_of(group: str) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not groups.is_member(request.user, group):
                raise PermissionDenied
            try:
                response = view(request, *args, **kwargs)
            except crypto.EncryptionUnavailable:
                # Fail closed and say why, rather than a bare server error.
                response = HttpResponse(
                    "Cases cannot be read: INTAKE_ENCRYPTION_KEY is missing or is not the key they were "
                    "stored with.", status=503, content_type="text/plain; charset=utf-8",
                )  # fmt: skip
            response["Cache-Control"] = "no-store, private"
            return response

        return wrapped

    return decorate


def _audit(request: HttpRequest, kind: str, detail: str) -> None:
    audit.record(kind, user_id=request.user.pk, request=request, detail=detail)


def duplicate_hints(report: AdverseEventReport) -> list[str]:
    """Other cases that may describe the same event: same patient key and onset, or the same reporter
    within 30 days of this one. Hints for a person to check, never merged automatically."""
    near = Q(
        received_at__gte=report.received_at - DUPLICATE_WINDOW,
        received_at__lte=report.received_at + DUPLICATE_WINDOW,
    )
    match = Q(reporter_key=report.reporter_key) & near
    if report.duplicate_key:
        match |= Q(duplicate_key=report.duplicate_key)
    others = AdverseEventReport.objects.filter(match).exclude(pk=report.pk)
    return list(others.order_by("received_at").values_list("case_number", flat=True)[:10])


@members_of(groups.SAFETY)
def safety_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    reports = (
        AdverseEventReport.objects.all() if show == "all" else AdverseEventReport.objects.filter(OPEN_CASE)
    )
    today = timezone.localdate()
    rows = [(report, report.clock(today), duplicate_hints(report)) for report in reports[:500]]
    # Serious cases first, the nearest due date first; then the rest, oldest first.
    rows.sort(key=lambda row: (row[1].due is None, row[1].due or row[0].day0, row[0].received_at))
    _audit(request, "safety_queue_viewed", f"{len(rows)} cases listed ({show})")
    context = {"rows": rows, "show": show, "expedited_days": validity.EXPEDITED_DAYS}
    return render(request, "intake/admin/safety_list.html", context)


def _apply_change(
    request: HttpRequest, case: AdverseEventReport | MedicalInquiry, kind: str
) -> HttpResponse | None:
    """Status change and/or note from the case page: a 400 naming the field, or None once saved."""
    statuses = CaseStatus if isinstance(case, AdverseEventReport) else InquiryStatus
    status = request.POST.get("status", case.status)
    text = request.POST.get("note", "").strip()
    if status not in statuses.values:
        return HttpResponseBadRequest(f"Status: not one of {', '.join(statuses.values)}.")
    if len(text) > MAX_NOTE:
        return HttpResponseBadRequest(f"Note: at most {MAX_NOTE:,} characters.")
    if status == case.status and not text:
        return None
    link = {"report": case} if isinstance(case, AdverseEventReport) else {"inquiry": case}
    author = request.user.pk
    assert author is not None  # the queue views require a signed-in member of the group
    with transaction.atomic():
        CaseNote.objects.create(**link, author_id=author, status_from=case.status, status_to=status,
                                body={"text": text})  # fmt: skip
        type(case).objects.filter(pk=case.pk).update(status=status, updated_at=timezone.now())
        change = f"{case.status} -> {status}" if status != case.status else "note added"
        _audit(request, kind, f"{case.case_number}: {change}")
    return None


@members_of(groups.SAFETY)
def safety_case(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(AdverseEventReport, pk=pk)
    if request.method == "POST":
        return _apply_change(request, report, "safety_case_changed") or redirect(
            "intake_safety_case", pk=report.pk
        )
    _audit(request, "safety_case_viewed", report.case_number)
    context = {
        "report": report,
        "clock": report.clock(),
        "expedited_days": validity.EXPEDITED_DAYS,
        "sections": sections_for_display(AdverseEventForm, report.data),
        "notes": CaseNote.objects.filter(report=report),
        "duplicates": duplicate_hints(report),
        "statuses": CaseStatus.choices,
    }
    return render(request, "intake/admin/safety_case.html", context)


@members_of(groups.SAFETY)
def safety_export(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(AdverseEventReport, pk=pk)
    _audit(request, "safety_case_exported", f"{report.case_number}: E2B(R3)")
    response = HttpResponse(e2b.to_bytes(report), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{report.case_number}-e2b-r3.xml"'
    return response


@members_of(groups.MEDICAL_INFORMATION)
def mi_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    inquiries = MedicalInquiry.objects.all()
    if show != "all":
        inquiries = inquiries.exclude(status=InquiryStatus.CLOSED)
    rows = list(inquiries.order_by("received_at")[:500])
    _audit(request, "mi_queue_viewed", f"{len(rows)} requests listed ({show})")
    return render(request, "intake/admin/mi_list.html", {"rows": rows, "show": show})


@members_of(groups.MEDICAL_INFORMATION)
def mi_case(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = get_object_or_404(MedicalInquiry, pk=pk)
    if request.method == "POST":
        return _apply_change(request, inquiry, "mi_case_changed") or redirect("intake_mi_case", pk=inquiry.pk)
    _audit(request, "mi_case_viewed", inquiry.case_number)
    context = {
        "inquiry": inquiry,
        "sections": sections_for_display(MedicalInquiryForm, inquiry.data),
        "notes": CaseNote.objects.filter(inquiry=inquiry),
        "statuses": InquiryStatus.choices,
    }
    return render(request, "intake/admin/mi_case.html", context)
