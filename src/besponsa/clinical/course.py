"""Whole-course planner: the history of earlier cycles → the plan of the next one (issue #10 item 10).

A one-cycle plan trusts what it is told (cycle number, best response, dose level). Across cycles the
label's rules can be enforced from what actually happened:
- the cycle number is the count of earlier cycles plus one, so the 6-cycle maximum, the 3-cycle response
  rule and the HSCT cycle limits apply to the real count (PI 2.2);
- the best response and MRD negativity are read from the history, not retyped;
- the dose level is never above the lowest level given so far (no re-escalation, PI 2.3), and an
  interruption of 14 days or more in the last cycle steps it down (Table 4, UNCONFIRMED);
- the next Day 1 is counted from the actual Day 1 of the last cycle (21 or 28 days) and at least 6 days
  after its last dose, and the new cycle's Day 8/15 windows follow from that actual Day 1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from besponsa.clinical import limits, regimen
from besponsa.clinical.citations import PI_2_3, PI_2_3_TABLE_4
from besponsa.clinical.errors import FieldError, InvalidInput
from besponsa.clinical.interpretations import note
from besponsa.clinical.modifications import (
    INTERRUPTION_CONSIDER_STOP_AFTER_DAYS,
    INTERRUPTION_REDUCE_DAYS,
    next_lower_level,
)
from besponsa.clinical.planner import CyclePlan, PlanReason, PlanStatus, plan_cycle
from besponsa.clinical.regimen import DOSE_LEVEL_ORDER, DoseLevel, Response, is_reescalation

__all__ = [
    "COURSE_REASONS",
    "CoursePlan",
    "PastCycle",
    "course_problems",
    "earliest_next_start",
    "plan_course",
]

# Day 15 plus its 2-day window: the last dose of a cycle cannot be later than this cycle day.
_LAST_DOSE_DAY: Final = 15 + regimen.DOSE_WINDOW_DAYS
_RESPONSE_ORDER: Final = (Response.NONE, Response.CRI, Response.CR)

REESCALATED: Final = PlanReason(
    "reescalation_in_history",
    PlanStatus.CONSIDER,
    "The history shows a dose level raised after a reduction; a reduced dose is never re-escalated: this "
    "cycle is planned at the lowest level given so far.",
    PI_2_3,
)
REDUCTION_NOT_APPLIED: Final = PlanReason(
    "reduction_not_applied",
    PlanStatus.CONSIDER,
    "The history shows a cycle given at a level that a 14-day interruption in the cycle before should "
    "have lowered (Table 4, unconfirmed): check what was given.",
    PI_2_3_TABLE_4,
)
INTERRUPTION_AT_LOWEST_LEVEL: Final = PlanReason(
    "interruption_at_lowest_level",
    PlanStatus.STOP,
    "An interruption of 14 days or more at 2 doses per cycle: the 25% cut and then 2 doses per cycle were "
    "not tolerated; the label (Table 4, unconfirmed) says discontinue.",
    PI_2_3_TABLE_4,
)
LONG_INTERRUPTION: Final = PlanReason(
    "interruption_over_28_days",
    PlanStatus.CONSIDER,
    "An interruption of more than 28 days in the last cycle: consider permanent discontinuation "
    "(Table 4, unconfirmed).",
    PI_2_3_TABLE_4,
)
COURSE_REASONS: Final[tuple[PlanReason, ...]] = (
    REESCALATED,
    REDUCTION_NOT_APPLIED,
    INTERRUPTION_AT_LOWEST_LEVEL,
    LONG_INTERRUPTION,
)


@dataclass(frozen=True, slots=True)
class PastCycle:
    """One cycle already started, as it actually went."""

    day1_date: dt.date
    dose_level: DoseLevel = DoseLevel.FULL
    response: Response = Response.NONE  # best response assessed during or at the end of this cycle
    mrd_negative: bool = False  # MRD negativity at that assessment
    extended_to_28_days: bool = False  # cycle 1 only (PI 2.2 Table 1)
    last_dose_date: dt.date | None = None  # the actual date of the cycle's last dose
    interruption_days: int = 0  # longest interruption of dosing for toxicity in this cycle


@dataclass(frozen=True, slots=True)
class CoursePlan:
    plan: CyclePlan
    cycles_completed: int
    best_response: Response
    mrd_negative_with_response: bool
    earliest_start: dt.date | None
    notes: tuple[str, ...]


def _length(index: int, cycle: PastCycle) -> int:
    if index == 0:
        row = regimen.REGIMEN_TABLE[0]
        return regimen.CYCLE_1_EXTENDED_DAYS if cycle.extended_to_28_days else row.cycle_length_days
    return regimen.REGIMEN_TABLE[1].cycle_length_days


def earliest_next_start(index: int, cycle: PastCycle) -> dt.date:
    """The earliest Day 1 after `cycle` (0-based `index`): its length from its actual Day 1, and at least
    6 days after its actual last dose."""
    earliest = cycle.day1_date + dt.timedelta(days=_length(index, cycle))
    if cycle.last_dose_date is not None:
        spaced = cycle.last_dose_date + dt.timedelta(days=regimen.MIN_DAYS_BETWEEN_DOSES)
        earliest = max(earliest, spaced)
    return earliest


def course_problems(history: tuple[PastCycle, ...], start_date: dt.date | None) -> list[FieldError]:
    """Histories that cannot have happened, and a next Day 1 that the label does not allow."""
    problems: list[FieldError] = []
    for index, cycle in enumerate(history):
        where = f"cycles[{index}]"
        if index == 0 and cycle.dose_level is not DoseLevel.FULL:
            problems.append(
                {
                    "field": f"{where}.dose_level",
                    "message": f"{where}.dose_level must be full: cycle 1 is always given at the full dose "
                    "(a reduction applies from the cycle after the interruption that caused it)",
                }
            )
        if index > 0 and cycle.extended_to_28_days:
            problems.append(
                {
                    "field": f"{where}.extended_to_28_days",
                    "message": f"{where}.extended_to_28_days applies to cycle 1 only: later cycles are "
                    "28 days",
                }
            )
        if index > 0:
            earliest = earliest_next_start(index - 1, history[index - 1])
            if cycle.day1_date < earliest:
                problems.append(
                    {
                        "field": f"{where}.day1_date",
                        "message": f"{where}.day1_date {cycle.day1_date.isoformat()} is before cycle {index} "
                        f"ended (its earliest next Day 1 is {earliest.isoformat()})",
                    }
                )
        last = cycle.last_dose_date
        latest = cycle.day1_date + dt.timedelta(days=_LAST_DOSE_DAY - 1)
        if last is not None and not cycle.day1_date <= last <= latest:
            problems.append(
                {
                    "field": f"{where}.last_dose_date",
                    "message": f"{where}.last_dose_date must be between that cycle's Day 1 and Day "
                    f"{_LAST_DOSE_DAY} ({cycle.day1_date.isoformat()} to {latest.isoformat()}; "
                    f"got {last.isoformat()})",
                }
            )
    if history and start_date is not None:
        earliest = earliest_next_start(len(history) - 1, history[-1])
        if start_date < earliest:
            problems.append(
                {
                    "field": "start_date",
                    "message": f"start_date {start_date.isoformat()} is too early: the earliest Day 1 of "
                    f"cycle {len(history) + 1} is {earliest.isoformat()} (cycle length from the actual Day 1 "
                    f"of cycle {len(history)} and at least {regimen.MIN_DAYS_BETWEEN_DOSES} days after its "
                    "last dose)",
                }
            )
    if not history and start_date is None:
        problems.append(
            {"field": "start_date", "message": "start_date is required when no earlier cycle is given"}
        )
    return problems


def _level_and_reasons(history: tuple[PastCycle, ...]) -> tuple[DoseLevel, list[PlanReason], list[str]]:
    """The level of the next cycle: never above the lowest given, stepped down after a long interruption."""
    reasons: list[PlanReason] = []
    notes: list[str] = []
    lowest = DoseLevel.FULL  # the lowest level given so far
    required = DoseLevel.FULL  # the highest level the next cycle may have
    for cycle in history:
        if is_reescalation(current=lowest, proposed=cycle.dose_level):
            reasons.append(REESCALATED)
        elif is_reescalation(current=required, proposed=cycle.dose_level):  # above what the history allows
            reasons.append(REDUCTION_NOT_APPLIED)
        lowest = max(lowest, cycle.dose_level, key=DOSE_LEVEL_ORDER.index)
        required = max(required, lowest, key=DOSE_LEVEL_ORDER.index)
        lower = next_lower_level(cycle.dose_level)
        if cycle.interruption_days >= INTERRUPTION_REDUCE_DAYS and lower is not None:
            required = max(required, lower, key=DOSE_LEVEL_ORDER.index)
    last = history[-1]
    if last.interruption_days >= INTERRUPTION_REDUCE_DAYS:
        notes.extend((note("table_4_unconfirmed"), note("interruption_ladder")))
        if next_lower_level(last.dose_level) is None:
            reasons.append(INTERRUPTION_AT_LOWEST_LEVEL)
    if last.interruption_days > INTERRUPTION_CONSIDER_STOP_AFTER_DAYS:
        reasons.append(LONG_INTERRUPTION)
    return required, list(dict.fromkeys(reasons)), notes


def plan_course(
    *,
    bsa_m2: Decimal,
    history: tuple[PastCycle, ...],
    start_date: dt.date | None = None,
    hsct_planned: bool = False,
    age_years: Decimal | None = None,
    peripheral_blasts: Decimal | None = None,
) -> CoursePlan:
    """Plan the cycle after `history` (earlier cycles in order; empty for the first cycle)."""
    limits.require(
        [("cycles", len(history), limits.Limit(Decimal(0), Decimal(regimen.MAX_CYCLES), "cycles"))]
        + [
            (f"cycles[{i}].interruption_days", c.interruption_days, limits.DAYS)
            for i, c in enumerate(history)
        ],
        dates=[(f"cycles[{i}].day1_date", c.day1_date) for i, c in enumerate(history)],
    )
    InvalidInput.raise_for(course_problems(history, start_date))
    notes: list[str] = []
    reasons: list[PlanReason] = []
    level = DoseLevel.FULL
    earliest: dt.date | None = None
    if history:
        level, reasons, notes = _level_and_reasons(history)
        earliest = earliest_next_start(len(history) - 1, history[-1])
    best = max((c.response for c in history), key=_RESPONSE_ORDER.index, default=Response.NONE)
    goal = any(c.response is not Response.NONE and c.mrd_negative for c in history)
    day1 = start_date or earliest
    assert day1 is not None  # course_problems requires start_date when there is no history
    plan = plan_cycle(
        bsa_m2=bsa_m2,
        cycle=len(history) + 1,
        start_date=day1,
        best_response=best,
        mrd_negative=goal,
        hsct_planned=hsct_planned,
        dose_level=level,
        age_years=age_years,
        peripheral_blasts=peripheral_blasts,
        extra_reasons=tuple(reasons),
    )
    if history:
        notes.append(
            f"Cycle {len(history) + 1} Day 1 counts from the actual Day 1 of cycle {len(history)} "
            f"({history[-1].day1_date.isoformat()}); its Day 8 and Day 15 windows count from its own Day 1."
        )
    return CoursePlan(
        plan=plan,
        cycles_completed=len(history),
        best_response=best,
        mrd_negative_with_response=goal,
        earliest_start=earliest,
        notes=tuple(notes),
    )
