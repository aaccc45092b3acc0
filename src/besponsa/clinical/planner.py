"""Cycle planner: status by the duration rules (PI 2.2), then the Day 1/8/15 doses with dates.

A plan is decision support: it shows which label rule applies and the arithmetic, and the clinician
decides. A stopped plan never carries a dose.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Final

from besponsa.clinical import limits, regimen
from besponsa.clinical.citations import PI_2_2, PI_2_2_TABLE_1, PI_2_3, PI_2_3_TABLE_4, PI_8_4
from besponsa.clinical.errors import FieldError, InvalidInput
from besponsa.clinical.interpretations import note
from besponsa.clinical.monitoring import (
    BEFORE_DOSING,
    Check,
    CytoreductionCheck,
    RiskFactor,
    checked_cytoreduction,
    checklist,
    vod_risk_factors,
)
from besponsa.clinical.product import CYTOREDUCTION_LIMIT
from besponsa.clinical.regimen import DoseLevel, RegimenRow, Response
from besponsa.clinical.rounding import dose_mg, round_bsa, vials_for_dose, withdraw_volume_ml

__all__ = [
    "AGE_UNDER_1",
    "CYTOREDUCTION_NEEDED",
    "PEDIATRIC_NOTES",
    "PLAN_REASONS",
    "STATUS_ORDER",
    "CyclePlan",
    "PlanReason",
    "PlanStatus",
    "PlannedDose",
    "cycle_status",
    "plan_cycle",
    "plan_problems",
    "status_headline",
    "worst",
]


class PlanStatus(StrEnum):
    PROCEED = "proceed"
    # Something must be weighed or done first: a cycle the label says "may be considered", or a first
    # dose that needs cytoreduction before it.
    CONSIDER = "consider"
    OUTSIDE_LABEL = "outside_label"  # use not established by the label (under 1 year old, PI 8.4)
    STOP = "stop"


STATUS_ORDER: Final = (PlanStatus.PROCEED, PlanStatus.CONSIDER, PlanStatus.OUTSIDE_LABEL, PlanStatus.STOP)


@dataclass(frozen=True, slots=True)
class PlanReason:
    code: str
    status: PlanStatus
    message: str
    citation: str


MAX_CYCLES_REACHED: Final = PlanReason(
    "max_cycles_reached",
    PlanStatus.STOP,
    f"More than {regimen.MAX_CYCLES} cycles: the label allows at most {regimen.MAX_CYCLES}.",
    PI_2_2,
)
NO_RESPONSE: Final = PlanReason(
    "no_response_within_3_cycles",
    PlanStatus.STOP,
    f"No CR or CRi after {regimen.RESPONSE_DEADLINE_CYCLES} cycles: the label says to stop treatment.",
    PI_2_2,
)
HSCT_RECOMMENDED: Final = PlanReason(
    "hsct_recommended_after_2_cycles",
    PlanStatus.STOP,
    f"HSCT planned and CR/CRi with MRD negativity reached: {regimen.HSCT_RECOMMENDED_CYCLES} cycles are "
    "the recommended length before transplant.",
    PI_2_2,
)
HSCT_MAX: Final = PlanReason(
    "hsct_max_3_cycles",
    PlanStatus.STOP,
    f"HSCT planned: no more than {regimen.HSCT_MAX_CYCLES} cycles before transplant.",
    PI_2_2,
)
HSCT_THIRD_CYCLE: Final = PlanReason(
    "hsct_third_cycle_may_be_considered",
    PlanStatus.CONSIDER,
    "HSCT planned and CR/CRi with MRD negativity not reached after 2 cycles: a third cycle may be "
    "considered.",
    PI_2_2,
)
CYTOREDUCTION_NEEDED: Final = PlanReason(
    "cytoreduction_needed",
    PlanStatus.CONSIDER,
    f"Peripheral blasts above {CYTOREDUCTION_LIMIT.amount} ×10⁹/L (10,000/mm³) before the first dose: "
    "reduce them first (for example hydroxyurea, steroids and/or vincristine), then recheck.",
    PI_2_2,
)
AGE_UNDER_1: Final = PlanReason(
    "age_under_1_year",
    PlanStatus.OUTSIDE_LABEL,
    f"Younger than {regimen.MIN_AGE_YEARS} year: safety and effectiveness are not established (the label "
    "covers patients aged 1 year and older); any use is the clinician's decision outside the label.",
    PI_8_4,
)
PLAN_REASONS: Final[tuple[PlanReason, ...]] = (
    MAX_CYCLES_REACHED,
    NO_RESPONSE,
    HSCT_RECOMMENDED,
    HSCT_MAX,
    HSCT_THIRD_CYCLE,
    CYTOREDUCTION_NEEDED,
    AGE_UNDER_1,
)

PEDIATRIC_NOTES: Final = (
    "Children aged 1 year and older receive the same mg/m² regimen as adults (PI 2.2).",
    "In the pediatric study, premedication was methylprednisolone 1 mg/kg (at most 50 mg) with an "
    "antipyretic and an antihistamine (PI 14).",
    "VOD occurred in 15% of children in the pediatric study and in 19% of those who went on to HSCT "
    "(PI 5.1): monitor liver tests closely.",
)


@dataclass(frozen=True, slots=True)
class PlannedDose:
    day: int
    date: dt.date
    mg_per_m2: Decimal
    dose_mg: Decimal
    volume_ml: Decimal
    vials: int
    window_earliest: dt.date | None  # None for Day 1: it defines the cycle
    window_latest: dt.date | None


@dataclass(frozen=True, slots=True)
class CyclePlan:
    cycle: int
    bsa_m2: Decimal
    start_date: dt.date
    dose_level: DoseLevel
    status: PlanStatus
    reasons: tuple[PlanReason, ...]
    citations: tuple[str, ...]
    notes: tuple[str, ...]
    cytoreduction: CytoreductionCheck | None = None
    # The schedule: a stopped cycle has none.
    regimen_row: RegimenRow | None = None
    doses: tuple[PlannedDose, ...] = ()
    cycle_end_date: dt.date | None = None
    next_cycle_earliest_start: dt.date | None = None
    next_cycle_start_if_extended: dt.date | None = None

    @property
    def headline(self) -> str:
        return status_headline(self.status, self.reasons, cycle=self.cycle, dose_level=self.dose_level)

    @property
    def cycle_length_days(self) -> int | None:
        return None if self.regimen_row is None else self.regimen_row.cycle_length_days

    @property
    def total_mg_per_m2(self) -> Decimal:
        return sum((dose.mg_per_m2 for dose in self.doses), Decimal(0))

    @property
    def total_dose_mg(self) -> Decimal:
        return sum((dose.dose_mg for dose in self.doses), Decimal(0))

    @property
    def total_vials(self) -> int:
        return sum(dose.vials for dose in self.doses)


def cycle_status(
    *, cycle: int, best_response: Response, mrd_negative: bool, hsct_planned: bool
) -> tuple[PlanStatus, tuple[PlanReason, ...]]:
    """Every duration rule that applies to this cycle, and the most restrictive status among them."""
    limits.require((("cycle", cycle, limits.CYCLE),))
    reasons = _duration_reasons(
        cycle=cycle, best_response=best_response, mrd_negative=mrd_negative, hsct_planned=hsct_planned
    )
    return worst(reasons), tuple(reasons)


def _duration_reasons(
    *, cycle: int, best_response: Response, mrd_negative: bool, hsct_planned: bool
) -> list[PlanReason]:
    """The PI 2.2 duration rules for an already checked cycle number."""
    responded = best_response is not Response.NONE
    reasons: list[PlanReason] = []
    if cycle > regimen.MAX_CYCLES:
        reasons.append(MAX_CYCLES_REACHED)
    if cycle > regimen.RESPONSE_DEADLINE_CYCLES and not responded:
        reasons.append(NO_RESPONSE)
    if hsct_planned and cycle > regimen.HSCT_MAX_CYCLES:
        reasons.append(HSCT_MAX)
    elif hsct_planned and cycle > regimen.HSCT_RECOMMENDED_CYCLES:
        reasons.append(HSCT_RECOMMENDED if responded and mrd_negative else HSCT_THIRD_CYCLE)
    return reasons


def worst(reasons: list[PlanReason] | tuple[PlanReason, ...]) -> PlanStatus:
    """The most restrictive status among the reasons (proceed when there are none)."""
    return max((reason.status for reason in reasons), key=STATUS_ORDER.index, default=PlanStatus.PROCEED)


_LEVEL_TEXT: Final = {
    DoseLevel.FULL: "at the full dose",
    DoseLevel.REDUCED_25: "at the dose reduced by 25%",
    DoseLevel.TWO_DOSES: "at 2 doses per cycle",
}


def status_headline(
    status: PlanStatus, reasons: tuple[PlanReason, ...], *, cycle: int, dose_level: DoseLevel
) -> str:
    """The plan's status in plain words, with the reasons that set it."""
    why = " ".join(reason.message for reason in reasons)
    if status is PlanStatus.PROCEED:
        return f"Proceed with cycle {cycle} {_LEVEL_TEXT[dose_level]}."
    if status is PlanStatus.STOP:
        return f"Do not give cycle {cycle}. {why}"
    if status is PlanStatus.OUTSIDE_LABEL:
        return f"Not established: cycle {cycle} is outside the label. {why}"
    return f"Consider before giving cycle {cycle} {_LEVEL_TEXT[dose_level]}. {why}"


def plan_problems(*, cycle: int, dose_level: DoseLevel) -> list[FieldError]:
    """Combinations the label rules out; shared with the boundary so all problems are reported at once."""
    if cycle == 1 and dose_level is not DoseLevel.FULL:
        return [
            {
                "field": "dose_level",
                "message": "dose_level must be full for cycle 1: a reduction applies from the cycle after "
                "the interruption that caused it",
            }
        ]
    return []


def _doses(
    *, bsa_m2: Decimal, start_date: dt.date, row: RegimenRow, dose_level: DoseLevel
) -> tuple[PlannedDose, ...]:
    doses: list[PlannedDose] = []
    previous_day: int | None = None
    for level in regimen.row_levels(row, dose_level):
        scheduled = start_date + dt.timedelta(days=level.day - 1)
        earliest: dt.date | None = None
        latest: dt.date | None = None
        if previous_day is not None:
            spacing = start_date + dt.timedelta(days=previous_day - 1 + regimen.MIN_DAYS_BETWEEN_DOSES)
            earliest = max(scheduled - dt.timedelta(days=regimen.DOSE_WINDOW_DAYS), spacing)
            latest = scheduled + dt.timedelta(days=regimen.DOSE_WINDOW_DAYS)
        mg = dose_mg(level_mg_per_m2=level.mg_per_m2, bsa_m2=bsa_m2)
        doses.append(
            PlannedDose(
                day=level.day,
                date=scheduled,
                mg_per_m2=level.mg_per_m2,
                dose_mg=mg,
                volume_ml=withdraw_volume_ml(mg),
                vials=vials_for_dose(mg),
                window_earliest=earliest,
                window_latest=latest,
            )
        )
        previous_day = level.day
    return tuple(doses)


def plan_cycle(
    *,
    bsa_m2: Decimal,
    cycle: int,
    start_date: dt.date,
    best_response: Response = Response.NONE,
    mrd_negative: bool = False,
    hsct_planned: bool = False,
    dose_level: DoseLevel = DoseLevel.FULL,
    age_years: Decimal | None = None,
    peripheral_blasts: Decimal | None = None,
    extra_reasons: tuple[PlanReason, ...] = (),
) -> CyclePlan:
    """Plan one cycle; `best_response` is the best response reached before this cycle starts.

    `peripheral_blasts` (×10⁹/L) gates the first dose of cycle 1 (PI 2.2); `age_years` below 1 puts
    the plan outside the label (PI 8.4). `extra_reasons` come from a caller that knows more (the course
    planner's history checks) and count toward the status like the others.
    """
    limits.require(
        (
            ("bsa_m2", bsa_m2, limits.BSA_M2),
            ("cycle", cycle, limits.CYCLE),
            ("age_years", age_years, limits.AGE_YEARS),
            ("peripheral_blasts", peripheral_blasts, limits.BLASTS),
        ),
        dates=(("start_date", start_date),),
    )
    InvalidInput.raise_for(plan_problems(cycle=cycle, dose_level=dose_level))
    bsa = round_bsa(bsa_m2)
    reasons = _duration_reasons(
        cycle=cycle, best_response=best_response, mrd_negative=mrd_negative, hsct_planned=hsct_planned
    )
    reasons.extend(extra_reasons)
    citations = [PI_2_2_TABLE_1]
    notes: list[str] = []
    cytoreduction: CytoreductionCheck | None = None
    if peripheral_blasts is not None and cycle == 1:
        cytoreduction = checked_cytoreduction(peripheral_blasts)
        if not cytoreduction.passed:
            reasons.append(CYTOREDUCTION_NEEDED)
    elif peripheral_blasts is not None:
        notes.append("peripheral_blasts is checked only before the first dose of cycle 1.")
    elif cycle == 1:
        notes.append(
            "Peripheral blasts were not given: check them before the first dose (cytoreduction, PI 2.2)."
        )
    if age_years is not None and age_years < regimen.MIN_AGE_YEARS:
        reasons.append(AGE_UNDER_1)
    if age_years is not None and age_years < regimen.PEDIATRIC_BELOW_YEARS:
        notes.extend(PEDIATRIC_NOTES)
    status = worst(reasons)
    citations.extend(dict.fromkeys(r.citation for r in reasons if r.citation not in citations))
    if NO_RESPONSE in reasons:
        notes.append(note("futility_timing"))
    if hsct_planned and cycle > regimen.HSCT_RECOMMENDED_CYCLES:
        notes.append(note("hsct_third_cycle"))
    if cycle == 1 and best_response is not Response.NONE:
        notes.append("best_response is not used for cycle 1: every patient starts at 0.8/0.5/0.5 mg/m².")
    # A stopped cycle is this plan with no schedule; any other gains its row, doses and dates below.
    unscheduled = CyclePlan(
        cycle=cycle,
        bsa_m2=bsa,
        start_date=start_date,
        dose_level=dose_level,
        status=status,
        reasons=tuple(reasons),
        citations=tuple(citations),
        notes=tuple(notes),
        cytoreduction=cytoreduction,
    )
    if status is PlanStatus.STOP:
        return unscheduled
    row = regimen.regimen_row(cycle=cycle, best_response=best_response)
    extended: dt.date | None = None
    if cycle == 1:
        extended = start_date + dt.timedelta(days=regimen.CYCLE_1_EXTENDED_DAYS)
        notes.append(note("cycle_1_extension"))
    if dose_level is not DoseLevel.FULL:
        citations.extend((PI_2_3, PI_2_3_TABLE_4))
        notes.extend((note("table_4_unconfirmed"), note("reduced_dose_split")))
    if dose_level is DoseLevel.TWO_DOSES:
        notes.append(note("two_dose_days"))
    notes.extend((note("dose_spacing"), note("next_cycle_spacing"), note("rounding")))
    return replace(
        unscheduled,
        regimen_row=row,
        doses=_doses(bsa_m2=bsa, start_date=start_date, row=row, dose_level=dose_level),
        cycle_end_date=start_date + dt.timedelta(days=row.cycle_length_days - 1),
        next_cycle_earliest_start=start_date + dt.timedelta(days=row.cycle_length_days),
        next_cycle_start_if_extended=extended,
        citations=tuple(citations),
        notes=tuple(notes),
    )


@dataclass(frozen=True, slots=True)
class CycleChecks:
    """What to check before the cycle's doses and to watch during and after it, for one planned cycle."""

    pre_dose: tuple[Check, ...]
    monitoring: tuple[Check, ...]
    vod_risk_factors: tuple[RiskFactor, ...]
    citations: tuple[str, ...]  # the plan's own citations, then those of the checks, each once


def cycle_checks(plan: CyclePlan, *, vod_risk: frozenset[str], hsct_planned: bool) -> CycleChecks:
    """The checklist (PI 5.1, 5.3, 5.5, 8.3 …) and the VOD risk factors present (Boxed Warning, PI 5.1)
    for a cycle that is given; a cycle that stops has no doses, so nothing to check before them."""
    giving = plan.status is not PlanStatus.STOP
    factors = vod_risk_factors(present=vod_risk, cycle=plan.cycle) if giving else ()
    checks = checklist(cycle=plan.cycle, hsct_planned=hsct_planned) if giving else ()
    citations = (
        *plan.citations,
        *(factor.citation for factor in factors),
        *(item.citation for item in checks),
    )
    return CycleChecks(
        pre_dose=tuple(item for item in checks if item.when in BEFORE_DOSING),
        monitoring=tuple(item for item in checks if item.when not in BEFORE_DOSING),
        vod_risk_factors=factors,
        citations=tuple(dict.fromkeys(citations)),
    )
