"""The clinical tools: POST forms in, engine results out. No rule lives here; `execute` decides.

A GET shows a blank form; values arrive only in a POST body (with Django's CSRF token), so they never
sit in an address, a browser history, a Referer header or an access log, and the request log records
the path alone. The PDF and calendar downloads are POSTs of the same fields.

Every answer is marked `Cache-Control: no-store` and never `cacheable_page`: results depend on the
values and must not sit in the page cache or a shared proxy. Invalid input answers 422 with the form,
the messages next to their fields and a summary, so the page works with JavaScript off.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from besponsa.clinical.errors import FieldError, InvalidInput
from besponsa.clinical.models import INPUTS
from besponsa.clinical.monitoring import VOD_RISK_FACTORS
from besponsa.clinical.operations import execute
from besponsa.compliance import surfaces
from besponsa.tools import forms, ics, pdf
from besponsa.tools.presentation import decision, note, readable


def _job_code(tool: str) -> str:
    """The approved job code of a tool page (content/surfaces.yaml, approval records in the CMS)."""
    return surfaces.job_code(f"tools-{tool}")


# The dose tool asks for everything the dose operation takes but Day 1: today stands in for it.
DOSE_FIELDS = tuple(name for name in INPUTS["dose"].model_fields if name != "start_date")


def _respond(
    request: HttpRequest, template: str, context: dict[str, Any], *tool_forms: forms.ToolForm
) -> HttpResponse:
    invalid = any(form.invalid for form in tool_forms)
    response = TemplateResponse(request, template, context, status=422 if invalid else 200)
    response["Cache-Control"] = "no-store"
    return response


def _with_notes(result: dict[str, Any] | None, form: forms.ToolForm | None = None) -> dict[str, Any] | None:
    """The result for people: no code word in its sentences, its notes split into labelled notes."""
    if result is None:
        return None
    shown = readable(result, form.names(short=True) if form is not None else None)
    return {**shown, "labelled_notes": [note(text) for text in shown.get("notes", [])]}


def _posted(request: HttpRequest, prefix: str) -> QueryDict | None:
    """The posted values when this request submitted the form named `prefix`, else None (blank form).
    Each form sends a hidden `form` field naming itself, so a form of checkboxes alone still counts."""
    if request.method == "POST" and request.POST.get("form") == prefix:
        return request.POST
    return None


def _run_if_posted(request: HttpRequest, operation: str) -> forms.ToolForm:
    """The operation's form (its prefix is the operation's name), run when this request posted it."""
    form = forms.build_form(operation, prefix=operation)
    data = _posted(request, operation)
    if data is not None:
        forms.run(form, data)
    return form


@require_http_methods(["GET", "POST"])
@surfaces.approved_or_withheld("tools-index")
def index(request: HttpRequest) -> HttpResponse:
    return _respond(request, "tools/index.html", {"job_code": _job_code("index")})


@require_http_methods(["GET", "POST"])
@surfaces.approved_or_withheld("tools-dose")
def dose(request: HttpRequest) -> HttpResponse:
    form = forms.build_form("dose", prefix="dose", only=DOSE_FIELDS)
    context: dict[str, Any] = {"form": form, "job_code": _job_code("dose")}
    data = _posted(request, "dose")
    if data is not None:
        forms.run(form, data, extra={"start_date": timezone.localdate().isoformat()})
        if form.result is not None:
            context.update(
                plan=_with_notes(form.result["plan"], form),
                bsa=_with_notes(form.result["bsa"], form),
                preparations=[_prepared(p) for p in form.result["preparations"]],
                save_inputs=form.given,  # what the HCP typed, for "Save to my workspace"
            )
    return _respond(request, "tools/dose.html", context, form)


def _prepared(preparation: dict[str, Any]) -> dict[str, Any]:
    return {**(_with_notes(preparation) or {}), "days": [f"Day {day}" for day in preparation["days"]]}


@dataclass(frozen=True)
class PlanTool:
    """A tool whose answer is a cycle plan (the one-cycle planner, the whole-course planner): the same
    result, PDF and calendar, from a different engine operation."""

    operation: str  # also the form's prefix
    template: str
    job: str
    pdf: str  # URL names of the downloads
    ics: str


PLANNER = PlanTool("plan", "tools/planner.html", "planner", "tools:planner-pdf", "tools:planner-ics")
COURSE = PlanTool("course", "tools/course.html", "course", "tools:course-pdf", "tools:course-ics")
ROWS_FIELD = "cycle_rows"
ADD_ROW = "add_cycle"
DEFAULT_ROWS = 2


def _history_rows(data: QueryDict | None) -> int:
    """Row slots for earlier cycles: as many as asked for (the hidden `cycle_rows`) or used, one more
    when "Add a cycle" was pressed, never more than the engine takes."""
    limit = forms.list_limit("course", "cycles")
    asked = data.get(ROWS_FIELD, "") if data is not None else ""
    rows = int(asked) if asked.isdigit() else DEFAULT_ROWS
    if data is not None:
        rows = max(
            rows, forms.rows_used(forms.build_form("course", prefix="course", rows=limit).fields, data)
        )
        if data.get(ADD_ROW):
            rows += 1
    return max(1, min(rows, limit))


def _plan_form(tool: PlanTool, data: QueryDict | None) -> forms.ToolForm:
    if tool is COURSE:
        rows = _history_rows(data)
        form = forms.build_form("course", prefix="course", rows=rows)
        form.hidden.append((ROWS_FIELD, str(rows)))
        form.can_add_row = rows < forms.list_limit("course", "cycles")
    else:
        form = forms.build_form(tool.operation, prefix=tool.operation)
    _keep_series(form, data)
    return form


@functools.lru_cache(maxsize=32)
def _address(name: str, urlconf: str, script_prefix: str) -> str:
    """A download's address, worked out once (reversing a URL costs ~40 µs against the site's routes)."""
    return reverse(name, urlconf=urlconf)


def _plan_context(tool: PlanTool, form: forms.ToolForm, **extra: Any) -> dict[str, Any]:
    urlconf, prefix = get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()
    return {
        "form": form,
        "job_code": _job_code(tool.job),
        "pdf_action": _address(tool.pdf, urlconf, prefix),
        "ics_action": _address(tool.ics, urlconf, prefix),
        "paper_sizes": pdf.PAPER_SIZES,
        **extra,
    }


def _plan_page(request: HttpRequest, tool: PlanTool) -> HttpResponse:
    data = _posted(request, tool.operation)
    form = _plan_form(tool, data)
    context = _plan_context(tool, form)
    if data is not None and data.get(ADD_ROW):
        forms.payload_from(form, data)  # another row slot: keep what was typed, calculate nothing yet
    elif data is not None:
        forms.run(form, data)
        context["plan"] = _with_notes(form.result, form)
        context["save_inputs"] = form.given  # for "Save to my workspace"
    return _respond(request, tool.template, context, form)


def _keep_series(form: forms.ToolForm, data: QueryDict | None) -> None:
    """The plan's calendar series id rides in the form (a POST field, no patient value) so that
    recalculating and downloading again replaces the events of an earlier download."""
    series = ics.series_id(data.get(ics.SERIES_FIELD, "") if data is not None else "")
    form.hidden.append((ics.SERIES_FIELD, series))


def _plan_again(
    request: HttpRequest, tool: PlanTool, form: forms.ToolForm, problems: list[dict[str, str]]
) -> HttpResponse:
    context = _plan_context(tool, form, download_errors=problems)
    return _respond(request, tool.template, context, form)


def _plan_pdf(request: HttpRequest, tool: PlanTool) -> HttpResponse:
    form = _plan_form(tool, request.POST)
    forms.run(form, request.POST)
    plan = form.result
    paper = request.POST.get("paper", "letter")
    problems = pdf.option_problems(paper=paper)
    form.errors.extend(problems)
    if plan is None or problems:
        return _plan_again(request, tool, form, problems)
    given = form.given
    bsa = execute("bsa", {k: given[k] for k in ("height_cm", "weight_kg", "formula") if k in given})
    preparations, route_errors = preparations_for(plan, {})
    if route_errors:  # a dose the engine will not prepare: say so on the planner, never print without it
        messages = [{"field": "dose_mg", "message": e["message"], "id": ""} for e in route_errors]
        form.errors.extend(messages)
        return _plan_again(request, tool, form, messages)
    content = pdf.render_plan(
        _with_notes(plan, form) or {},
        bsa=_with_notes(bsa, form) or {},
        body={name: form.by_name()[name].value for name in ("height_cm", "weight_kg")},
        preparations=preparations,
        history=forms.with_defaults("course", "cycles", given.get("cycles", [])) if tool is COURSE else None,
        paper=paper,
        job_code=_job_code(tool.job),
    )
    return _download(content, "application/pdf", f"besponsa-cycle-{plan['cycle']}-plan.pdf")


def _plan_ics(request: HttpRequest, tool: PlanTool) -> HttpResponse:
    form = _plan_form(tool, request.POST)
    forms.run(form, request.POST)
    if form.result is None:
        return _plan_again(request, tool, form, [])
    plan = form.result
    content = ics.calendar(plan, series=dict(form.hidden)[ics.SERIES_FIELD])  # kept by _plan_form
    return _download(content, "text/calendar; charset=utf-8", f"besponsa-cycle-{plan['cycle']}.ics")


def _download(content: str | bytes, content_type: str, filename: str) -> HttpResponse:
    """A file to save, never cached: it holds the values of one patient's plan."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _plan_view(
    tool: PlanTool, answer: Callable[[HttpRequest, PlanTool], HttpResponse], methods: list[str]
) -> surfaces.View:
    """A view of a plan tool (its page, or a download: POST only), withheld whenever its page is."""

    def view(request: HttpRequest) -> HttpResponse:
        return answer(request, tool)

    return require_http_methods(methods)(surfaces.approved_or_withheld(f"tools-{tool.job}")(view))


planner = _plan_view(PLANNER, _plan_page, ["GET", "POST"])
planner_pdf = _plan_view(PLANNER, _plan_pdf, ["POST"])
planner_ics = _plan_view(PLANNER, _plan_ics, ["POST"])
course = _plan_view(COURSE, _plan_page, ["GET", "POST"])
course_pdf = _plan_view(COURSE, _plan_pdf, ["POST"])
course_ics = _plan_view(COURSE, _plan_ics, ["POST"])


def preparations_for(
    plan: dict[str, Any], route: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[FieldError]]:
    """The engine's preparation of each distinct dose of the plan, largest first."""
    preparations: list[dict[str, Any]] = []
    for mg in sorted({d["dose_mg"] for d in plan["doses"]}, reverse=True):
        try:
            prepared = execute("prepare", {"dose_mg": mg, **route})
        except InvalidInput as invalid:
            return preparations, invalid.errors
        days = [d["day"] for d in plan["doses"] if d["dose_mg"] == mg]
        preparations.append(_prepared({**prepared, "days": days}))
    return preparations, []


@require_http_methods(["GET", "POST"])
@surfaces.approved_or_withheld("tools-modifications")
def modifications(request: HttpRequest) -> HttpResponse:
    form = _run_if_posted(request, "modify")
    advice = _with_notes(form.result, form)
    context: dict[str, Any] = {"form": form, "job_code": _job_code("modifications"), "advice": advice}
    if advice is not None:
        fields = form.by_name()
        advice["questions"] = [
            {**q, "field_id": fields[q["field"]].id if q.get("field") in fields else ""}
            for q in advice.get("questions", [])
        ]
        context["decision"] = decision(advice)
    return _respond(request, "tools/modifications.html", context, form)


@require_http_methods(["GET", "POST"])
@surfaces.approved_or_withheld("tools-response")
def response(request: HttpRequest) -> HttpResponse:
    form = _run_if_posted(request, "assess")
    context = {"form": form, "job_code": _job_code("response"), "assessment": _with_notes(form.result, form)}
    return _respond(request, "tools/response.html", context, form)


@require_http_methods(["GET", "POST"])
@surfaces.approved_or_withheld("tools-safety")
def safety(request: HttpRequest) -> HttpResponse:
    tool_forms = {operation: _run_if_posted(request, operation) for operation in ("qtc", "grade", "dates")}
    context: dict[str, Any] = {"vod_risk_factors": VOD_RISK_FACTORS, "job_code": _job_code("safety")}
    for operation, form in tool_forms.items():  # each form as `qtc`, its result as `qtc_result`
        context.update({operation: form, f"{operation}_result": _with_notes(form.result, form)})
    return _respond(request, "tools/safety.html", context, *tool_forms.values())
