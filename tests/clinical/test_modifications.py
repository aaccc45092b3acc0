"""Dose-modification advisor: every row of PI 2.3 Tables 2, 3 and 4 (label_facts.md §5)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from besponsa.clinical.citations import Confirmation
from besponsa.clinical.errors import InvalidInput
from besponsa.clinical.modifications import (
    ACTION_ORDER,
    HEMATOLOGIC_TABLE,
    INTERRUPTION_TABLE,
    NONHEMATOLOGIC_TABLE,
    Action,
    Counts,
    CytopeniaCause,
    InfusionReaction,
    Labs,
    Timing,
    ToxicityReport,
    advise,
)
from besponsa.clinical.regimen import DoseLevel

D = Decimal
NORMAL = Counts(anc=D("2.0"), platelets=D("150"))
LOW = Counts(anc=D("0.5"), platelets=D("30"))
GOOD_LABS = Labs(
    anc=D("2"), platelets=D("150"), total_bilirubin_x_uln=D("1"), ast_x_uln=D("1"), alt_x_uln=D("1")
)


def report(**changes: object) -> ToxicityReport:
    base = ToxicityReport(timing=Timing.BEFORE_CYCLE, baseline=NORMAL, labs=GOOD_LABS)
    return replace(base, **changes)  # type: ignore[arg-type]  # test helper: fields vary per row


def labs(**changes: object) -> Labs:
    return replace(GOOD_LABS, **changes)  # type: ignore[arg-type]  # test helper


def codes(advice_report: ToxicityReport) -> tuple[Action, tuple[str, ...]]:
    advice = advise(advice_report)
    return advice.action, tuple(finding.code for finding in advice.findings)


# PI 2.3 Table 2, applied before the next cycle. Rows 1-2: pre-treatment ANC ≥1 and platelets ≥50;
# row 3: pre-treatment ANC <1 and/or platelets <50, with resumption conditions (a), (b), (c).
TABLE_2 = [
    ("anc low", report(labs=labs(anc=D("0.8"))), Action.HOLD, ("anc_below_1",)),
    ("anc at 1.0 is enough", report(labs=labs(anc=D("1.0"), platelets=D("50"))), Action.GIVE, ()),
    (
        "platelets low",
        report(labs=labs(anc=D("1.5"), platelets=D("49"))),
        Action.HOLD,
        ("platelets_below_50",),
    ),
    (
        "both low",
        report(labs=labs(anc=D("0.4"), platelets=D("20"))),
        Action.HOLD,
        ("anc_below_1", "platelets_below_50"),
    ),
    (
        "row 3 (a) back to previous cycle's start",
        report(
            baseline=LOW,
            previous_cycle_baseline=Counts(D("0.6"), D("35")),
            labs=labs(anc=D("0.6"), platelets=D("35")),
        ),
        Action.GIVE,
        ("low_baseline_recovered",),
    ),
    (
        "row 3 (a) fails on platelets",
        report(
            baseline=LOW,
            previous_cycle_baseline=Counts(D("0.6"), D("35")),
            labs=labs(anc=D("0.7"), platelets=D("30")),
        ),
        Action.HOLD,
        ("low_baseline_not_recovered",),
    ),
    (
        "row 3 (b) absolute recovery",
        report(baseline=LOW, labs=labs(anc=D("1"), platelets=D("50"))),
        Action.GIVE,
        ("low_baseline_recovered",),
    ),
    (
        "row 3 (c) stable marrow, leukemia-related",
        report(
            baseline=LOW,
            labs=labs(anc=D("0.2"), platelets=D("10")),
            marrow_stable_or_improved=True,
            cytopenia_cause=CytopeniaCause.DISEASE_RELATED,
        ),
        Action.GIVE,
        ("low_baseline_recovered",),
    ),
    (
        "row 3 (c) needs both parts",
        report(baseline=LOW, labs=labs(anc=D("0.2"), platelets=D("10")), marrow_stable_or_improved=True),
        Action.HOLD,
        ("low_baseline_not_recovered",),
    ),
    (
        "row 3 chosen by platelets alone",
        report(baseline=Counts(D("1.2"), D("40")), labs=labs(anc=D("1.2"), platelets=D("45"))),
        Action.HOLD,
        ("low_baseline_not_recovered",),
    ),
    (
        "within a cycle low counts never hold",
        report(timing=Timing.BEFORE_DOSE, labs=labs(anc=D("0.1"), platelets=D("5"))),
        Action.GIVE,
        ("low_counts_within_cycle",),
    ),
    (
        "over 28 days, suspected drug-related (rows 1-2, US label text read 2026-11-30)",
        report(cytopenia_days=29, cytopenia_cause=CytopeniaCause.SUSPECTED_DRUG_RELATED),
        Action.DISCONTINUE,
        ("cytopenia_over_28_days",),
    ),
    (
        "over 28 days, cause not stated: not drug-related by default, ask",
        report(cytopenia_days=29),
        Action.CONSIDER_DISCONTINUATION,
        ("cytopenia_over_28_days_cause_not_assessed",),
    ),
    ("28 days is not over 28", report(cytopenia_days=28), Action.GIVE, ()),
    (
        "over 28 days, leukemia-related",
        report(cytopenia_days=40, cytopenia_cause=CytopeniaCause.DISEASE_RELATED),
        Action.GIVE,
        ("cytopenia_over_28_days_disease_related",),
    ),
    (
        "overlap: baseline ANC < 1 with platelets >= 50; row 3 met by (a), row 2 holds",
        report(
            baseline=Counts(D("0.5"), D("100")),
            previous_cycle_baseline=Counts(D("0.5"), D("30")),
            labs=labs(anc=D("0.6"), platelets=D("40")),
        ),
        Action.HOLD,
        ("platelets_below_50", "low_baseline_recovered"),
    ),
    (
        "overlap: baseline platelets < 50 with ANC >= 1; row 1 holds though row 3 (a) is met",
        report(
            baseline=Counts(D("1.5"), D("30")),
            previous_cycle_baseline=Counts(D("0.5"), D("30")),
            labs=labs(anc=D("0.8"), platelets=D("35")),
        ),
        Action.HOLD,
        ("anc_below_1", "low_baseline_recovered"),
    ),
]


@pytest.mark.parametrize(("case", "subject", "action", "found"), TABLE_2, ids=[row[0] for row in TABLE_2])
def test_table_2(case: str, subject: ToxicityReport, action: Action, found: tuple[str, ...]) -> None:
    assert codes(subject) == (action, found), case


def test_row_3_without_previous_counts_says_what_was_not_checked() -> None:
    advice = advise(report(baseline=LOW, labs=labs(anc=D("0.5"), platelets=D("20"))))
    assert advice.not_evaluated == ("previous_cycle_baseline",)
    assert "Give previous_cycle_baseline" in advice.findings[0].message


def test_row_3_over_28_days_is_marked_unconfirmed() -> None:
    advice = advise(
        report(
            baseline=LOW,
            labs=labs(anc=D("1"), platelets=D("60")),
            cytopenia_days=30,
            cytopenia_cause=CytopeniaCause.SUSPECTED_DRUG_RELATED,
        )
    )
    finding = next(f for f in advice.findings if f.code == "cytopenia_over_28_days")
    assert finding.unconfirmed
    assert finding.rows == ("low_baseline",)
    assert any("low pre-treatment row" in note for note in advice.notes)


def test_rows_1_2_over_28_days_are_confirmed_and_cite_the_label_check() -> None:
    """label_facts §5.1: the US label text (PI 2.3 Table 2, 3/2024) read on 2026-11-30."""
    advice = advise(report(cytopenia_days=29, cytopenia_cause=CytopeniaCause.SUSPECTED_DRUG_RELATED))
    finding = advice.findings[0]
    assert not finding.unconfirmed
    assert finding.rows == ("anc_normal_baseline", "platelets_normal_baseline")
    assert [row.status for row in advice.rows_applied] == [Confirmation.CONFIRMED, Confirmation.CONFIRMED]
    assert all("2026-11-30" in row.checked and "§5.1" in row.checked for row in advice.rows_applied)
    assert advice.headline == "Discontinue BESPONSA permanently."


def test_cause_not_stated_asks_rather_than_assumes() -> None:
    advice = advise(report(cytopenia_days=35))
    assert advice.action is Action.CONSIDER_DISCONTINUATION
    assert [q.field for q in advice.questions] == ["cytopenia_cause"]
    assert "35 days" in advice.questions[0].text
    assert any("not therefore drug-related" in note for note in advice.notes)


def test_overlapping_rows_say_the_label_does_not_say_how_they_combine() -> None:
    advice = advise(
        report(
            baseline=Counts(D("0.5"), D("100")),
            labs=labs(anc=D("1.2"), platelets=D("40")),
        )
    )
    assert advice.action is Action.HOLD
    assert [row.key for row in advice.rows_applied] == ["platelets_normal_baseline", "low_baseline"]
    assert any("does not say how" in note and "more cautious" in note for note in advice.notes)


def test_condition_c_needs_the_cause_and_asks_for_it() -> None:
    advice = advise(
        report(baseline=LOW, labs=labs(anc=D("0.2"), platelets=D("10")), marrow_stable_or_improved=True)
    )
    assert advice.action is Action.HOLD
    assert [q.field for q in advice.questions] == ["previous_cycle_baseline", "cytopenia_cause"]


def test_within_cycle_missing_counts_are_reported_not_guessed() -> None:
    advice = advise(report(timing=Timing.BEFORE_DOSE, labs=labs(anc=None, platelets=None)))
    assert advice.action is Action.GIVE
    assert advice.not_evaluated == ("blood_counts",)


# PI 2.3 Table 3. The single-parameter liver rows are this tool's cautious reading (interpretation).
TABLE_3 = [
    ("vod", report(vod=True), Action.DISCONTINUE, ("vod",)),
    (
        "bilirubin and AST above limits",
        report(labs=labs(total_bilirubin_x_uln=D("1.6"), ast_x_uln=D("2.6"))),
        Action.HOLD,
        ("liver_tests_above_limits",),
    ),
    (
        "limits themselves are allowed",
        report(labs=labs(total_bilirubin_x_uln=D("1.5"), ast_x_uln=D("2.5"), alt_x_uln=D("2.5"))),
        Action.GIVE,
        (),
    ),
    (
        "bilirubin alone",
        report(labs=labs(total_bilirubin_x_uln=D("1.6"))),
        Action.HOLD,
        ("bilirubin_above_limit_alone",),
    ),
    ("ALT alone", report(labs=labs(alt_x_uln=D("2.6"))), Action.HOLD, ("transaminases_above_limit_alone",)),
    # Severe liver toxicity (PI 5.1; Table 3 "other severe liver toxicity"): CTCAE grade 4 is at least
    # "consider discontinuation" with a VOD prompt (interpretation severe_liver_toxicity).
    (
        "grade 4 AST (> 20x ULN)",
        report(labs=labs(ast_x_uln=D("20.1"))),
        Action.CONSIDER_DISCONTINUATION,
        ("severe_liver_toxicity", "transaminases_above_limit_alone"),
    ),
    (
        "AST exactly 20x ULN is grade 3",
        report(labs=labs(ast_x_uln=D("20"))),
        Action.HOLD,
        ("transaminases_above_limit_alone",),
    ),
    (
        "grade 4 bilirubin (> 10x ULN)",
        report(labs=labs(total_bilirubin_x_uln=D("11"), alt_x_uln=D("3"))),
        Action.CONSIDER_DISCONTINUATION,
        ("severe_liver_toxicity", "liver_tests_above_limits"),
    ),
    (
        "grade 4 bilirubin from Gilbert's is not severe liver toxicity",
        report(labs=labs(total_bilirubin_x_uln=D("11")), bilirubin_from_gilbert_or_hemolysis=True),
        Action.GIVE,
        ("bilirubin_gilbert_or_hemolysis",),
    ),
    (
        "grade 4 ALT with VOD confirmed: discontinue",
        report(labs=labs(alt_x_uln=D("25")), vod=True),
        Action.DISCONTINUE,
        ("vod", "transaminases_above_limit_alone"),
    ),
    (
        "Gilbert's: bilirubin exempt",
        report(labs=labs(total_bilirubin_x_uln=D("2.0")), bilirubin_from_gilbert_or_hemolysis=True),
        Action.GIVE,
        ("bilirubin_gilbert_or_hemolysis",),
    ),
    (
        "Gilbert's does not exempt AST",
        report(
            labs=labs(total_bilirubin_x_uln=D("2.0"), ast_x_uln=D("3")),
            bilirubin_from_gilbert_or_hemolysis=True,
        ),
        Action.HOLD,
        ("bilirubin_gilbert_or_hemolysis", "transaminases_above_limit_alone"),
    ),
    (
        "mild infusion reaction",
        report(infusion_reaction=InfusionReaction.MILD),
        Action.HOLD,
        ("infusion_reaction",),
    ),
    (
        "moderate infusion reaction",
        report(infusion_reaction=InfusionReaction.MODERATE),
        Action.HOLD,
        ("infusion_reaction",),
    ),
    (
        "severe infusion reaction",
        report(infusion_reaction=InfusionReaction.SEVERE),
        Action.DISCONTINUE,
        ("infusion_reaction_severe",),
    ),
    (
        "life-threatening infusion reaction",
        report(infusion_reaction=InfusionReaction.LIFE_THREATENING),
        Action.DISCONTINUE,
        ("infusion_reaction_severe",),
    ),
    (
        "other grade 2 from 0",
        report(other_nonhematologic_grade=2),
        Action.HOLD,
        ("other_toxicity_grade_2_or_more",),
    ),
    ("other grade 1", report(other_nonhematologic_grade=1), Action.GIVE, ()),
    (
        "other grade 2 at its pre-treatment grade",
        report(other_nonhematologic_grade=2, other_nonhematologic_baseline_grade=2),
        Action.GIVE,
        (),
    ),
    (
        "other grade 3 above pre-treatment 2",
        report(other_nonhematologic_grade=3, other_nonhematologic_baseline_grade=2),
        Action.HOLD,
        ("other_toxicity_grade_2_or_more",),
    ),
]


@pytest.mark.parametrize(("case", "subject", "action", "found"), TABLE_3, ids=[row[0] for row in TABLE_3])
def test_table_3(case: str, subject: ToxicityReport, action: Action, found: tuple[str, ...]) -> None:
    assert codes(subject) == (action, found), case


def test_table_3_applies_within_a_cycle_too() -> None:
    subject = report(timing=Timing.BEFORE_DOSE, labs=labs(total_bilirubin_x_uln=D("1.6"), ast_x_uln=D("2.6")))
    assert codes(subject) == (Action.HOLD, ("liver_tests_above_limits",))


def test_single_parameter_liver_hold_is_flagged_as_interpretation() -> None:
    advice = advise(report(labs=labs(ast_x_uln=D("3"))))
    assert advice.findings[0].interpretation
    assert any("joins total bilirubin" in note and "label does not specify" in note for note in advice.notes)
    both = advise(report(labs=labs(total_bilirubin_x_uln=D("2"), ast_x_uln=D("3"))))
    assert not both.findings[0].interpretation


def test_severe_liver_toxicity_prompts_a_vod_assessment() -> None:
    advice = advise(report(labs=labs(alt_x_uln=D("21"))))
    finding = advice.findings[0]
    assert finding.interpretation and "PI 5.1" in finding.message
    assert [q.field for q in advice.questions] == ["vod"]
    assert "veno-occlusive" in advice.questions[0].text
    assert any("does not specify" in n and "grade 4" in n for n in advice.notes)
    assert advice.headline.startswith("Do not give now: consider permanent discontinuation.")


def test_missing_liver_tests_are_reported() -> None:
    advice = advise(report(labs=Labs(anc=D("2"), platelets=D("150"))))
    assert advice.not_evaluated == ("liver_tests",)
    assert advice.action is Action.GIVE


def test_other_grade_message_names_the_recovery_target() -> None:
    advice = advise(report(other_nonhematologic_grade=4, other_nonhematologic_baseline_grade=3))
    assert "back to Grade 3 or lower" in advice.findings[0].message


# PI 2.3 Table 4 — UNCONFIRMED (label_facts.md §5.3). Days interrupted, current dose level →
# action NOW, findings, and the level FROM THE NEXT CYCLE. Every band reached is listed; the most severe
# action wins, and a level change is never an action (issue #10 item 2).
F, R, T = DoseLevel.FULL, DoseLevel.REDUCED_25, DoseLevel.TWO_DOSES
O7, O14, O28 = "interruption_7_days_or_more", "interruption_14_days_or_more", "interruption_over_28_days"
TABLE_4_WITHIN_CYCLE = [
    (0, F, Action.GIVE, (), F),
    (1, F, Action.HOLD, ("interruption_under_7_days",), F),
    (6, F, Action.HOLD, ("interruption_under_7_days",), F),
    (7, F, Action.OMIT_NEXT_DOSE, (O7,), F),
    (13, R, Action.OMIT_NEXT_DOSE, (O7,), R),
    (14, F, Action.OMIT_NEXT_DOSE, (O7, O14), R),
    (14, R, Action.OMIT_NEXT_DOSE, (O7, O14), T),
    (14, T, Action.DISCONTINUE, (O7, O14), None),
    (28, F, Action.OMIT_NEXT_DOSE, (O7, O14), R),
    (29, F, Action.CONSIDER_DISCONTINUATION, (O7, O14, O28), R),
    (29, T, Action.DISCONTINUE, (O7, O14, O28), None),
]
# Before Day 1 of a cycle the within-cycle bands (hold / omit the next dose) do not apply.
TABLE_4_BEFORE_CYCLE = [
    (6, F, Action.GIVE, (), F),
    (13, R, Action.GIVE, (), R),
    (14, F, Action.GIVE, (O14,), R),
    (14, R, Action.GIVE, (O14,), T),
    (14, T, Action.DISCONTINUE, (O14,), None),
    (29, F, Action.CONSIDER_DISCONTINUATION, (O14, O28), R),
]


@pytest.mark.parametrize(("days", "level", "action", "found", "next_level"), TABLE_4_WITHIN_CYCLE)
def test_table_4_within_a_cycle(
    days: int, level: DoseLevel, action: Action, found: tuple[str, ...], next_level: DoseLevel | None
) -> None:
    advice = advise(report(timing=Timing.BEFORE_DOSE, interruption_days=days, dose_level=level))
    assert (advice.action, tuple(f.code for f in advice.findings)) == (action, found)
    assert advice.next_dose_level is next_level
    assert all(f.unconfirmed and f.citation == "PI 2.3 Table 4" for f in advice.findings)
    if found:
        assert any(note.startswith("Unconfirmed (PI 2.3 Table 4") for note in advice.notes)


@pytest.mark.parametrize(("days", "level", "action", "found", "next_level"), TABLE_4_BEFORE_CYCLE)
def test_table_4_before_a_cycle(
    days: int, level: DoseLevel, action: Action, found: tuple[str, ...], next_level: DoseLevel | None
) -> None:
    advice = advise(report(interruption_days=days, dose_level=level))
    assert (advice.action, tuple(f.code for f in advice.findings)) == (action, found)
    assert advice.next_dose_level is next_level
    assert any("act on doses inside a cycle" in note for note in advice.notes)


def test_a_reduction_never_hides_a_hold() -> None:
    """Bilirubin 3x ULN and ALT 3x ULN after a 14-day interruption: hold now, 25% less from the next
    cycle (issue #10 item 2; PI 2.3 Tables 3 and 4)."""
    advice = advise(report(labs=labs(total_bilirubin_x_uln=D("3"), alt_x_uln=D("3")), interruption_days=14))
    assert advice.action is Action.HOLD
    assert advice.next_dose_level is DoseLevel.REDUCED_25
    assert advice.headline.startswith(
        "Hold this cycle until recovered; then give it at the dose reduced by 25%"
    )
    assert [row.key for row in advice.rows_applied] == ["liver_tests", "14_days_or_more"]
    within = advise(
        report(
            timing=Timing.BEFORE_DOSE,
            labs=labs(total_bilirubin_x_uln=D("3"), alt_x_uln=D("3")),
            interruption_days=14,
        )
    )
    assert within.action is Action.OMIT_NEXT_DOSE
    assert within.next_dose_level is DoseLevel.REDUCED_25
    assert within.headline == (
        "Omit the next dose in this cycle and hold further doses until recovered; from the next cycle on, "
        "give the dose reduced by 25% (a reduced dose is never raised again)."
    )


HEADLINES = [
    (report(), "Give this cycle at the full dose."),
    (report(timing=Timing.BEFORE_DOSE), "Give the dose; continue at the full dose."),
    (
        report(dose_level=R, other_nonhematologic_grade=2),
        "Hold this cycle until recovered; then give it at the dose reduced by 25%.",
    ),
    (
        report(timing=Timing.BEFORE_DOSE, other_nonhematologic_grade=3),
        "Hold the dose until recovered; continue at the full dose.",
    ),
    (
        report(timing=Timing.BEFORE_DOSE, interruption_days=8),
        "Omit the next dose in this cycle; continue at the full dose.",
    ),
    (
        report(timing=Timing.BEFORE_DOSE, interruption_days=14),
        "Omit the next dose in this cycle; from the next cycle on, give the dose reduced by 25% (a reduced "
        "dose is never raised again).",
    ),
    (
        report(interruption_days=30),
        "Do not give now: consider permanent discontinuation. If treatment goes on, give it at the dose "
        "reduced by 25% (a reduced dose is never raised again).",
    ),
    (report(vod=True), "Discontinue BESPONSA permanently."),
    (
        report(labs=Labs(anc=D("2"), platelets=D("150"))),
        "Give this cycle at the full dose. Not everything was checked: liver tests.",
    ),
]


@pytest.mark.parametrize(("subject", "text"), HEADLINES)
def test_headline_reads_now_then_the_level(subject: ToxicityReport, text: str) -> None:
    assert advise(subject).headline == text


def test_most_severe_action_wins_and_all_findings_are_listed() -> None:
    advice = advise(
        report(
            vod=True,
            labs=labs(anc=D("0.5"), total_bilirubin_x_uln=D("3"), ast_x_uln=D("4")),
            interruption_days=15,
        )
    )
    assert advice.action is Action.DISCONTINUE
    assert advice.next_dose_level is None
    assert [f.code for f in advice.findings] == [
        "anc_below_1",
        "vod",
        "liver_tests_above_limits",
        "interruption_14_days_or_more",
    ]
    assert advice.citations == ("PI 2.3", "PI 2.3 Table 2", "PI 2.3 Table 3", "PI 2.3 Table 4")


def test_no_finding_says_so() -> None:
    advice = advise(report())
    assert advice.action is Action.GIVE
    assert advice.findings == ()
    assert advice.next_dose_level is DoseLevel.FULL
    assert advice.notes == ("No rule in PI 2.3 Tables 2–4 calls for a change with the values given.",)


def test_problems_are_all_reported() -> None:
    bad = report(
        baseline=Counts(D("-1"), D("50")),
        previous_cycle_baseline=Counts(D("1"), D("-2")),
        labs=Labs(ast_x_uln=D("-0.5")),
        other_nonhematologic_grade=5,
        interruption_days=-1,
    )
    with pytest.raises(InvalidInput) as caught:
        advise(bad)
    assert [e["field"] for e in caught.value.errors] == [
        "baseline.anc",
        "labs.ast_x_uln",
        "other_nonhematologic_grade",
        "interruption_days",
        "previous_cycle_baseline.platelets",
        "labs.anc",
        "labs.platelets",
    ]
    assert caught.value.errors[-1]["message"].startswith("labs.platelets is required before a new cycle")


def test_action_order_is_least_to_most_severe() -> None:
    assert [a.value for a in ACTION_ORDER] == [
        "give",
        "hold",
        "omit_next_dose",
        "consider_discontinuation",
        "discontinue",
    ]


def test_tables_are_published_with_citations() -> None:
    assert [row.key for row in HEMATOLOGIC_TABLE] == [
        "anc_normal_baseline",
        "platelets_normal_baseline",
        "low_baseline",
    ]
    assert {row.citation for row in HEMATOLOGIC_TABLE} == {"PI 2.3 Table 2"}
    assert [row.key for row in NONHEMATOLOGIC_TABLE] == [
        "vod",
        "liver_tests",
        "infusion_reaction",
        "other_grade_2",
    ]
    assert {row.citation for row in NONHEMATOLOGIC_TABLE} == {"PI 2.3 Table 3"}
    assert all(row.unconfirmed and row.status is Confirmation.UNCONFIRMED for row in INTERRUPTION_TABLE)
    assert not any(row.unconfirmed for row in (*HEMATOLOGIC_TABLE, *NONHEMATOLOGIC_TABLE))
    assert [(row.min_days, row.max_days) for row in INTERRUPTION_TABLE] == [
        (1, 6),
        (7, None),
        (14, None),
        (29, None),
    ]
