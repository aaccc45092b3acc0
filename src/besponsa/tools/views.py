"""The clinical tools: GET forms in, engine results out. No rule lives here; `execute` decides.

Every answer is marked `Cache-Control: no-store` and never `cacheable_page`: results depend on the
query and must not sit in the page cache or a shared proxy. Invalid input answers 422 with the form,
the messages next to their fields and a summary, so the page works with JavaScript off.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from besponsa.clinical.errors import InvalidInput
from besponsa.clinical.monitoring import VOD_RISK_FACTORS
from besponsa.clinical.operations import execute
from besponsa.tools import forms, ics, pdf
from besponsa.tools.presentation import notes

JOB_CODES = {
    "index": "PP-INO-USA-0701",
    "dose": "PP-INO-USA-0702",
    "planner": "PP-INO-USA-0703",
    "modifications": "PP-INO-USA-0704",
    "response": "PP-INO-USA-0705",
    "safety": "PP-INO-USA-0706",
}

PLAN_FIELDS_FOR_DOSE = ("height_cm", "weight_kg", "formula", "cycle", "best_response", "dose_level")


def _respond(
    request: HttpRequest, template: str, context: dict[str, Any], *tool_forms: forms.ToolForm
) -> HttpResponse:
    invalid = any(form.invalid for form in tool_forms)
    response = TemplateResponse(request, template, context, status=422 if invalid else 200)
    response["Cache-Control"] = "no-store"
    return response


def _with_notes(result: dict[str, Any] | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {**result, "labelled_notes": notes(list(result.get("notes", [])))}


def index(request: HttpRequest) -> HttpResponse:
    return _respond(request, "tools/index.html", {"job_code": JOB_CODES["index"]})


def dose(request: HttpRequest) -> HttpResponse:
    form = forms.build_form("plan", prefix="dose", only=PLAN_FIELDS_FOR_DOSE)
    route_form = forms.build_form("prepare", prefix="dose", only=("route",))
    form.fields.extend(route_form.fields)
    context: dict[str, Any] = {"form": form, "job_code": JOB_CODES["dose"]}
    if forms.submitted(request.GET, "dose"):
        route = forms.payload_from(route_form, request.GET)  # {} when blank: the engine's default applies
        # The dose tool needs only the regimen's amounts, not dates: today's date stands in for Day 1.
        plan_form = forms.ToolForm("plan", "dose", [f for f in form.fields if f.name != "route"])
        forms.run(plan_form, request.GET, extra={"start_date": timezone.localdate().isoformat()})
        form.submitted = True
        form.errors = plan_form.errors
        if plan_form.result is not None:
            plan = plan_form.result
            given = forms.payload_from(plan_form, request.GET)
            bsa = execute("bsa", {k: given[k] for k in ("height_cm", "weight_kg", "formula") if k in given})
            preparations = []
            for mg in sorted({d["dose_mg"] for d in plan["doses"]}, reverse=True):
                try:
                    prepared = execute("prepare", {"dose_mg": mg, **route})
                except InvalidInput as invalid:
                    for error in invalid.errors:
                        item = route_form.fields[0]
                        item.error = error["message"]
                        form.errors.append({"field": "route", "message": error["message"], "id": item.id})
                    break
                preparations.append(_with_notes(prepared))
            form.result = plan
            context.update(plan=_with_notes(plan), bsa=_with_notes(bsa), preparations=preparations)
    return _respond(request, "tools/dose.html", context, form)


def planner(request: HttpRequest) -> HttpResponse:
    form = forms.build_form("plan", prefix="plan")
    context: dict[str, Any] = {"form": form, "job_code": JOB_CODES["planner"]}
    if forms.submitted(request.GET, "plan"):
        forms.run(form, request.GET)
        context["plan"] = _with_notes(form.result)
        if form.result is not None:
            query = request.GET.copy()
            context["download_query"] = query.urlencode()
            context["paper_sizes"] = pdf.PAPER_SIZES
    return _respond(request, "tools/planner.html", context, form)


def _planned(request: HttpRequest) -> tuple[forms.ToolForm, dict[str, Any] | None]:
    form = forms.build_form("plan", prefix="plan")
    forms.run(form, request.GET)
    return form, form.result


def planner_pdf(request: HttpRequest) -> HttpResponse:
    form, plan = _planned(request)
    paper = request.GET.get("paper", "letter")
    initials = request.GET.get("initials", "").strip()
    problems = pdf.option_problems(paper=paper, initials=initials)
    form.errors.extend(problems)
    if plan is None or problems:
        context = {"form": form, "job_code": JOB_CODES["planner"], "download_errors": problems}
        return _respond(request, "tools/planner.html", context, form)
    content = pdf.render_plan(
        _with_notes(plan) or {}, paper=paper, initials=initials, job_code=JOB_CODES["planner"]
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="besponsa-cycle-{plan["cycle"]}-plan.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def planner_ics(request: HttpRequest) -> HttpResponse:
    form, plan = _planned(request)
    if plan is None:
        return _respond(request, "tools/planner.html", {"form": form, "job_code": JOB_CODES["planner"]}, form)
    response = HttpResponse(ics.calendar(plan), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="besponsa-cycle-{plan["cycle"]}.ics"'
    response["Cache-Control"] = "no-store"
    return response


def modifications(request: HttpRequest) -> HttpResponse:
    form = forms.build_form("modify", prefix="modify")
    context: dict[str, Any] = {"form": form, "job_code": JOB_CODES["modifications"]}
    if forms.submitted(request.GET, "modify"):
        forms.run(form, request.GET)
        context["advice"] = _with_notes(form.result)
    return _respond(request, "tools/modifications.html", context, form)


def response(request: HttpRequest) -> HttpResponse:
    form = forms.build_form("assess", prefix="assess")
    context: dict[str, Any] = {"form": form, "job_code": JOB_CODES["response"]}
    if forms.submitted(request.GET, "assess"):
        forms.run(form, request.GET)
        context["assessment"] = _with_notes(form.result)
    return _respond(request, "tools/response.html", context, form)


def safety(request: HttpRequest) -> HttpResponse:
    qtc = forms.build_form("qtc", prefix="qtc")
    grade = forms.build_form("grade", prefix="grade")
    dates = forms.build_form("dates", prefix="dates")
    for form in (qtc, grade, dates):
        if forms.submitted(request.GET, form.prefix):
            forms.run(form, request.GET)
    context = {
        "qtc": qtc,
        "qtc_result": _with_notes(qtc.result),
        "grade": grade,
        "grade_result": _with_notes(grade.result),
        "dates": dates,
        "dates_result": _with_notes(dates.result),
        "vod_risk_factors": VOD_RISK_FACTORS,
        "job_code": JOB_CODES["safety"],
    }
    return _respond(request, "tools/safety.html", context, qtc, grade, dates)
