"""Dose-modification advisor: PI 2.3 Table 2 (hematologic), Table 3 (non-hematologic), Table 4
(length of dose interruption, UNCONFIRMED).

Every rule that applies becomes a `Finding`; the advice is the most severe finding's action, and all
findings are returned so the clinician sees why. The three tables are also exposed as data for the
Dosing page, and the thresholds the rules compare against are read from those same records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Final

from besponsa.clinical import limits
from besponsa.clinical.citations import (
    BOXED_WARNING,
    PI_2_3,
    PI_2_3_TABLE_2,
    PI_2_3_TABLE_3,
    PI_2_3_TABLE_4,
    PI_5_1,
    Confirmation,
)
from besponsa.clinical.errors import FieldError, InvalidInput
from besponsa.clinical.interpretations import note
from besponsa.clinical.regimen import DOSE_LEVEL_ORDER, DoseLevel

__all__ = [
    "ACTION_ORDER",
    "ANC_LIMIT",
    "BILIRUBIN_LIMIT_X_ULN",
    "CYTOPENIA_MAX_DAYS",
    "HEMATOLOGIC_TABLE",
    "INTERRUPTION_TABLE",
    "NONHEMATOLOGIC_TABLE",
    "PLATELET_LIMIT",
    "TRANSAMINASE_LIMIT_X_ULN",
    "Action",
    "Advice",
    "Counts",
    "Finding",
    "InfusionReaction",
    "Labs",
    "TableRow",
    "Timing",
    "ToxicityReport",
    "advise",
    "report_problems",
    "required_lab_problems",
]


class Action(StrEnum):
    GIVE = "give"
    HOLD = "hold"
    OMIT_NEXT_DOSE = "omit_next_dose"
    REDUCE_25 = "reduce_25"
    REDUCE_TO_TWO_DOSES = "reduce_to_two_doses"
    CONSIDER_DISCONTINUATION = "consider_discontinuation"
    DISCONTINUE = "discontinue"


# Least to most severe; when several findings apply, the last one in this order wins.
ACTION_ORDER: Final = tuple(Action)


class Timing(StrEnum):
    BEFORE_DOSE = "before_dose"  # a Day 8 or Day 15 dose inside a cycle
    BEFORE_CYCLE = "before_cycle"  # Day 1 of the next cycle


class InfusionReaction(StrEnum):
    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"
    LIFE_THREATENING = "life_threatening"


@dataclass(frozen=True, slots=True)
class TableRow:
    """One row of a label table, in our own words, for the Dosing page and for citations."""

    key: str
    condition: str
    action: str
    citation: str
    status: Confirmation
    min_days: int | None = None  # Table 4 only: shortest interruption in the band
    max_days: int | None = None  # Table 4 only: longest interruption in the band (None: no upper end)

    @property
    def unconfirmed(self) -> bool:
        return self.status is Confirmation.UNCONFIRMED


ANC_LIMIT: Final = Decimal("1")  # ×10⁹/L
PLATELET_LIMIT: Final = Decimal("50")  # ×10⁹/L, not supported by transfusion
CYTOPENIA_MAX_DAYS: Final = 28
BILIRUBIN_LIMIT_X_ULN: Final = Decimal("1.5")
TRANSAMINASE_LIMIT_X_ULN: Final = Decimal("2.5")
INTERRUPTION_OMIT_DAYS: Final = 7
INTERRUPTION_REDUCE_DAYS: Final = 14
INTERRUPTION_CONSIDER_STOP_AFTER_DAYS: Final = 28

HEMATOLOGIC_TABLE: Final[tuple[TableRow, ...]] = (
    TableRow(
        "anc_normal_baseline",
        "Pre-treatment ANC of at least 1 ×10⁹/L, and the ANC falls",
        "Hold the next cycle until the ANC is back to at least 1 ×10⁹/L. Discontinue when the low ANC "
        "lasts more than 28 days and is thought to be caused by the drug.",
        PI_2_3_TABLE_2,
        Confirmation.CONFIRMED,
    ),
    TableRow(
        "platelets_normal_baseline",
        "Pre-treatment platelets of at least 50 ×10⁹/L, and the platelets fall",
        "Hold the next cycle until platelets are back to at least 50 ×10⁹/L (a count not supported by "
        "transfusion). Discontinue when the low count lasts more than 28 days and is thought to be "
        "caused by the drug.",
        PI_2_3_TABLE_2,
        Confirmation.CONFIRMED,
    ),
    TableRow(
        "low_baseline",
        "Pre-treatment ANC below 1 ×10⁹/L and/or platelets below 50 ×10⁹/L",
        "Hold the next cycle until at least one of: (a) ANC and platelets back to at least the previous "
        "cycle's starting values; (b) ANC at least 1 ×10⁹/L and platelets at least 50 ×10⁹/L; (c) stable "
        "or improved disease on the latest bone marrow, with the low counts judged due to the leukemia "
        "rather than the drug.",
        PI_2_3_TABLE_2,
        Confirmation.SECONDARY,
    ),
)

NONHEMATOLOGIC_TABLE: Final[tuple[TableRow, ...]] = (
    TableRow(
        "vod",
        "Hepatic veno-occlusive disease or other severe liver toxicity",
        "Discontinue permanently.",
        PI_2_3_TABLE_3,
        Confirmation.SECONDARY,
    ),
    TableRow(
        "liver_tests",
        "Total bilirubin above 1.5× ULN and AST/ALT above 2.5× ULN",
        "Hold each dose until total bilirubin is back to 1.5× ULN or less and AST/ALT to 2.5× ULN or "
        "less, unless the bilirubin rise comes from Gilbert's syndrome or hemolysis. Discontinue "
        "permanently if they do not return to those limits.",
        PI_2_3_TABLE_3,
        Confirmation.SECONDARY,
    ),
    TableRow(
        "infusion_reaction",
        "Infusion-related reaction",
        "Interrupt the infusion and give medical management; by severity, consider stopping the infusion "
        "or giving steroids and antihistamines. Discontinue permanently after a severe or "
        "life-threatening reaction.",
        PI_2_3_TABLE_3,
        Confirmation.SECONDARY,
    ),
    TableRow(
        "other_grade_2",
        "Any other non-hematologic toxicity of Grade 2 or higher",
        "Hold each dose until recovery to Grade 1 or to the pre-treatment grade.",
        PI_2_3_TABLE_3,
        Confirmation.SECONDARY,
    ),
)

INTERRUPTION_TABLE: Final[tuple[TableRow, ...]] = (
    TableRow(
        "under_7_days",
        "Dosing interrupted for toxicity for less than 7 days (within a cycle)",
        "Hold the next dose, keeping at least 6 days between doses.",
        PI_2_3_TABLE_4,
        Confirmation.UNCONFIRMED,
        min_days=1,
        max_days=INTERRUPTION_OMIT_DAYS - 1,
    ),
    TableRow(
        "7_days_or_more",
        "Interrupted for 7 days or more",
        "Omit the next dose within the cycle.",
        PI_2_3_TABLE_4,
        Confirmation.UNCONFIRMED,
        min_days=INTERRUPTION_OMIT_DAYS,
    ),
    TableRow(
        "14_days_or_more",
        "Interrupted for 14 days or more",
        "Once recovered, cut the total dose per cycle by 25% for the next cycle; if a further change is "
        "needed, give 2 doses per cycle in later cycles; if the 25% cut and then 2 doses per cycle are "
        "not tolerated, discontinue permanently.",
        PI_2_3_TABLE_4,
        Confirmation.UNCONFIRMED,
        min_days=INTERRUPTION_REDUCE_DAYS,
    ),
    TableRow(
        "over_28_days",
        "Interrupted for more than 28 days",
        "Consider permanent discontinuation.",
        PI_2_3_TABLE_4,
        Confirmation.UNCONFIRMED,
        min_days=INTERRUPTION_CONSIDER_STOP_AFTER_DAYS + 1,
    ),
)


@dataclass(frozen=True, slots=True)
class Counts:
    anc: Decimal  # ×10⁹/L
    platelets: Decimal  # ×10⁹/L


@dataclass(frozen=True, slots=True)
class Labs:
    anc: Decimal | None = None
    platelets: Decimal | None = None
    total_bilirubin_x_uln: Decimal | None = None
    ast_x_uln: Decimal | None = None
    alt_x_uln: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ToxicityReport:
    timing: Timing
    baseline: Counts  # counts before the first BESPONSA dose: they choose the Table 2 row
    labs: Labs
    previous_cycle_baseline: Counts | None = None
    vod: bool = False
    infusion_reaction: InfusionReaction = InfusionReaction.NONE
    other_nonhematologic_grade: int = 0
    other_nonhematologic_baseline_grade: int = 0
    bilirubin_from_gilbert_or_hemolysis: bool = False
    disease_related_cytopenia: bool = False
    marrow_stable_or_improved: bool = False
    cytopenia_days: int = 0
    interruption_days: int = 0
    dose_level: DoseLevel = DoseLevel.FULL


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    action: Action
    citation: str
    message: str
    unconfirmed: bool = False
    interpretation: bool = False


@dataclass(frozen=True, slots=True)
class Advice:
    action: Action
    findings: tuple[Finding, ...]
    next_dose_level: DoseLevel | None  # None after discontinuation
    not_evaluated: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def citations(self) -> tuple[str, ...]:
        seen = dict.fromkeys([PI_2_3, *(finding.citation for finding in self.findings)])
        return tuple(seen)


@dataclass
class _Work:
    findings: list[Finding] = field(default_factory=list)
    not_evaluated: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add_note(self, text: str) -> None:
        self.notes.append(text)


def report_problems(report: ToxicityReport) -> list[FieldError]:
    """Missing or out-of-range values; shared with the boundary so all problems are reported together."""
    problems: list[FieldError] = []
    checks: list[tuple[str, Decimal | int | None, limits.Limit]] = [
        ("baseline.anc", report.baseline.anc, limits.COUNT),
        ("baseline.platelets", report.baseline.platelets, limits.COUNT),
        ("labs.anc", report.labs.anc, limits.COUNT),
        ("labs.platelets", report.labs.platelets, limits.COUNT),
        ("labs.total_bilirubin_x_uln", report.labs.total_bilirubin_x_uln, limits.X_ULN),
        ("labs.ast_x_uln", report.labs.ast_x_uln, limits.X_ULN),
        ("labs.alt_x_uln", report.labs.alt_x_uln, limits.X_ULN),
        ("other_nonhematologic_grade", report.other_nonhematologic_grade, limits.GRADE),
        ("other_nonhematologic_baseline_grade", report.other_nonhematologic_baseline_grade, limits.GRADE),
        ("cytopenia_days", report.cytopenia_days, limits.DAYS),
        ("interruption_days", report.interruption_days, limits.DAYS),
    ]
    previous = report.previous_cycle_baseline
    if previous is not None:
        checks.append(("previous_cycle_baseline.anc", previous.anc, limits.COUNT))
        checks.append(("previous_cycle_baseline.platelets", previous.platelets, limits.COUNT))
    for name, value, limit in checks:
        message = None if value is None else limit.problem(name, value)
        if message is not None:
            problems.append({"field": name, "message": message})
    problems += required_lab_problems(
        timing=report.timing,
        anc_given=report.labs.anc is not None,
        platelets_given=report.labs.platelets is not None,
    )
    return problems


def required_lab_problems(*, timing: Timing, anc_given: bool, platelets_given: bool) -> list[FieldError]:
    """Before a new cycle Table 2 needs both current counts; within a cycle they cannot change the dose."""
    if timing is Timing.BEFORE_DOSE:
        return []
    return [
        {
            "field": name,
            "message": f"{name} is required before a new cycle: Table 2 compares the current count with the "
            "pre-treatment count (×10⁹/L)",
        }
        for name, given in (("labs.anc", anc_given), ("labs.platelets", platelets_given))
        if not given
    ]


def _hematologic(report: ToxicityReport, work: _Work) -> None:
    labs, baseline = report.labs, report.baseline
    if report.timing is Timing.BEFORE_DOSE:
        low = (labs.anc is not None and labs.anc < ANC_LIMIT) or (
            labs.platelets is not None and labs.platelets < PLATELET_LIMIT
        )
        if labs.anc is None or labs.platelets is None:
            work.not_evaluated.append("blood_counts")
            work.add_note("A complete blood count is expected before each dose (PI 5.3).")
        if low:
            work.findings.append(
                Finding(
                    "low_counts_within_cycle",
                    Action.GIVE,
                    PI_2_3,
                    "Low neutrophil or platelet counts do not by themselves call for holding a Day 8 or "
                    "Day 15 dose; Table 2 is applied before the next cycle.",
                )
            )
        return
    # before_cycle: report_problems guarantees both counts are present.
    anc, platelets = labs.anc or Decimal(0), labs.platelets or Decimal(0)
    if baseline.anc >= ANC_LIMIT and baseline.platelets >= PLATELET_LIMIT:
        if anc < ANC_LIMIT:
            work.findings.append(
                Finding(
                    "anc_below_1",
                    Action.HOLD,
                    PI_2_3_TABLE_2,
                    f"ANC {limits.format_number(anc)} ×10⁹/L is below 1 ×10⁹/L with a pre-treatment ANC "
                    "of at least 1: hold the next cycle until the ANC is at least 1 ×10⁹/L.",
                )
            )
        if platelets < PLATELET_LIMIT:
            work.findings.append(
                Finding(
                    "platelets_below_50",
                    Action.HOLD,
                    PI_2_3_TABLE_2,
                    f"Platelets {limits.format_number(platelets)} ×10⁹/L are below 50 ×10⁹/L with a "
                    "pre-treatment count of at least 50: hold the next cycle until platelets are at least "
                    "50 ×10⁹/L (without transfusion support).",
                )
            )
        return
    _low_baseline(report, anc, platelets, work)


def _low_baseline(report: ToxicityReport, anc: Decimal, platelets: Decimal, work: _Work) -> None:
    previous = report.previous_cycle_baseline
    met: list[str] = []
    if previous is None:
        work.not_evaluated.append("previous_cycle_baseline")
    elif anc >= previous.anc and platelets >= previous.platelets:
        met.append("(a) counts back to the previous cycle's starting values")
    if anc >= ANC_LIMIT and platelets >= PLATELET_LIMIT:
        met.append("(b) ANC at least 1 and platelets at least 50 ×10⁹/L")
    if report.marrow_stable_or_improved and report.disease_related_cytopenia:
        met.append("(c) stable or improved marrow with low counts due to the leukemia")
    if met:
        work.findings.append(
            Finding(
                "low_baseline_recovered",
                Action.GIVE,
                PI_2_3_TABLE_2,
                "Low pre-treatment counts: a resumption condition is met: " + "; ".join(met) + ".",
            )
        )
        return
    missing = " Give previous_cycle_baseline to check condition (a)." if previous is None else ""
    work.findings.append(
        Finding(
            "low_baseline_not_recovered",
            Action.HOLD,
            PI_2_3_TABLE_2,
            "Low pre-treatment counts: hold the next cycle until the counts reach the previous cycle's "
            "starting values, or ANC at least 1 and platelets at least 50 ×10⁹/L, or the marrow is stable "
            "or improved with low counts due to the leukemia." + missing,
        )
    )


def _prolonged_cytopenia(report: ToxicityReport, work: _Work) -> None:
    if report.cytopenia_days <= CYTOPENIA_MAX_DAYS:
        return
    if report.disease_related_cytopenia:
        work.findings.append(
            Finding(
                "cytopenia_over_28_days_disease_related",
                Action.GIVE,
                PI_2_3_TABLE_2,
                f"Low counts for {report.cytopenia_days} days, judged due to the leukemia: the 28-day "
                "discontinuation rule covers drug-related low counts only.",
            )
        )
        return
    low_baseline = report.baseline.anc < ANC_LIMIT or report.baseline.platelets < PLATELET_LIMIT
    if low_baseline:
        work.add_note(note("low_baseline_28_days"))
    work.findings.append(
        Finding(
            "cytopenia_over_28_days",
            Action.DISCONTINUE,
            PI_2_3_TABLE_2,
            f"Low counts for {report.cytopenia_days} days (more than 28), suspected to be drug-related: "
            "discontinue.",
            unconfirmed=low_baseline,
        )
    )


def _liver(report: ToxicityReport, work: _Work) -> None:
    labs = report.labs
    bilirubin, ast, alt = labs.total_bilirubin_x_uln, labs.ast_x_uln, labs.alt_x_uln
    if bilirubin is None and ast is None and alt is None:
        work.not_evaluated.append("liver_tests")
        work.add_note("Liver tests were not given; check them before each dose (PI 5.1).")
        return
    bilirubin_high = bilirubin is not None and bilirubin > BILIRUBIN_LIMIT_X_ULN
    transaminases_high = any(value is not None and value > TRANSAMINASE_LIMIT_X_ULN for value in (ast, alt))
    if bilirubin_high and report.bilirubin_from_gilbert_or_hemolysis:
        bilirubin_high = False
        work.add_note(note("gilbert_scope"))
        work.findings.append(
            Finding(
                "bilirubin_gilbert_or_hemolysis",
                Action.GIVE,
                PI_2_3_TABLE_3,
                "Bilirubin above 1.5× ULN from Gilbert's syndrome or hemolysis: the label exempts it from "
                "the liver-test hold.",
            )
        )
    if bilirubin_high and transaminases_high:
        code, message = (
            "liver_tests_above_limits",
            "Total bilirubin above 1.5× ULN and AST/ALT above 2.5× ULN: hold until both are back under "
            "their limits.",
        )
    elif bilirubin_high:
        code, message = (
            "bilirubin_above_limit_alone",
            "Total bilirubin above 1.5× ULN with AST/ALT not above 2.5× ULN: held by this tool's cautious "
            "reading of the label (see notes).",
        )
    elif transaminases_high:
        code, message = (
            "transaminases_above_limit_alone",
            "AST/ALT above 2.5× ULN with total bilirubin not above 1.5× ULN: held by this tool's cautious "
            "reading of the label (see notes).",
        )
    else:
        return
    single = code != "liver_tests_above_limits"
    if single:
        work.add_note(note("liver_single_parameter"))
    work.add_note(note("liver_no_deadline"))
    work.findings.append(Finding(code, Action.HOLD, PI_2_3_TABLE_3, message, interpretation=single))


def _nonhematologic(report: ToxicityReport, work: _Work) -> None:
    if report.vod:
        work.findings.append(
            Finding(
                "vod",
                Action.DISCONTINUE,
                PI_2_3_TABLE_3,
                "Veno-occlusive disease or other severe liver toxicity: discontinue permanently "
                f"({BOXED_WARNING}; {PI_5_1}).",
            )
        )
    _liver(report, work)
    reaction = report.infusion_reaction
    if reaction in (InfusionReaction.SEVERE, InfusionReaction.LIFE_THREATENING):
        work.findings.append(
            Finding(
                "infusion_reaction_severe",
                Action.DISCONTINUE,
                PI_2_3_TABLE_3,
                "Severe or life-threatening infusion-related reaction: discontinue permanently.",
            )
        )
    elif reaction is not InfusionReaction.NONE:
        work.add_note(note("infusion_reaction_hold"))
        work.findings.append(
            Finding(
                "infusion_reaction",
                Action.HOLD,
                PI_2_3_TABLE_3,
                f"{reaction.value.capitalize()} infusion-related reaction: interrupt the infusion and give "
                "medical management (steroids, antihistamines as needed) before going on.",
                interpretation=True,
            )
        )
    grade, baseline_grade = report.other_nonhematologic_grade, report.other_nonhematologic_baseline_grade
    if grade >= 2 and grade > baseline_grade:
        work.add_note(note("nonhematologic_grade_scale"))
        work.findings.append(
            Finding(
                "other_toxicity_grade_2_or_more",
                Action.HOLD,
                PI_2_3_TABLE_3,
                f"Other non-hematologic toxicity at Grade {grade} (pre-treatment Grade {baseline_grade}): "
                f"hold until it is back to Grade {max(1, baseline_grade)} or lower.",
            )
        )


_LADDER: Final = {
    DoseLevel.FULL: (Action.REDUCE_25, "cut the total dose per cycle by 25% for the next cycle"),
    DoseLevel.REDUCED_25: (Action.REDUCE_TO_TWO_DOSES, "go to 2 doses per cycle for later cycles"),
    DoseLevel.TWO_DOSES: (
        Action.DISCONTINUE,
        "the 25% cut and then 2 doses per cycle were not tolerated: discontinue permanently",
    ),
}


def _interruption(report: ToxicityReport, work: _Work) -> None:
    days = report.interruption_days
    if days == 0:
        return
    found: list[Finding] = []
    if days < INTERRUPTION_OMIT_DAYS:
        found.append(
            Finding(
                "interruption_under_7_days",
                Action.HOLD,
                PI_2_3_TABLE_4,
                f"Interrupted {days} days: hold the next dose and keep at least 6 days between doses.",
                unconfirmed=True,
            )
        )
    else:
        found.append(
            Finding(
                "interruption_7_days_or_more",
                Action.OMIT_NEXT_DOSE,
                PI_2_3_TABLE_4,
                f"Interrupted {days} days (7 or more): omit the next dose within the cycle.",
                unconfirmed=True,
            )
        )
    if days >= INTERRUPTION_REDUCE_DAYS:
        action, words = _LADDER[report.dose_level]
        found.append(
            Finding(
                "interruption_14_days_or_more",
                action,
                PI_2_3_TABLE_4,
                f"Interrupted {days} days (14 or more) at dose level {report.dose_level.value}: once "
                f"recovered, {words}.",
                unconfirmed=True,
            )
        )
        work.add_note(note("interruption_ladder"))
    if days > INTERRUPTION_CONSIDER_STOP_AFTER_DAYS:
        found.append(
            Finding(
                "interruption_over_28_days",
                Action.CONSIDER_DISCONTINUATION,
                PI_2_3_TABLE_4,
                f"Interrupted {days} days (more than 28): consider permanent discontinuation.",
                unconfirmed=True,
            )
        )
    work.add_note(note("table_4_unconfirmed"))
    work.findings.extend(found)


_LEVEL_AFTER: Final = {
    Action.REDUCE_25: DoseLevel.REDUCED_25,
    Action.REDUCE_TO_TWO_DOSES: DoseLevel.TWO_DOSES,
}


def advise(report: ToxicityReport) -> Advice:
    """Apply Tables 2–4 to one report. Raises `InvalidInput` listing every problem with the report."""
    problems = report_problems(report)
    if problems:
        raise InvalidInput(problems)
    work = _Work()
    _hematologic(report, work)
    _prolonged_cytopenia(report, work)
    _nonhematologic(report, work)
    _interruption(report, work)
    action = max((f.action for f in work.findings), key=ACTION_ORDER.index, default=Action.GIVE)
    next_level: DoseLevel | None = None
    if action is not Action.DISCONTINUE:
        # The lowest level any finding asks for, and never above the current one (no re-escalation).
        candidates = [
            report.dose_level,
            *(_LEVEL_AFTER.get(f.action, report.dose_level) for f in work.findings),
        ]
        next_level = max(candidates, key=DOSE_LEVEL_ORDER.index)
    if not work.findings:
        work.add_note("No rule in PI 2.3 Tables 2–4 calls for a change with the values given.")
    return Advice(
        action=action,
        findings=tuple(work.findings),
        next_dose_level=next_level,
        not_evaluated=tuple(work.not_evaluated),
        notes=tuple(dict.fromkeys(work.notes)),  # two rules may cite the same caution; show it once
    )
