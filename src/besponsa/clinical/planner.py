"""Cycle planner: status by the duration rules (PI 2.2), then the Day 1/8/15 doses with dates.

A plan is decision support: it shows which label rule applies and the arithmetic, and the clinician
decides. A stopped plan never carries a dose.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from besponsa.clinical import limits, regimen
from besponsa.clinical.citations import PI_2_2, PI_2_2_TABLE_1, PI_2_3, PI_2_3_TABLE_4
from besponsa.clinical.errors import FieldError, InvalidInput
from besponsa.clinical.interpretations import note
from besponsa.clinical.regimen import DoseLevel, RegimenRow, Response
from besponsa.clinical.rounding import dose_mg, round_bsa, vials_for_dose, withdraw_volume_ml

__all__ = [
    "PLAN_REASONS",
    "CyclePlan",
    "PlanReason",
    "PlanStatus",
    "PlannedDose",
    "cycle_status",
    "plan_cycle",
    "plan_problems",
]


class PlanStatus(StrEnum):
    PROCEED = "proceed"
    CONSIDER = "consider"  # the label allows the cycle only as something that "may be considered"
    STOP = "stop"


_STATUS_ORDER: Final = (PlanStatus.PROCEED, PlanStatus.CONSIDER, PlanStatus.STOP)


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
PLAN_REASONS: Final[tuple[PlanReason, ...]] = (
    MAX_CYCLES_REACHED,
    NO_RESPONSE,
    HSCT_RECOMMENDED,
    HSCT_MAX,
    HSCT_THIRD_CYCLE,
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
    regimen_row: RegimenRow | None
    doses: tuple[PlannedDose, ...]
    cycle_end_date: dt.date | None
    next_cycle_earliest_start: dt.date | None
    next_cycle_start_if_extended: dt.date | None
    citations: tuple[str, ...]
    notes: tuple[str, ...]

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
    status = max((reason.status for reason in reasons), key=_STATUS_ORDER.index, default=PlanStatus.PROCEED)
    return status, tuple(reasons)


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
    *, bsa_m2: Decimal, start_date: dt.date, cycle: int, best_response: Response, dose_level: DoseLevel
) -> tuple[PlannedDose, ...]:
    doses: list[PlannedDose] = []
    previous_day: int | None = None
    for level in regimen.day_levels(cycle=cycle, best_response=best_response, dose_level=dose_level):
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
) -> CyclePlan:
    """Plan one cycle; `best_response` is the best response reached before this cycle starts."""
    limits.require(
        (("bsa_m2", bsa_m2, limits.BSA_M2), ("cycle", cycle, limits.CYCLE)),
        dates=(("start_date", start_date),),
    )
    problems = plan_problems(cycle=cycle, dose_level=dose_level)
    if problems:
        raise InvalidInput(problems)
    bsa = round_bsa(bsa_m2)
    status, reasons = cycle_status(
        cycle=cycle, best_response=best_response, mrd_negative=mrd_negative, hsct_planned=hsct_planned
    )
    citations = [PI_2_2_TABLE_1]
    notes: list[str] = []
    if reasons:
        citations.append(PI_2_2)
    if NO_RESPONSE in reasons:
        notes.append(note("futility_timing"))
    if hsct_planned and cycle > regimen.HSCT_RECOMMENDED_CYCLES:
        notes.append(note("hsct_third_cycle"))
    if cycle == 1 and best_response is not Response.NONE:
        notes.append("best_response is not used for cycle 1: every patient starts at 0.8/0.5/0.5 mg/m².")
    if status is PlanStatus.STOP:
        return CyclePlan(
            cycle=cycle,
            bsa_m2=bsa,
            start_date=start_date,
            dose_level=dose_level,
            status=status,
            reasons=reasons,
            regimen_row=None,
            doses=(),
            cycle_end_date=None,
            next_cycle_earliest_start=None,
            next_cycle_start_if_extended=None,
            citations=tuple(citations),
            notes=tuple(notes),
        )
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
    return CyclePlan(
        cycle=cycle,
        bsa_m2=bsa,
        start_date=start_date,
        dose_level=dose_level,
        status=status,
        reasons=reasons,
        regimen_row=row,
        doses=_doses(
            bsa_m2=bsa, start_date=start_date, cycle=cycle, best_response=best_response, dose_level=dose_level
        ),
        cycle_end_date=start_date + dt.timedelta(days=row.cycle_length_days - 1),
        next_cycle_earliest_start=start_date + dt.timedelta(days=row.cycle_length_days),
        next_cycle_start_if_extended=extended,
        citations=tuple(citations),
        notes=tuple(notes),
    )
