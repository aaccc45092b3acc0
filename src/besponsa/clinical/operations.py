"""The single operations contract shared by the CLI and the web API.

`execute(operation, payload)` validates an untrusted JSON-like payload (reporting every problem at
once through `InvalidInput`), runs the rule and returns a JSON-serialisable dict.

Numbers leave as JSON numbers: each Decimal is already rounded by the policy in `rounding` and has at
most a few decimals, so `float()` at this edge reproduces it exactly when written back as JSON
(1.35 → 1.35). Dates leave as ISO `YYYY-MM-DD` strings. Every result carries `citations` and `notes`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from besponsa.clinical import modifications as mod
from besponsa.clinical._validation import Values, parse_object
from besponsa.clinical.bsa import (
    FORMULA_REFERENCE,
    BsaFormula,
    BsaResult,
    body_size_problems,
    body_surface_area,
)
from besponsa.clinical.course import PastCycle, course_problems, plan_course
from besponsa.clinical.errors import ErrorCollector, InvalidInput, UnknownOperation
from besponsa.clinical.examples import EXAMPLES
from besponsa.clinical.grading import Term, grade, grade_problems
from besponsa.clinical.monitoring import (
    BEFORE_DOSING,
    VOD_RISK_FACTORS,
    Check,
    checklist,
    qtc,
    vod_risk_factors,
)
from besponsa.clinical.planner import CyclePlan, PlanStatus, plan_cycle, plan_problems
from besponsa.clinical.preparation import Route, prepare_infusion
from besponsa.clinical.regimen import DoseLevel, Response
from besponsa.clinical.reproductive import reproductive_dates
from besponsa.clinical.response import assess_response, mrd_problems
from besponsa.clinical.schemas import INPUT_SCHEMAS

__all__ = ["EXAMPLES", "OPERATION_NAMES", "InvalidInput", "UnknownOperation", "execute"]

OPERATION_NAMES: Final = ("bsa", "plan", "course", "modify", "assess", "grade", "qtc", "dates", "prepare")

Json = dict[str, object]

_RISK_CODES: Final = tuple(factor.code for factor in VOD_RISK_FACTORS)


def _num(value: Decimal) -> float:
    return float(value)


def _opt_num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _bsa_of(values: Values) -> BsaResult:
    return body_surface_area(
        height_cm=values.decimal("height_cm"),
        weight_kg=values.decimal("weight_kg"),
        formula=BsaFormula(values.text("formula")),
    )


def _bsa(values: Values) -> Json:
    result = _bsa_of(values)
    return {
        "bsa_m2": _num(result.bsa_m2),
        "bsa_unrounded_m2": _num(result.unrounded_m2.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)),
        "formula": result.formula.value,
        "formula_text": result.formula_text,
        "formula_reference": FORMULA_REFERENCE[result.formula],
        "weight_basis": "actual body weight",
        "citations": list(result.citations),
        "notes": list(result.notes),
    }


def _check_json(check: Check) -> Json:
    return {
        "code": check.code,
        "text": check.text,
        "citation": check.citation,
        "when": check.when.value,
        "status": check.status.value,
    }


def _plan_json(plan: CyclePlan, body: BsaResult, values: Values) -> Json:
    """The plan answer, shared by `plan` and `course`."""
    citations = list(plan.citations)
    notes = [*body.notes[:1], *plan.notes]
    giving = plan.status is not PlanStatus.STOP
    check = plan.cytoreduction
    cytoreduction: Json | None = None
    if check is not None:
        cytoreduction = {"passed": check.passed, "message": check.message, "citation": check.citation}
    risk = values.nested("vod_risk")
    present = frozenset() if risk is None else frozenset(code for code in _RISK_CODES if risk.boolean(code))
    factors = vod_risk_factors(present=present, cycle=plan.cycle) if giving else ()
    hsct = values.boolean("hsct_planned")
    checks = checklist(cycle=plan.cycle, hsct_planned=hsct) if giving else ()
    for citation in [factor.citation for factor in factors] + [item.citation for item in checks]:
        if citation not in citations:
            citations.append(citation)
    return {
        "bsa_m2": _num(plan.bsa_m2),
        "formula": body.formula.value,
        "cycle": plan.cycle,
        "status": plan.status.value,
        "headline": plan.headline,
        "reasons": [reason.code for reason in plan.reasons],
        "reason_details": [
            {"code": r.code, "status": r.status.value, "message": r.message, "citation": r.citation}
            for r in plan.reasons
        ],
        "dose_level": plan.dose_level.value,
        "regimen_row": None if plan.regimen_row is None else plan.regimen_row.key,
        "cycle_length_days": plan.cycle_length_days,
        "start_date": plan.start_date.isoformat(),
        "cycle_end_date": _iso(plan.cycle_end_date),
        "next_cycle_earliest_start": _iso(plan.next_cycle_earliest_start),
        "next_cycle_start_if_extended": _iso(plan.next_cycle_start_if_extended),
        "total_mg_per_m2": _num(plan.total_mg_per_m2),
        "total_dose_mg": _num(plan.total_dose_mg),
        "total_vials": plan.total_vials,
        "doses": [
            {
                "day": dose.day,
                "date": dose.date.isoformat(),
                "window_earliest": _iso(dose.window_earliest),
                "window_latest": _iso(dose.window_latest),
                "mg_per_m2": _num(dose.mg_per_m2),
                "dose_mg": _num(dose.dose_mg),
                "volume_ml": _num(dose.volume_ml),
                "vials": dose.vials,
            }
            for dose in plan.doses
        ],
        "pre_dose_checks": [_check_json(c) for c in checks if c.when in BEFORE_DOSING],
        "monitoring": [_check_json(c) for c in checks if c.when not in BEFORE_DOSING],
        "cytoreduction": cytoreduction,
        "vod_risk_factors": [{"code": f.code, "text": f.text, "citation": f.citation} for f in factors],
        "citations": citations,
        "notes": notes,
    }


def _plan(values: Values) -> Json:
    body = _bsa_of(values)
    plan = plan_cycle(
        bsa_m2=body.bsa_m2,
        cycle=values.integer("cycle"),
        start_date=values.date("start_date"),
        best_response=Response(values.text("best_response")),
        mrd_negative=values.boolean("mrd_negative"),
        hsct_planned=values.boolean("hsct_planned"),
        dose_level=DoseLevel(values.text("dose_level")),
        age_years=values.decimal("age_years"),
        peripheral_blasts=values.optional_decimal("peripheral_blasts"),
    )
    return _plan_json(plan, body, values)


def _body_check(values: Values, errors: ErrorCollector) -> None:
    if values.has("height_cm") and values.has("weight_kg"):
        errors.extend(
            body_size_problems(height_cm=values.decimal("height_cm"), weight_kg=values.decimal("weight_kg"))
        )


def _plan_check(values: Values, errors: ErrorCollector) -> None:
    _body_check(values, errors)
    if values.has("cycle") and values.has("dose_level"):
        errors.extend(
            plan_problems(cycle=values.integer("cycle"), dose_level=DoseLevel(values.text("dose_level")))
        )


def _history(values: Values) -> tuple[PastCycle, ...]:
    return tuple(
        PastCycle(
            day1_date=item.date("day1_date"),
            dose_level=DoseLevel(item.text("dose_level")),
            response=Response(item.text("response")),
            mrd_negative=item.boolean("mrd_negative"),
            extended_to_28_days=item.boolean("extended_to_28_days"),
            last_dose_date=item.optional_date("last_dose_date"),
            interruption_days=item.integer("interruption_days"),
        )
        for item in values.items("cycles")
    )


def _course(values: Values) -> Json:
    body = _bsa_of(values)
    course = plan_course(
        bsa_m2=body.bsa_m2,
        history=_history(values),
        start_date=values.optional_date("start_date"),
        hsct_planned=values.boolean("hsct_planned"),
        age_years=values.decimal("age_years"),
        peripheral_blasts=values.optional_decimal("peripheral_blasts"),
    )
    result = _plan_json(course.plan, body, values)
    citations = result.pop("citations")
    notes = result.pop("notes")
    assert isinstance(notes, list)
    result.update(
        cycles_completed=course.cycles_completed,
        best_response=course.best_response.value,
        mrd_negative_with_response=course.mrd_negative_with_response,
        earliest_start_date=_iso(course.earliest_start),
        citations=citations,
        notes=[*course.notes, *notes],
    )
    return result


def _course_check(values: Values, errors: ErrorCollector) -> None:
    _body_check(values, errors)
    if values.has("cycles"):
        errors.extend(course_problems(_history(values), values.optional_date("start_date")))


def _counts(values: Values | None) -> mod.Counts | None:
    if values is None:
        return None
    return mod.Counts(anc=values.decimal("anc"), platelets=values.decimal("platelets"))


def _modify(values: Values) -> Json:
    baseline = _counts(values.nested("baseline"))
    labs = values.nested("labs")
    assert baseline is not None and labs is not None  # required objects: parse_object guarantees them
    report = mod.ToxicityReport(
        timing=mod.Timing(values.text("timing")),
        baseline=baseline,
        labs=mod.Labs(
            anc=labs.optional_decimal("anc"),
            platelets=labs.optional_decimal("platelets"),
            total_bilirubin_x_uln=labs.optional_decimal("total_bilirubin_x_uln"),
            ast_x_uln=labs.optional_decimal("ast_x_uln"),
            alt_x_uln=labs.optional_decimal("alt_x_uln"),
        ),
        previous_cycle_baseline=_counts(values.nested("previous_cycle_baseline")),
        vod=values.boolean("vod"),
        infusion_reaction=mod.InfusionReaction(values.text("infusion_reaction")),
        other_nonhematologic_grade=values.integer("other_nonhematologic_grade"),
        other_nonhematologic_baseline_grade=values.integer("other_nonhematologic_baseline_grade"),
        bilirubin_from_gilbert_or_hemolysis=values.boolean("bilirubin_from_gilbert_or_hemolysis"),
        cytopenia_cause=mod.CytopeniaCause(values.text("cytopenia_cause")),
        marrow_stable_or_improved=values.boolean("marrow_stable_or_improved"),
        cytopenia_days=values.integer("cytopenia_days"),
        interruption_days=values.integer("interruption_days"),
        dose_level=DoseLevel(values.text("dose_level")),
    )
    advice = mod.advise(report)
    return {
        "action": advice.action.value,
        "next_dose_level": "none" if advice.next_dose_level is None else advice.next_dose_level.value,
        "headline": advice.headline,
        "rows_applied": [
            {
                "table": row.table,
                "key": row.key,
                "condition": row.condition,
                "citation": row.citation,
                "status": row.status.value,
            }
            for row in advice.rows_applied
        ],
        "findings": [
            {
                "code": f.code,
                "action": f.action.value,
                "next_dose_level": None if f.next_dose_level is None else f.next_dose_level.value,
                "rows": list(f.rows),
                "citation": f.citation,
                "message": f.message,
                "unconfirmed": f.unconfirmed,
                "interpretation": f.interpretation,
            }
            for f in advice.findings
        ],
        "questions": [{"field": q.field, "question": q.text} for q in advice.questions],
        "not_evaluated": list(advice.not_evaluated),
        "citations": list(advice.citations),
        "notes": list(advice.notes),
    }


def _modify_check(values: Values, errors: ErrorCollector) -> None:
    labs = values.nested("labs")
    if values.has("timing") and labs is not None:
        errors.extend(
            mod.required_lab_problems(
                timing=mod.Timing(values.text("timing")),
                anc_given=labs.given("anc"),
                platelets_given=labs.given("platelets"),
            )
        )


def _assess(values: Values) -> Json:
    result = assess_response(
        marrow_blasts_pct=values.decimal("marrow_blasts_pct"),
        peripheral_blasts=values.decimal("peripheral_blasts"),
        anc=values.decimal("anc"),
        platelets=values.decimal("platelets"),
        extramedullary_disease=values.boolean("extramedullary_disease"),
        mrd_fraction=values.optional_decimal("mrd_fraction"),
    )
    return {
        "response": result.response.value,
        "mrd_negative": result.mrd_negative,
        "criteria": {
            "marrow_blasts_below_5_pct": result.marrow_blasts_below_5_pct,
            "no_peripheral_blasts": result.no_peripheral_blasts,
            "no_extramedullary_disease": result.no_extramedullary_disease,
            "full_count_recovery": result.full_count_recovery,
        },
        "citations": list(result.citations),
        "notes": list(result.notes),
    }


def _grade(values: Values) -> Json:
    result = grade(
        term=Term(values.text("term")),
        value=values.decimal("value"),
        uln=values.optional_decimal("uln"),
        lln=values.optional_decimal("lln"),
        baseline=values.optional_decimal("baseline"),
    )
    return {
        "term": result.term.value,
        "grade": result.grade,
        "ctcae_version": result.ctcae_version,
        "band": result.band,
        "basis": result.basis,
        "lln_used": _opt_num(result.lln_used),
        "lln_source": None if result.lln_used is None else ("default" if result.lln_default else "given"),
        "citations": list(result.citations),
        "notes": list(result.notes),
    }


def _grade_check(values: Values, errors: ErrorCollector) -> None:
    if values.has("term"):
        errors.extend(
            grade_problems(
                term=Term(values.text("term")),
                value=values.optional_decimal("value"),
                uln=values.optional_decimal("uln"),
                lln=values.optional_decimal("lln"),
                baseline=values.optional_decimal("baseline"),
            )
        )


def _qtc(values: Values) -> Json:
    result = qtc(
        qt_ms=values.decimal("qt_ms"),
        heart_rate_bpm=values.decimal("heart_rate_bpm"),
        baseline_qtcf_ms=values.optional_decimal("baseline_qtcf_ms"),
    )
    return {
        "qtcf_ms": _num(result.qtcf_ms),
        "qtcb_ms": _num(result.qtcb_ms),
        "rr_s": _num(result.rr_s.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)),
        "flags": {"qtcf_over_500": result.qtcf_over_500, "increase_60_or_more": result.increase_60_or_more},
        "change_from_baseline_ms": _opt_num(result.change_from_baseline_ms),
        "ctcae_grade": result.ctcae_grade,
        "citations": list(result.citations),
        "notes": list(result.notes),
    }


def _dates(values: Values) -> Json:
    result = reproductive_dates(last_dose_date=values.date("last_dose_date"))
    return {
        "last_dose_date": result.last_dose_date.isoformat(),
        "contraception_female_until": result.contraception_female_until.isoformat(),
        "contraception_male_until": result.contraception_male_until.isoformat(),
        "breastfeeding_avoid_until": result.breastfeeding_avoid_until.isoformat(),
        "citations": list(result.citations),
        "notes": list(result.notes),
    }


def _prepare(values: Values) -> Json:
    result = prepare_infusion(dose_mg=values.decimal("dose_mg"), route=Route(values.text("route")))
    return {
        "dose_mg": _num(result.dose_mg),
        "route": result.route.value,
        "vials": result.vials,
        "diluent_ml_per_vial": _num(result.diluent_ml_per_vial),
        "concentration_mg_per_ml": _num(result.concentration_mg_per_ml),
        "deliverable_ml_per_vial": _num(result.deliverable_ml_per_vial),
        "withdraw_ml": _num(result.withdraw_ml),
        "discard_ml": _num(result.discard_ml),
        "final_volume_ml": _opt_num(result.final_volume_ml),
        "final_concentration_mg_per_ml": _opt_num(result.final_concentration_mg_per_ml),
        "infusion_rate_ml_per_h": _opt_num(result.infusion_rate_ml_per_h),
        "infusion_duration_h": _opt_num(result.infusion_duration_h),
        "max_hours_reconstitution_to_dilution": _num(result.max_hours_reconstitution_to_dilution),
        "max_hours_reconstitution_to_end_of_infusion": _num(
            result.max_hours_reconstitution_to_end_of_infusion
        ),
        "protect_from_light": result.protect_from_light,
        "do_not_freeze": result.do_not_freeze,
        "do_not_shake": result.do_not_shake,
        "unconfirmed": list(result.unconfirmed),
        "steps": list(result.steps),
        "concentration_check": {
            "low_mg_per_ml": _num(result.concentration_check.low),
            "high_mg_per_ml": _num(result.concentration_check.high),
            "within": result.concentration_check.within,
            "message": result.concentration_check.message,
            "status": result.concentration_check.status.value,
        },
        "suggested_route": result.concentration_check.suggested_route.value,
        "citations": list(result.citations),
        "notes": list(result.notes),
    }


def _no_check(values: Values, errors: ErrorCollector) -> None:
    del values, errors


def _assess_check(values: Values, errors: ErrorCollector) -> None:
    if values.has("marrow_blasts_pct"):
        errors.extend(
            mrd_problems(
                marrow_blasts_pct=values.decimal("marrow_blasts_pct"),
                mrd_fraction=values.optional_decimal("mrd_fraction"),
            )
        )


_Handler = Callable[[Values], Json]
_Check = Callable[[Values, ErrorCollector], None]

_OPERATIONS: Final[dict[str, tuple[_Handler, _Check]]] = {
    "bsa": (_bsa, _body_check),
    "plan": (_plan, _plan_check),
    "course": (_course, _course_check),
    "modify": (_modify, _modify_check),
    "assess": (_assess, _assess_check),
    "grade": (_grade, _grade_check),
    "qtc": (_qtc, _no_check),
    "dates": (_dates, _no_check),
    "prepare": (_prepare, _no_check),
}


def execute(operation: str, payload: object) -> Json:
    """Run one operation on an untrusted payload.

    Raises `UnknownOperation` for a name outside `OPERATION_NAMES` and `InvalidInput` (with every
    problem listed) for a payload that cannot be used; nothing else escapes for any JSON payload.
    """
    try:
        handler, check = _OPERATIONS[operation]
    except (KeyError, TypeError):
        raise UnknownOperation(
            f"unknown operation {operation!r}; expected one of {OPERATION_NAMES}"
        ) from None
    errors = ErrorCollector()
    values = parse_object(INPUT_SCHEMAS[operation], payload, errors)
    if values is not None:
        check(values, errors)
    errors.raise_if_any()
    assert values is not None  # parse_object returns None only after recording an error
    return handler(values)
