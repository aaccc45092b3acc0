"""The public forms: /report-adverse-event/ and /contact/medical-information/ (no JavaScript needed).

Order of checks on a post: honeypot, signed token (age and fill time), the form's own validation, a
repeated submission (answered with the case already recorded), rate limits, then one transaction. Any
refusal is a 4xx that names the field and the reason and keeps what was typed; nothing is stored.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from besponsa.intake import crypto, guard, submit
from besponsa.intake.forms import AdverseEventForm, MedicalInquiryForm
from besponsa.intake.models import AdverseEventReport, MedicalInquiry


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, private"
    return response


def _sections(form: forms.Form) -> list[tuple[str, list[Any]]]:
    return [(legend, [form[name] for name in names]) for legend, names in form.SECTIONS]  # type: ignore[attr-defined]


def _error_list(form: forms.Form) -> list[tuple[str, str]]:
    """(anchor id, "Label: reason") for every error, in form order."""
    items = [("", str(message)) for message in form.non_field_errors()]
    for name, field in form.fields.items():
        for message in form.errors.get(name, []):
            items.append((f"id_{name}", f"{field.label}: {message}"))
    return items


def _render_form(
    request: HttpRequest, template: str, form: forms.Form, status: int = 200, problem: str = "", **extra: Any
) -> HttpResponse:
    context = {
        "form": form,
        "sections": _sections(form),
        "errors": _error_list(form) if form.is_bound else [],
        "problem": problem,
        **extra,
    }
    response = render(request, template, context, status=status)
    if status == 429 and "retry_after" in extra:
        response["Retry-After"] = str(extra["retry_after"])
    return _no_store(response)


def _with_fresh_token(form_class: type[forms.Form], request: HttpRequest) -> forms.Form:
    data = request.POST.copy()
    data["form_token"] = guard.new_token()
    form = form_class(data)
    form.is_valid()  # so the entries are shown again exactly as cleaned
    return form


def _unavailable(request: HttpRequest, what: str) -> HttpResponse:
    return _no_store(render(request, "intake/unavailable.html", {"what": what}, status=503))


def _prefill(request: HttpRequest, prefix: str) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    initial: dict[str, Any] = {f"{prefix}_name": user.get_full_name(), f"{prefix}_email": user.email}
    profile = getattr(user, "hcp_profile", None)
    if profile is not None:
        initial[f"{prefix}_profession"] = profile.profession
    return initial


def _handle(
    request: HttpRequest,
    *,
    form_class: type[AdverseEventForm] | type[MedicalInquiryForm],
    template: str,
    done_template: str,
    model: type[AdverseEventReport] | type[MedicalInquiry],
    prefix: str,
) -> HttpResponse:
    if not crypto.available():
        return _unavailable(request, str(model._meta.verbose_name))
    if request.method != "POST":
        form = form_class(initial={**_prefill(request, prefix), "form_token": guard.new_token()})
        return _render_form(request, template, form)

    form = form_class(request.POST)
    if form.honeypot_filled():
        form.is_valid()
        return _render_form(
            request,
            template,
            form,
            400,
            problem="This form could not be accepted: "
            "the field marked “Leave this field empty” was filled in.",
        )
    token = guard.check_token(str(request.POST.get("form_token", "")))
    if token.submission_key is None:
        return _render_form(
            request, template, _with_fresh_token(form_class, request), 400, problem=token.problem or ""
        )
    if not form.is_valid():
        return _render_form(request, template, form, 400)

    user_id = request.user.pk if request.user.is_authenticated else None
    data = form.report_data() if isinstance(form, AdverseEventForm) else form.inquiry_data()
    already = model.objects.filter(submission_key=token.submission_key).first()
    if already is None:
        reporter = guard.reporter_key(
            request,
            str(data.get(f"{prefix}_email", "")),
            str(data.get(f"{prefix}_name", "")),
            str(data.get(f"{prefix}_phone", "")),
        )
        client = guard.client_key(request)
        limit = guard.over_limit(model, reporter, client)
        if limit is not None:
            return _render_form(
                request, template, form, 429, problem=limit.message, retry_after=limit.retry_after
            )
        record = submit.record_report if model is AdverseEventReport else submit.record_inquiry
        case, _created = record(
            data,
            submission_key=token.submission_key,
            reporter_user_id=user_id,
            reporter=reporter,
            client=client,
        )
    else:
        case = already
    response = render(request, done_template, {"case": case})
    return _no_store(response)


@require_http_methods(["GET", "HEAD", "POST"])
def report_adverse_event(request: HttpRequest) -> HttpResponse:
    return _handle(
        request,
        form_class=AdverseEventForm,
        template="intake/report_form.html",
        done_template="intake/report_received.html",
        model=AdverseEventReport,
        prefix="reporter",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def medical_information(request: HttpRequest) -> HttpResponse:
    return _handle(
        request,
        form_class=MedicalInquiryForm,
        template="intake/inquiry_form.html",
        done_template="intake/inquiry_received.html",
        model=MedicalInquiry,
        prefix="requester",
    )
