"""The single operations contract shared by the CLI, the web API and the web tools.

`execute(operation, payload)` validates an untrusted JSON-like payload against the operation's input
model (reporting every problem at once through `InvalidInput`), runs the rule and returns the output
model as a JSON-serializable dict. Both models live in `models`; this module only connects them to the
core functions and runs the checks that join several fields.

Numbers leave as JSON numbers: each Decimal is already rounded by the policy in `rounding` and has at
most a few decimals, so `float()` at this edge reproduces it exactly when written back as JSON
(1.35 → 1.35). Dates leave as ISO `YYYY-MM-DD` strings. Every result carries `citations` and `notes`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from besponsa.clinical import models as m
from besponsa.clinical import modifications as mod
from besponsa.clinical._validation import validate
from besponsa.clinical.bsa import FORMULA_REFERENCE, BsaResult, body_size_problems, body_surface_area
from besponsa.clinical.course import PastCycle, course_problems, plan_course
from besponsa.clinical.errors import FieldError, InvalidInput, UnknownOperation
from besponsa.clinical.examples import EXAMPLES
from besponsa.clinical.grading import grade, grade_problems
from besponsa.clinical.monitoring import qtc
from besponsa.clinical.planner import CyclePlan, cycle_checks, plan_cycle, plan_problems
from besponsa.clinical.preparation import Preparation, prepare_infusion
from besponsa.clinical.reproductive import reproductive_dates
from besponsa.clinical.response import assess_response, mrd_problems

__all__ = ["EXAMPLES", "OPERATIONS", "OPERATION_NAMES", "InvalidInput", "UnknownOperation", "execute"]

Json = dict[str, object]
Values = Mapping[str, Any]  # the input fields that validated, for checks that join several of them


def _four(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _body(values: m.BsaInput) -> BsaResult:  # plan, course and dose inputs extend BsaInput
    return body_surface_area(height_cm=values.height_cm, weight_kg=values.weight_kg, formula=values.formula)


def _bsa(values: m.BsaInput) -> m.BsaOutput:
    result = _body(values)
    return m.BsaOutput(
        bsa_m2=float(result.bsa_m2),
        bsa_unrounded_m2=float(_four(result.unrounded_m2)),
        formula=result.formula,
        formula_text=result.formula_text,
        formula_reference=FORMULA_REFERENCE[result.formula],
        weight_basis="actual body weight",
        citations=list(result.citations),
        notes=list(result.notes),
    )


def _plan_fields(plan: CyclePlan, body: BsaResult, values: m.PlanInput | m.CourseInput) -> dict[str, Any]:
    """The plan answer's fields, shared by `plan` and `course`."""
    present = frozenset(code for code, given in values.vod_risk if given)
    checks = cycle_checks(plan, vod_risk=present, hsct_planned=values.hsct_planned)
    return {
        **_attributes(plan),  # the model picks the fields it has; these below are converted or properties
        "headline": plan.headline,
        "bsa_m2": float(plan.bsa_m2),
        "formula": body.formula,
        "reasons": [reason.code for reason in plan.reasons],
        "reason_details": plan.reasons,
        "regimen_row": None if plan.regimen_row is None else plan.regimen_row.key,
        "cycle_length_days": plan.cycle_length_days,
        "total_mg_per_m2": float(plan.total_mg_per_m2),
        "total_dose_mg": float(plan.total_dose_mg),
        "total_vials": plan.total_vials,
        "pre_dose_checks": checks.pre_dose,
        "monitoring": checks.monitoring,
        "vod_risk_factors": checks.vod_risk_factors,
        "citations": checks.citations,
        "notes": [*body.notes[:1], *plan.notes],
    }


def _plan(values: m.PlanInput) -> m.PlanOutput:
    body, plan = _cycle(values)
    return m.PlanOutput.model_validate(_plan_fields(plan, body, values))


# The plan input's fields `plan_cycle` does not take: it takes the BSA, and the VOD risk is for the checks.
_NOT_PLANNED: Final = frozenset({*m.BsaInput.model_fields, "vod_risk"})


def _cycle(values: m.PlanInput) -> tuple[BsaResult, CyclePlan]:
    body = _body(values)
    given = {name: value for name, value in values.__dict__.items() if name not in _NOT_PLANNED}
    return body, plan_cycle(bsa_m2=body.bsa_m2, **given)


def _dose(values: m.DoseInput) -> m.Output:
    """The dose calculator's chain in one answer: BSA, the cycle's doses, each distinct dose prepared."""
    # The plan's own fields, already validated by the same field types; the rest take the plan's defaults.
    plan_input = m.PlanInput.model_construct(
        **{name: value for name, value in values.__dict__.items() if name != "route"}
    )
    body, plan = _cycle(plan_input)
    doses = sorted({dose.dose_mg for dose in plan.doses}, reverse=True)
    preparations = [
        m.PreparedDose.model_validate(
            {
                **_prepared(prepare_infusion(dose_mg=mg, route=values.route)),
                "days": [dose.day for dose in plan.doses if dose.dose_mg == mg],
            }
        )
        for mg in doses
    ]
    bsa = _bsa(values)
    planned = m.PlanOutput.model_validate(_plan_fields(plan, body, plan_input))
    parts: list[m.BsaOutput | m.PlanOutput | m.PreparedDose] = [bsa, planned, *preparations]
    return m.DoseOutput(
        bsa=bsa,
        plan=planned,
        preparations=preparations,
        citations=list(dict.fromkeys(citation for part in parts for citation in part.citations)),
        notes=list(dict.fromkeys(note for part in parts for note in part.notes)),
    )


def _body_check(values: Values, raw: Values) -> list[FieldError]:
    if "height_cm" in values and "weight_kg" in values:
        return body_size_problems(height_cm=values["height_cm"], weight_kg=values["weight_kg"])
    return []


def _plan_check(values: Values, raw: Values) -> list[FieldError]:
    problems = _body_check(values, raw)
    if "cycle" in values and "dose_level" in values:
        problems += plan_problems(cycle=values["cycle"], dose_level=values["dose_level"])
    return problems


def _history(cycles: list[m.PastCycleInput]) -> tuple[PastCycle, ...]:
    return tuple(PastCycle(**item.__dict__) for item in cycles)


def _course(values: m.CourseInput) -> m.Output:
    body = _body(values)
    course = plan_course(
        bsa_m2=body.bsa_m2,
        history=_history(values.cycles),
        start_date=values.start_date,
        hsct_planned=values.hsct_planned,
        age_years=values.age_years,
        peripheral_blasts=values.peripheral_blasts,
    )
    fields = _plan_fields(course.plan, body, values)
    return m.CourseOutput.model_validate(
        {
            **fields,
            "cycles_completed": course.cycles_completed,
            "best_response": course.best_response,
            "mrd_negative_with_response": course.mrd_negative_with_response,
            "earliest_start_date": course.earliest_start,
            "notes": [*course.notes, *fields["notes"]],
        }
    )


def _course_check(values: Values, raw: Values) -> list[FieldError]:
    problems = _body_check(values, raw)
    if "cycles" in values:
        problems += course_problems(_history(values["cycles"]), values.get("start_date"))
    return problems


def _counts(counts: m.Counts | None) -> mod.Counts | None:
    return None if counts is None else mod.Counts(anc=counts.anc, platelets=counts.platelets)


def _modify(values: m.ModifyInput) -> m.Output:
    fields = values.__dict__
    report = mod.ToxicityReport(
        **{
            **fields,
            "baseline": _counts(values.baseline),
            "previous_cycle_baseline": _counts(values.previous_cycle_baseline),
            "labs": mod.Labs(**values.labs.__dict__),
        }
    )
    advice = mod.advise(report)
    return m.ModifyOutput.model_validate(
        {
            **_attributes(advice),
            "rows_applied": advice.rows_applied,  # these two are properties, not dataclass fields
            "citations": advice.citations,
            "next_dose_level": advice.next_dose_level or "none",
        }
    )


def _modify_check(values: Values, raw: Values) -> list[FieldError]:
    labs = raw.get("labs")
    if "timing" not in values or not isinstance(labs, Mapping):
        return []
    return mod.required_lab_problems(
        timing=values["timing"],
        anc_given=labs.get("anc") is not None,
        platelets_given=labs.get("platelets") is not None,
    )


def _assess(values: m.AssessInput) -> m.Output:
    result = assess_response(**values.__dict__)
    return m.AssessOutput.model_validate({**_attributes(result), "criteria": result})


def _assess_check(values: Values, raw: Values) -> list[FieldError]:
    if "marrow_blasts_pct" not in values:
        return []
    return mrd_problems(
        marrow_blasts_pct=values["marrow_blasts_pct"], mrd_fraction=values.get("mrd_fraction")
    )


def _grade(values: m.GradeInput) -> m.Output:
    result = grade(**values.__dict__)
    source = None if result.lln_used is None else ("default" if result.lln_default else "given")
    return m.GradeOutput.model_validate({**_attributes(result), "band": result.band, "lln_source": source})


def _grade_check(values: Values, raw: Values) -> list[FieldError]:
    if "term" not in values:
        return []
    given = {name: values.get(name) for name in ("value", "uln", "lln", "baseline")}
    return grade_problems(term=values["term"], **given)


def _qtc(values: m.QtcInput) -> m.Output:
    result = qtc(**values.__dict__)
    return m.QtcOutput.model_validate(
        {**_attributes(result), "rr_s": float(_four(result.rr_s)), "flags": m.QtcFlags.model_validate(result)}
    )


def _dates(values: m.DatesInput) -> m.Output:
    return m.DatesOutput.model_validate(reproductive_dates(last_dose_date=values.last_dose_date))


def _prepare(values: m.PrepareInput) -> m.Output:
    return m.PrepareOutput.model_validate(
        _prepared(prepare_infusion(dose_mg=values.dose_mg, route=values.route))
    )


def _prepared(result: Preparation) -> dict[str, Any]:
    return {**_attributes(result), "suggested_route": result.concentration_check.suggested_route}


def _attributes(result: object) -> dict[str, Any]:
    """A core result's fields by name (its dataclass slots), for the output model to pick from."""
    return {field.name: getattr(result, field.name) for field in dataclasses.fields(result)}  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Operation:
    """An operation: what it answers (the CLI's help, the API's summary), its input model, the rule that
    answers, and the checks that join several fields."""

    summary: str
    input: type[m.Input]
    run: Callable[[Any], m.Output]
    check: Callable[[Values, Values], list[FieldError]] = lambda values, raw: []


OPERATIONS: Final[dict[str, Operation]] = {
    "bsa": Operation("Body surface area from height and weight", m.BsaInput, _bsa, _body_check),
    "plan": Operation(
        "Plan one cycle: status, Day 1/8/15 doses, dates and windows", m.PlanInput, _plan, _plan_check
    ),
    "course": Operation(
        "Plan the next cycle from the history of earlier cycles", m.CourseInput, _course, _course_check
    ),
    "modify": Operation(
        "What to do now and the dose level that follows (PI 2.3 Tables 2–4)",
        m.ModifyInput,
        _modify,
        _modify_check,
    ),
    "assess": Operation(
        "Classify response (CR, CRi, none) and MRD negativity", m.AssessInput, _assess, _assess_check
    ),
    "grade": Operation("CTCAE v5.0 grade of a laboratory or QTc value", m.GradeInput, _grade, _grade_check),
    "qtc": Operation("QTcF and QTcB with the label's QT flags", m.QtcInput, _qtc),
    "dates": Operation("Contraception and breastfeeding dates after the last dose", m.DatesInput, _dates),
    "prepare": Operation("Vials, reconstitution, volume and infusion for one dose", m.PrepareInput, _prepare),
    "dose": Operation(
        "One cycle's doses with BSA and the preparation of each dose (the dose calculator)",
        m.DoseInput,
        _dose,
        _plan_check,
    ),
}
OPERATION_NAMES: Final = tuple(OPERATIONS)


def execute(operation: str, payload: object) -> Json:
    """Run one operation on an untrusted payload.

    Raises `UnknownOperation` for a name outside `OPERATION_NAMES` and `InvalidInput` (with every
    problem listed) for a payload that cannot be used; nothing else escapes for any JSON payload.
    """
    try:
        spec = OPERATIONS[operation]
    except (KeyError, TypeError):
        raise UnknownOperation(
            f"unknown operation {operation!r}; expected one of {OPERATION_NAMES}"
        ) from None
    parsed, usable, problems = validate(spec.input, payload)
    if isinstance(payload, Mapping):
        problems += spec.check(usable, payload)
    if problems or parsed is None:
        raise InvalidInput(problems)
    return spec.run(parsed).model_dump(mode="json")
