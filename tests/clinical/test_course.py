"""Whole-course planner (issue #10 item 10): the history of earlier cycles → the next cycle.

Rules reproduced: PI 2.2 (6-cycle maximum, no CR/CRi within 3 cycles, HSCT: 2 cycles, a 3rd may be
considered), PI 2.2 Table 1 (cycle lengths 21/28 days, Day 8/15 windows, 6 days between doses), PI 2.3
(no re-escalation) and PI 2.3 Table 4 (UNCONFIRMED: ≥ 14-day interruption steps the level down)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from besponsa.clinical.course import COURSE_REASONS, PastCycle, earliest_next_start, plan_course
from besponsa.clinical.errors import InvalidInput
from besponsa.clinical.operations import EXAMPLES, execute
from besponsa.clinical.planner import PlanStatus
from besponsa.clinical.regimen import DoseLevel, Response

D = Decimal
F, R, T = DoseLevel.FULL, DoseLevel.REDUCED_25, DoseLevel.TWO_DOSES
NONE, CRI, CR = Response.NONE, Response.CRI, Response.CR
DAY = dt.date(2025, 1, 6)


def cycle(n: int, level: DoseLevel = F, response: Response = NONE, **extra: object) -> PastCycle:
    """Cycle n (1-based) started on its earliest day: cycle 1 on DAY, 21 days, then 28-day cycles."""
    start = DAY if n == 1 else DAY + dt.timedelta(days=21 + 28 * (n - 2))
    return PastCycle(day1_date=start, dose_level=level, response=response, **extra)  # type: ignore[arg-type]  # test helper


def course(*history: PastCycle, hsct: bool = False, start: dt.date | None = None, age: str = "40"):  # type: ignore[no-untyped-def]  # test helper
    return plan_course(
        bsa_m2=D("1.8"),
        history=history,
        start_date=start if history else (start or DAY),
        hsct_planned=hsct,
        age_years=D(age),
    )


# (history, HSCT planned) → (cycle planned, status, reason codes, dose level)
COURSES = [
    ((), False, 1, PlanStatus.PROCEED, (), F),
    ((cycle(1, response=CR),), False, 2, PlanStatus.PROCEED, (), F),
    # PI 2.2: no CR/CRi within 3 cycles stops the 4th
    ((cycle(1), cycle(2), cycle(3)), False, 4, PlanStatus.STOP, ("no_response_within_3_cycles",), F),
    ((cycle(1), cycle(2), cycle(3, response=CRI)), False, 4, PlanStatus.PROCEED, (), F),
    # PI 2.2: at most 6 cycles
    (
        tuple(cycle(n, response=CR) for n in range(1, 7)),
        False,
        7,
        PlanStatus.STOP,
        ("max_cycles_reached",),
        F,
    ),
    # PI 2.2: HSCT: 2 cycles; a 3rd may be considered unless CR/CRi with MRD negativity at one assessment
    (
        (cycle(1, response=CR, mrd_negative=True), cycle(2, response=CR)),
        True,
        3,
        PlanStatus.STOP,
        ("hsct_recommended_after_2_cycles",),
        F,
    ),
    (
        (cycle(1, response=NONE, mrd_negative=True), cycle(2, response=CR)),
        True,
        3,
        PlanStatus.CONSIDER,
        ("hsct_third_cycle_may_be_considered",),
        F,
    ),
    ((cycle(1, response=CR), cycle(2), cycle(3)), True, 4, PlanStatus.STOP, ("hsct_max_3_cycles",), F),
    # PI 2.3: never above the lowest level given; Table 4: >= 14 days steps the next cycle down
    ((cycle(1, interruption_days=14),), False, 2, PlanStatus.PROCEED, (), R),
    ((cycle(1, interruption_days=13),), False, 2, PlanStatus.PROCEED, (), F),
    ((cycle(1), cycle(2, R, CR, interruption_days=20)), False, 3, PlanStatus.PROCEED, (), T),
    (
        (cycle(1, response=CR), cycle(2, R), cycle(3, F)),
        False,
        4,
        PlanStatus.CONSIDER,
        ("reescalation_in_history",),
        R,
    ),
    (
        (cycle(1, interruption_days=15), cycle(2, F, CR)),
        False,
        3,
        PlanStatus.CONSIDER,
        ("reduction_not_applied",),
        R,
    ),
    (
        (cycle(1), cycle(2, T, CR, interruption_days=14)),
        False,
        3,
        PlanStatus.STOP,
        ("interruption_at_lowest_level",),
        T,
    ),
    (
        (cycle(1, response=CRI, interruption_days=29),),
        False,
        2,
        PlanStatus.CONSIDER,
        ("interruption_over_28_days",),
        R,
    ),
]


@pytest.mark.parametrize(("history", "hsct", "number", "status", "codes", "level"), COURSES)
def test_course_rules(
    history: tuple[PastCycle, ...],
    hsct: bool,
    number: int,
    status: PlanStatus,
    codes: tuple[str, ...],
    level: DoseLevel,
) -> None:
    result = course(*history, hsct=hsct)
    plan = result.plan
    assert (plan.cycle, plan.status, tuple(r.code for r in plan.reasons), plan.dose_level) == (
        number,
        status,
        codes,
        level,
    )
    assert result.cycles_completed == len(history)
    if status is PlanStatus.STOP:
        assert plan.doses == ()


def test_every_course_reason_is_reachable() -> None:
    reached = {code for *_, codes, _level in COURSES for code in codes}
    assert {reason.code for reason in COURSE_REASONS} <= reached


def test_dates_count_from_the_actual_day_1_and_the_last_dose() -> None:
    """PI 2.2 Table 1: cycle 1 is 21 days (28 if extended), later cycles 28; 6 days between doses."""
    late_start = PastCycle(day1_date=dt.date(2025, 1, 9), response=CR)
    assert earliest_next_start(0, late_start) == dt.date(2025, 1, 30)
    extended = PastCycle(day1_date=DAY, extended_to_28_days=True)
    assert earliest_next_start(0, extended) == dt.date(2025, 2, 3)
    later = PastCycle(day1_date=DAY)
    assert earliest_next_start(1, later) == dt.date(2025, 2, 3)
    last_dose_late = PastCycle(day1_date=DAY, last_dose_date=dt.date(2025, 1, 23))
    assert earliest_next_start(0, last_dose_late) == dt.date(2025, 1, 29)
    result = course(late_start)
    plan = result.plan
    assert plan.start_date == dt.date(2025, 1, 30) == result.earliest_start
    # The new cycle's Day 8 window counts from its own actual Day 1 (Day 7 to Day 10).
    assert (plan.doses[1].window_earliest, plan.doses[1].window_latest) == (
        dt.date(2025, 2, 5),
        dt.date(2025, 2, 8),
    )
    assert any("actual Day 1 of cycle 1" in note for note in result.notes)


IMPOSSIBLE = [
    ((PastCycle(DAY, dose_level=R),), None, "cycles[0].dose_level"),
    ((cycle(1), PastCycle(DAY + dt.timedelta(days=20))), None, "cycles[1].day1_date"),
    ((cycle(1), cycle(2, extended_to_28_days=True)), None, "cycles[1].extended_to_28_days"),
    ((PastCycle(DAY, last_dose_date=DAY + dt.timedelta(days=17)),), None, "cycles[0].last_dose_date"),
    ((PastCycle(DAY, last_dose_date=DAY - dt.timedelta(days=1)),), None, "cycles[0].last_dose_date"),
    ((cycle(1),), DAY + dt.timedelta(days=20), "start_date"),
]


@pytest.mark.parametrize(("history", "start", "field"), IMPOSSIBLE)
def test_histories_that_cannot_be_are_refused(
    history: tuple[PastCycle, ...], start: dt.date | None, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        plan_course(bsa_m2=D("1.8"), history=history, start_date=start)
    assert [e["field"] for e in caught.value.errors] == [field]


def test_first_cycle_needs_a_start_date() -> None:
    with pytest.raises(InvalidInput) as caught:
        plan_course(bsa_m2=D("1.8"), history=())
    assert caught.value.errors == [
        {"field": "start_date", "message": "start_date is required when no earlier cycle is given"}
    ]


def test_too_many_cycles_are_refused_by_the_core() -> None:
    with pytest.raises(InvalidInput) as caught:
        plan_course(bsa_m2=D("1.8"), history=tuple(cycle(n) for n in range(1, 8)))
    assert caught.value.errors[0]["field"] == "cycles"


def test_course_via_execute() -> None:
    result = execute("course", EXAMPLES["course"])
    assert (result["cycle"], result["status"], result["dose_level"], result["start_date"]) == (
        3,
        "proceed",
        "reduced_25",
        "2025-04-28",
    )
    assert (result["best_response"], result["mrd_negative_with_response"], result["cycles_completed"]) == (
        "cr",
        True,
        2,
    )
    first = execute(
        "course",
        {
            "height_cm": 170,
            "weight_kg": 70,
            "age_years": 30,
            "start_date": "2025-01-06",
            "peripheral_blasts": 20,
        },
    )
    assert (first["cycle"], first["status"], first["reasons"]) == (1, "consider", ["cytoreduction_needed"])
    assert first["earliest_start_date"] is None


COURSE_ERRORS = [
    ({"cycles": {}}, "cycles", "cycles must be a list of objects (got an object)"),
    (
        {"cycles": [{"day1_date": "2025-01-06"}] * 7},
        "cycles",
        "cycles may hold at most 6 items (got 7): the label allows at most 6 cycles",
    ),
    ({"cycles": [{"day1_date": "2025-01-06", "dose": "full"}]}, "cycles[0].dose", None),
    ({"cycles": [{"response": "cr"}]}, "cycles[0].day1_date", None),
    ({"cycles": ["x"]}, "cycles[0]", None),
    (
        {"cycles": [{"day1_date": "2025-01-06"}], "start_date": "2025-01-10"},
        "start_date",
        "start_date 2025-01-10 is too early: the earliest Day 1 of cycle 2 is 2025-01-27 (cycle length from "
        "the "
        "actual Day 1 of cycle 1 and at least 6 days after its last dose)",
    ),
    ({"height_cm": 40, "weight_kg": 300, "cycles": []}, "height_cm", None),
]


@pytest.mark.parametrize(("change", "field", "message"), COURSE_ERRORS)
def test_course_errors_name_the_field(change: dict[str, object], field: str, message: str | None) -> None:
    payload = {"height_cm": 170, "weight_kg": 70, "age_years": 30, **change}
    with pytest.raises(InvalidInput) as caught:
        execute("course", payload)
    assert caught.value.errors[0]["field"] == field
    if message is not None:
        assert caught.value.errors[0]["message"] == message


def test_a_later_start_date_is_kept_and_windows_follow_it() -> None:
    """A cycle held for recovery starts later than the earliest date: Day 8/15 count from that Day 1."""
    later = dt.date(2025, 2, 10)
    plan = course(cycle(1, response=CR), start=later).plan
    assert plan.start_date == later
    assert [d.date for d in plan.doses] == [later, dt.date(2025, 2, 17), dt.date(2025, 2, 24)]
