"""Cycle planner: PI 2.2 duration rules, Table 1 doses and the Day 8/15 windows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from besponsa.clinical.errors import InvalidInput
from besponsa.clinical.planner import PEDIATRIC_NOTES, PLAN_REASONS, PlanStatus, cycle_status, plan_cycle
from besponsa.clinical.regimen import DoseLevel, Response

D = Decimal
NONE, CRI, CR = Response.NONE, Response.CRI, Response.CR
PROCEED, CONSIDER, STOP = PlanStatus.PROCEED, PlanStatus.CONSIDER, PlanStatus.STOP
OUTSIDE = PlanStatus.OUTSIDE_LABEL

# PI 2.2 duration rules (label_facts.md §3): (cycle, best response before it, MRD negative, HSCT planned)
# → (status, reason codes). MRD negativity without CR/CRi does not meet the HSCT goal (interpretation).
DURATION = [
    (1, NONE, False, False, PROCEED, ()),
    (3, NONE, False, False, PROCEED, ()),
    (4, NONE, False, False, STOP, ("no_response_within_3_cycles",)),
    (4, CRI, False, False, PROCEED, ()),
    (6, CR, False, False, PROCEED, ()),
    (7, CR, False, False, STOP, ("max_cycles_reached",)),
    (7, NONE, False, False, STOP, ("max_cycles_reached", "no_response_within_3_cycles")),
    (2, NONE, False, True, PROCEED, ()),
    (3, CR, True, True, STOP, ("hsct_recommended_after_2_cycles",)),
    (3, CRI, True, True, STOP, ("hsct_recommended_after_2_cycles",)),
    (3, CR, False, True, CONSIDER, ("hsct_third_cycle_may_be_considered",)),
    (3, NONE, True, True, CONSIDER, ("hsct_third_cycle_may_be_considered",)),
    (3, NONE, False, True, CONSIDER, ("hsct_third_cycle_may_be_considered",)),
    (4, CR, True, True, STOP, ("hsct_max_3_cycles",)),
    (4, CR, False, True, STOP, ("hsct_max_3_cycles",)),
    (4, NONE, False, True, STOP, ("no_response_within_3_cycles", "hsct_max_3_cycles")),
    (7, CR, True, True, STOP, ("max_cycles_reached", "hsct_max_3_cycles")),
]


@pytest.mark.parametrize(("cycle", "response", "mrd", "hsct", "status", "codes"), DURATION)
def test_duration_rules(
    cycle: int, response: Response, mrd: bool, hsct: bool, status: PlanStatus, codes: tuple[str, ...]
) -> None:
    got_status, reasons = cycle_status(
        cycle=cycle, best_response=response, mrd_negative=mrd, hsct_planned=hsct
    )
    assert got_status is status
    assert tuple(reason.code for reason in reasons) == codes
    assert all(reason.citation == "PI 2.2" for reason in reasons)


# Gates on the plan itself: cytoreduction before the first dose (PI 2.2) and age (PI 1, PI 8.4).
# (cycle, age in years, peripheral blasts ×10⁹/L) → (status, reason codes).
GATES = [
    (1, "34", None, PROCEED, ()),
    (1, "34", "10", PROCEED, ()),  # at most 10 ×10⁹/L (10,000/mm³) passes
    (1, "34", "10.01", CONSIDER, ("cytoreduction_needed",)),  # never proceed
    (2, "34", "50", PROCEED, ()),  # checked before the first dose of cycle 1 only
    (1, "1", None, PROCEED, ()),
    (1, "0.99", None, OUTSIDE, ("age_under_1_year",)),
    (1, "0.5", "25", OUTSIDE, ("cytoreduction_needed", "age_under_1_year")),
    (4, "0.5", None, STOP, ("no_response_within_3_cycles", "age_under_1_year")),
]


@pytest.mark.parametrize(("cycle", "age", "blasts", "status", "codes"), GATES)
def test_cytoreduction_and_age_gate_the_plan(
    cycle: int, age: str, blasts: str | None, status: PlanStatus, codes: tuple[str, ...]
) -> None:
    plan = plan_cycle(
        bsa_m2=D("1.8"),
        cycle=cycle,
        start_date=START,
        age_years=D(age),
        peripheral_blasts=None if blasts is None else D(blasts),
    )
    assert plan.status is status
    assert tuple(reason.code for reason in plan.reasons) == codes
    assert all(reason.citation in plan.citations for reason in plan.reasons)
    if status is not PROCEED:
        assert all(reason.message in plan.headline for reason in plan.reasons)


def test_outside_label_keeps_the_doses_and_says_why() -> None:
    plan = plan_cycle(bsa_m2=D("0.4"), cycle=1, start_date=START, age_years=D("0.5"))
    assert plan.status is OUTSIDE and len(plan.doses) == 3
    assert plan.headline.startswith("Not established: cycle 1 is outside the label.")
    assert "PI 8.4" in plan.citations


def test_children_get_the_pediatric_notes() -> None:
    child = plan_cycle(bsa_m2=D("0.8"), cycle=1, start_date=START, age_years=D("6"))
    adult = plan_cycle(bsa_m2=D("1.8"), cycle=1, start_date=START, age_years=D("18"))
    assert all(text in child.notes for text in PEDIATRIC_NOTES)
    assert not any(text in adult.notes for text in PEDIATRIC_NOTES)
    assert [d.mg_per_m2 for d in child.doses] == [d.mg_per_m2 for d in adult.doses]


def test_cycle_1_without_blasts_asks_for_them() -> None:
    plan = plan_cycle(bsa_m2=D("1.8"), cycle=1, start_date=START)
    assert any("Peripheral blasts were not given" in note for note in plan.notes)
    assert plan.cytoreduction is None


def test_every_reason_code_is_reachable() -> None:
    reached = {code for *_, codes in DURATION for code in codes} | {
        code for *_, codes in GATES for code in codes
    }
    assert reached == {reason.code for reason in PLAN_REASONS}


def test_headlines() -> None:
    assert (
        plan_cycle(bsa_m2=D("1.8"), cycle=1, start_date=START).headline
        == "Proceed with cycle 1 at the full dose."
    )
    stopped = plan_cycle(bsa_m2=D("1.8"), cycle=7, start_date=START, best_response=CR)
    assert stopped.headline.startswith("Do not give cycle 7. More than 6 cycles")
    considered = plan_cycle(
        bsa_m2=D("1.8"),
        cycle=3,
        start_date=START,
        best_response=CR,
        hsct_planned=True,
        dose_level=DoseLevel.TWO_DOSES,
    )
    assert considered.headline.startswith("Consider before giving cycle 3 at 2 doses per cycle.")


START = dt.date(2025, 1, 6)


def test_cycle_1_plan_dates_windows_and_doses() -> None:
    plan = plan_cycle(bsa_m2=D("1.82"), cycle=1, start_date=START)
    assert plan.status is PROCEED
    assert plan.cycle_length_days == 21
    assert plan.cycle_end_date == dt.date(2025, 1, 26)
    assert plan.next_cycle_earliest_start == dt.date(2025, 1, 27)
    assert plan.next_cycle_start_if_extended == dt.date(2025, 2, 3)
    rows = [
        (d.day, d.date, d.window_earliest, d.window_latest, d.mg_per_m2, d.dose_mg, d.volume_ml, d.vials)
        for d in plan.doses
    ]
    # Day 8 window: ±2 days, but never closer than 6 days to Day 1 → Day 7..Day 10.
    assert rows == [
        (1, dt.date(2025, 1, 6), None, None, D("0.8"), D("1.46"), D("5.84"), 2),
        (
            8,
            dt.date(2025, 1, 13),
            dt.date(2025, 1, 12),
            dt.date(2025, 1, 15),
            D("0.5"),
            D("0.91"),
            D("3.64"),
            2,
        ),
        (
            15,
            dt.date(2025, 1, 20),
            dt.date(2025, 1, 19),
            dt.date(2025, 1, 22),
            D("0.5"),
            D("0.91"),
            D("3.64"),
            2,
        ),
    ]
    assert plan.total_mg_per_m2 == D("1.8")
    assert plan.total_dose_mg == D("3.28")
    assert plan.total_vials == 6
    assert plan.citations == ("PI 2.2 Table 1",)
    assert any("28 days" in note for note in plan.notes)


def test_later_cycle_after_cr_is_1_5_over_28_days() -> None:
    plan = plan_cycle(bsa_m2=D("1.6"), cycle=2, start_date=START, best_response=CR)
    assert [d.mg_per_m2 for d in plan.doses] == [D("0.5")] * 3
    assert [d.dose_mg for d in plan.doses] == [D("0.80")] * 3
    assert plan.cycle_length_days == 28
    assert plan.next_cycle_earliest_start == dt.date(2025, 2, 3)
    assert plan.next_cycle_start_if_extended is None


def test_stop_has_no_doses() -> None:
    plan = plan_cycle(bsa_m2=D("1.8"), cycle=4, start_date=START)
    assert plan.status is STOP
    assert plan.doses == ()
    assert plan.total_mg_per_m2 == 0
    assert plan.total_vials == 0
    assert plan.cycle_length_days is None
    assert plan.cycle_end_date is None and plan.next_cycle_earliest_start is None
    assert "PI 2.2" in plan.citations
    assert any("4th or later cycle" in note for note in plan.notes)


def test_consider_keeps_the_doses() -> None:
    plan = plan_cycle(bsa_m2=D("1.8"), cycle=3, start_date=START, best_response=CR, hsct_planned=True)
    assert plan.status is CONSIDER
    assert len(plan.doses) == 3
    assert any("MRD negativity" in note for note in plan.notes)


def test_two_doses_uses_days_1_and_8() -> None:
    plan = plan_cycle(
        bsa_m2=D("2"), cycle=3, start_date=START, best_response=CRI, dose_level=DoseLevel.TWO_DOSES
    )
    assert [(d.day, d.mg_per_m2, d.dose_mg) for d in plan.doses] == [
        (1, D("0.375"), D("0.75")),
        (8, D("0.375"), D("0.75")),
    ]
    assert plan.citations == ("PI 2.2 Table 1", "PI 2.3", "PI 2.3 Table 4")
    assert any("Days 1 and 8" in note for note in plan.notes)
    assert any(note.startswith("Unconfirmed") for note in plan.notes)


def test_reduced_level_on_cycle_1_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        plan_cycle(bsa_m2=D("1.8"), cycle=1, start_date=START, dose_level=DoseLevel.REDUCED_25)
    assert [error["field"] for error in caught.value.errors] == ["dose_level"]


def test_best_response_is_ignored_in_cycle_1_with_a_note() -> None:
    plan = plan_cycle(bsa_m2=D("1.8"), cycle=1, start_date=START, best_response=CR)
    assert [d.mg_per_m2 for d in plan.doses] == [D("0.8"), D("0.5"), D("0.5")]
    assert any("not used for cycle 1" in note for note in plan.notes)


def test_invalid_values_are_all_reported() -> None:
    with pytest.raises(InvalidInput) as caught:
        plan_cycle(
            bsa_m2=D("0"),
            cycle=0,
            start_date=dt.date(1999, 12, 31),
            age_years=D(-1),
            peripheral_blasts=D(5000),
        )
    assert [error["field"] for error in caught.value.errors] == [
        "bsa_m2",
        "cycle",
        "age_years",
        "peripheral_blasts",
        "start_date",
    ]
    assert caught.value.errors[3]["message"].endswith(
        "did you mean 5 ×10⁹/L? counts are entered ×10⁹/L, not per µL (or per mm³)"
    )


def test_unrounded_bsa_is_rounded_first() -> None:
    plan = plan_cycle(bsa_m2=D("1.815"), cycle=1, start_date=START)
    assert plan.bsa_m2 == D("1.82")
    assert plan.doses[0].dose_mg == D("1.46")
