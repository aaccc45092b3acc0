"""Dose-modification advisor: PI 2.3 Table 2 (hematologic), Table 3 (non-hematologic), Table 4
(length of dose interruption, UNCONFIRMED).

The advice answers two separate questions (issue #10 item 2):
- `action`: what to do NOW (give, hold, omit the next dose, consider discontinuation, discontinue);
- `next_dose_level`: the dose level FROM THE NEXT CYCLE ON (full, 25% reduced, 2 doses per cycle;
  None once treatment is discontinued).
A reduction never hides a hold: each finding says both what it asks for now and what it does to the
level, the action is the most severe "now" among the findings and the level the lowest among them.

Every rule that applies becomes a `Finding` naming the label row(s) it comes from; all findings are
returned so the clinician sees why. The three tables are also exposed as data for the Dosing page, and
the thresholds the rules compare against are read from those same records.
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
from besponsa.clinical.grading import BILIRUBIN_GRADE_4_X_ULN, TRANSAMINASE_GRADE_4_X_ULN
from besponsa.clinical.interpretations import note
from besponsa.clinical.regimen import DOSE_LEVEL_ORDER, DoseLevel

__all__ = [
    "ACTION_ORDER",
    "ANC_LIMIT",
    "BILIRUBIN_LIMIT_X_ULN",
    "CYTOPENIA_MAX_DAYS",
    "HEMATOLOGIC_TABLE",
    "INTERRUPTION_TABLE",
    "LEVEL_WORDS",
    "NONHEMATOLOGIC_TABLE",
    "PLATELET_LIMIT",
    "TABLE_ROWS",
    "TRANSAMINASE_LIMIT_X_ULN",
    "Action",
    "Advice",
    "Counts",
    "CytopeniaCause",
    "Finding",
    "InfusionReaction",
    "Labs",
    "Question",
    "TableRow",
    "Timing",
    "ToxicityReport",
    "advise",
    "headline",
    "next_lower_level",
    "report_problems",
    "required_lab_problems",
]


class Action(StrEnum):
    """What to do now. A dose-level change is never an action: it is `next_dose_level`."""

    GIVE = "give"
    HOLD = "hold"
    OMIT_NEXT_DOSE = "omit_next_dose"
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


class CytopeniaCause(StrEnum):
    """What the clinician judges the low counts to come from. "Not assessed" is not "drug-related":
    the 28-day rule needs the suspicion stated, so the tool asks rather than assumes (issue #10 item 3)."""

    NOT_ASSESSED = "not_assessed"
    SUSPECTED_DRUG_RELATED = "suspected_drug_related"
    DISEASE_RELATED = "disease_related"


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
    checked: str = ""  # where and when the row's wording was last read in the label text

    @property
    def table(self) -> str:
        return self.citation.removeprefix("PI 2.3 ")

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

_CHECKED_28_DAYS: Final = (
    "The discontinuation rule (low count for more than 28 days and suspected to be related to BESPONSA) "
    "was read in the US label text, PI 2.3 Table 2, 3/2024, on 2026-11-30 (label_facts §5.1)."
)

HEMATOLOGIC_TABLE: Final[tuple[TableRow, ...]] = (
    TableRow(
        "anc_normal_baseline",
        "Pre-treatment ANC of at least 1 ×10⁹/L, and the ANC falls",
        "Hold the next cycle until the ANC is back to at least 1 ×10⁹/L. Discontinue when the low ANC "
        "lasts more than 28 days and is suspected to be caused by the drug.",
        PI_2_3_TABLE_2,
        Confirmation.CONFIRMED,
        checked=_CHECKED_28_DAYS,
    ),
    TableRow(
        "platelets_normal_baseline",
        "Pre-treatment platelets of at least 50 ×10⁹/L, and the platelets fall",
        "Hold the next cycle until platelets are back to at least 50 ×10⁹/L (a count not supported by "
        "transfusion). Discontinue when the low count lasts more than 28 days and is suspected to be "
        "caused by the drug.",
        PI_2_3_TABLE_2,
        Confirmation.CONFIRMED,
        checked=_CHECKED_28_DAYS,
    ),
    TableRow(
        "low_baseline",
        "Pre-treatment ANC below 1 ×10⁹/L and/or platelets below 50 ×10⁹/L",
        "Hold the next cycle until at least one of: (a) ANC and platelets back to at least the previous "
        "cycle's starting values; (b) ANC at least 1 ×10⁹/L and platelets at least 50 ×10⁹/L; (c) stable "
        "or improved disease on the latest bone marrow, with the low counts judged due to the leukemia "
        "rather than the drug. (This tool also applies the 28-day discontinuation rule to this row, the "
        "more cautious reading.)",
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


TABLE_ROWS: Final[dict[str, TableRow]] = {
    row.key: row for row in (*HEMATOLOGIC_TABLE, *NONHEMATOLOGIC_TABLE, *INTERRUPTION_TABLE)
}
ANC_ROW, PLATELET_ROW, LOW_BASELINE_ROW = (row.key for row in HEMATOLOGIC_TABLE)
VOD_ROW, LIVER_ROW, INFUSION_ROW, OTHER_ROW = (row.key for row in NONHEMATOLOGIC_TABLE)
UNDER_7_ROW, OMIT_ROW, REDUCE_ROW, OVER_28_ROW = (row.key for row in INTERRUPTION_TABLE)


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
    baseline: Counts  # counts before the first BESPONSA dose: they choose the Table 2 row(s)
    labs: Labs
    previous_cycle_baseline: Counts | None = None
    vod: bool = False
    infusion_reaction: InfusionReaction = InfusionReaction.NONE
    other_nonhematologic_grade: int = 0
    other_nonhematologic_baseline_grade: int = 0
    bilirubin_from_gilbert_or_hemolysis: bool = False
    cytopenia_cause: CytopeniaCause = CytopeniaCause.NOT_ASSESSED
    marrow_stable_or_improved: bool = False
    cytopenia_days: int = 0
    interruption_days: int = 0
    dose_level: DoseLevel = DoseLevel.FULL


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    action: Action  # what this rule asks for now
    citation: str
    message: str
    rows: tuple[str, ...] = ()  # keys of TABLE_ROWS this finding applies
    next_dose_level: DoseLevel | None = None  # a level this rule asks for from the next cycle on
    unconfirmed: bool = False
    interpretation: bool = False


@dataclass(frozen=True, slots=True)
class Question:
    """Something the tool needs the clinician to say before the answer can be firmer."""

    field: str
    text: str


@dataclass(frozen=True, slots=True)
class Advice:
    action: Action
    findings: tuple[Finding, ...]
    next_dose_level: DoseLevel | None  # from the next cycle on; None after discontinuation
    not_evaluated: tuple[str, ...]
    notes: tuple[str, ...]
    questions: tuple[Question, ...]
    headline: str

    @property
    def citations(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([PI_2_3, *(finding.citation for finding in self.findings)]))

    @property
    def rows_applied(self) -> tuple[TableRow, ...]:
        keys = dict.fromkeys(key for finding in self.findings for key in finding.rows)
        return tuple(TABLE_ROWS[key] for key in keys)


@dataclass
class _Work:
    findings: list[Finding] = field(default_factory=list)
    not_evaluated: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)

    def find(
        self,
        code: str,
        action: Action,
        citation: str,
        message: str,
        *,
        rows: tuple[str, ...] = (),
        unconfirmed: bool = False,
        interpretation: bool = False,
    ) -> None:
        """Record a rule that applies (its level change, if any, comes from `_reduction`)."""
        self.findings.append(
            Finding(code, action, citation, message, rows, None, unconfirmed, interpretation)
        )

    def ask(self, field: str, text: str) -> None:
        self.questions.append(Question(field, text))


def report_problems(report: ToxicityReport) -> list[FieldError]:
    """Missing or out-of-range values; shared with the boundary so all problems are reported together."""
    checks: list[tuple[str, Decimal | int | None, limits.Limit]] = [
        ("baseline.anc", report.baseline.anc, limits.ANC),
        ("baseline.platelets", report.baseline.platelets, limits.PLATELETS),
        ("labs.anc", report.labs.anc, limits.ANC),
        ("labs.platelets", report.labs.platelets, limits.PLATELETS),
        ("labs.total_bilirubin_x_uln", report.labs.total_bilirubin_x_uln, limits.BILIRUBIN_X_ULN),
        ("labs.ast_x_uln", report.labs.ast_x_uln, limits.TRANSAMINASE_X_ULN),
        ("labs.alt_x_uln", report.labs.alt_x_uln, limits.TRANSAMINASE_X_ULN),
        ("other_nonhematologic_grade", report.other_nonhematologic_grade, limits.GRADE),
        ("other_nonhematologic_baseline_grade", report.other_nonhematologic_baseline_grade, limits.GRADE),
        ("cytopenia_days", report.cytopenia_days, limits.DAYS),
        ("interruption_days", report.interruption_days, limits.DAYS),
    ]
    previous = report.previous_cycle_baseline
    if previous is not None:
        checks.append(("previous_cycle_baseline.anc", previous.anc, limits.ANC))
        checks.append(("previous_cycle_baseline.platelets", previous.platelets, limits.PLATELETS))
    return limits.problems(checks) + required_lab_problems(
        timing=report.timing,
        anc_given=report.labs.anc is not None,
        platelets_given=report.labs.platelets is not None,
    )


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
    labs = report.labs
    if report.timing is Timing.BEFORE_DOSE:
        low = (labs.anc is not None and labs.anc < ANC_LIMIT) or (
            labs.platelets is not None and labs.platelets < PLATELET_LIMIT
        )
        if labs.anc is None or labs.platelets is None:
            work.not_evaluated.append("blood_counts")
            work.notes.append("A complete blood count is expected before each dose (PI 5.3).")
        if low:
            work.find(
                "low_counts_within_cycle",
                Action.GIVE,
                PI_2_3,
                "Low neutrophil or platelet counts do not by themselves call for holding a Day 8 or "
                "Day 15 dose; Table 2 is applied before the next cycle.",
            )
        return
    # before_cycle: report_problems guarantees both counts are present. Each row whose pre-treatment
    # condition holds is applied on its own; rows 1-2 and row 3 can overlap (ANC < 1 with platelets
    # >= 50 before treatment), and the most cautious of their actions wins.
    anc, platelets = labs.anc or Decimal(0), labs.platelets or Decimal(0)
    rows = _baseline_rows(report.baseline)
    if ANC_ROW in rows and anc < ANC_LIMIT:
        work.find(
            "anc_below_1",
            Action.HOLD,
            PI_2_3_TABLE_2,
            f"ANC {limits.format_number(anc)} ×10⁹/L is below 1 ×10⁹/L with a pre-treatment ANC "
            "of at least 1: hold the next cycle until the ANC is at least 1 ×10⁹/L.",
            rows=(ANC_ROW,),
        )
    if PLATELET_ROW in rows and platelets < PLATELET_LIMIT:
        work.find(
            "platelets_below_50",
            Action.HOLD,
            PI_2_3_TABLE_2,
            f"Platelets {limits.format_number(platelets)} ×10⁹/L are below 50 ×10⁹/L with a "
            "pre-treatment count of at least 50: hold the next cycle until platelets are at least "
            "50 ×10⁹/L (without transfusion support).",
            rows=(PLATELET_ROW,),
        )
    if LOW_BASELINE_ROW in rows:
        if len(rows) > 1:
            work.notes.append(note("table_2_overlap"))
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
    disease = report.cytopenia_cause is CytopeniaCause.DISEASE_RELATED
    if report.marrow_stable_or_improved and disease:
        met.append("(c) stable or improved marrow with low counts due to the leukemia")
    if met:
        work.find(
            "low_baseline_recovered",
            Action.GIVE,
            PI_2_3_TABLE_2,
            "Low pre-treatment counts: a resumption condition is met: " + "; ".join(met) + ".",
            rows=(LOW_BASELINE_ROW,),
        )
        return
    missing = " Give previous_cycle_baseline to check condition (a)." if previous is None else ""
    if previous is None:
        work.ask(
            "previous_cycle_baseline",
            "What were the ANC and platelets at the start of the previous cycle? Condition (a) of "
            "Table 2 compares with them.",
        )
    if report.marrow_stable_or_improved and report.cytopenia_cause is CytopeniaCause.NOT_ASSESSED:
        work.ask(
            "cytopenia_cause",
            "Are the low counts judged to come from the leukemia rather than from BESPONSA? "
            "Condition (c) of Table 2 needs that judgement.",
        )
    work.find(
        "low_baseline_not_recovered",
        Action.HOLD,
        PI_2_3_TABLE_2,
        "Low pre-treatment counts: hold the next cycle until the counts reach the previous cycle's "
        "starting values, or ANC at least 1 and platelets at least 50 ×10⁹/L, or the marrow is stable "
        "or improved with low counts due to the leukemia." + missing,
        rows=(LOW_BASELINE_ROW,),
    )


def _baseline_rows(baseline: Counts) -> tuple[str, ...]:
    rows = []
    if baseline.anc >= ANC_LIMIT:
        rows.append(ANC_ROW)
    if baseline.platelets >= PLATELET_LIMIT:
        rows.append(PLATELET_ROW)
    if baseline.anc < ANC_LIMIT or baseline.platelets < PLATELET_LIMIT:
        rows.append(LOW_BASELINE_ROW)
    return tuple(rows)


def _prolonged_cytopenia(report: ToxicityReport, work: _Work) -> None:
    if report.cytopenia_days <= CYTOPENIA_MAX_DAYS:
        return
    rows = _baseline_rows(report.baseline)
    days = report.cytopenia_days
    cause = report.cytopenia_cause
    if cause is CytopeniaCause.DISEASE_RELATED:
        work.find(
            "cytopenia_over_28_days_disease_related",
            Action.GIVE,
            PI_2_3_TABLE_2,
            f"Low counts for {days} days, judged due to the leukemia: the 28-day discontinuation rule "
            "covers low counts suspected to be caused by BESPONSA only.",
            rows=rows,
        )
        return
    # The rule is confirmed for rows 1-2 (label_facts §5.1); for row 3 alone it was not read.
    unconfirmed = rows == (LOW_BASELINE_ROW,)
    if unconfirmed:
        work.notes.append(note("low_baseline_28_days"))
    if cause is CytopeniaCause.NOT_ASSESSED:
        work.notes.append(note("cytopenia_cause_not_assessed"))
        work.ask(
            "cytopenia_cause",
            f"The counts have been low for {days} days. Is this suspected to be caused by BESPONSA "
            "(then the label says discontinue) or by the leukemia?",
        )
        work.find(
            "cytopenia_over_28_days_cause_not_assessed",
            Action.CONSIDER_DISCONTINUATION,
            PI_2_3_TABLE_2,
            f"Low counts for {days} days (more than 28) and their cause was not stated: if they are "
            "suspected to be caused by BESPONSA the label says discontinue; say whether they are.",
            rows=rows,
            unconfirmed=unconfirmed,
            interpretation=True,
        )
        return
    work.find(
        "cytopenia_over_28_days",
        Action.DISCONTINUE,
        PI_2_3_TABLE_2,
        f"Low counts for {days} days (more than 28), suspected to be caused by BESPONSA: discontinue.",
        rows=rows,
        unconfirmed=unconfirmed,
    )


def _liver(report: ToxicityReport, work: _Work) -> None:
    labs = report.labs
    bilirubin, ast, alt = labs.total_bilirubin_x_uln, labs.ast_x_uln, labs.alt_x_uln
    if bilirubin is None and ast is None and alt is None:
        work.not_evaluated.append("liver_tests")
        work.notes.append("Liver tests were not given; check them before each dose (PI 5.1).")
        return
    _severe_liver(report, work)
    bilirubin_high = bilirubin is not None and bilirubin > BILIRUBIN_LIMIT_X_ULN
    transaminases_high = any(value is not None and value > TRANSAMINASE_LIMIT_X_ULN for value in (ast, alt))
    if bilirubin_high and report.bilirubin_from_gilbert_or_hemolysis:
        bilirubin_high = False
        work.notes.append(note("gilbert_scope"))
        work.find(
            "bilirubin_gilbert_or_hemolysis",
            Action.GIVE,
            PI_2_3_TABLE_3,
            "Bilirubin above 1.5× ULN from Gilbert's syndrome or hemolysis: the label exempts it from "
            "the liver-test hold.",
            rows=(LIVER_ROW,),
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
        work.notes.append(note("liver_single_parameter"))
    work.notes.append(note("liver_no_deadline"))
    work.find(code, Action.HOLD, PI_2_3_TABLE_3, message, rows=(LIVER_ROW,), interpretation=single)


def _severe_liver(report: ToxicityReport, work: _Work) -> None:
    """CTCAE grade 4 bilirubin, AST or ALT is at least "consider discontinuation", with a VOD prompt."""
    labs = report.labs
    severe = []
    bilirubin = labs.total_bilirubin_x_uln
    exempt = report.bilirubin_from_gilbert_or_hemolysis
    if bilirubin is not None and bilirubin > BILIRUBIN_GRADE_4_X_ULN and not exempt:
        severe.append(f"total bilirubin above {BILIRUBIN_GRADE_4_X_ULN}× ULN")
    for name, value in (("AST", labs.ast_x_uln), ("ALT", labs.alt_x_uln)):
        if value is not None and value > TRANSAMINASE_GRADE_4_X_ULN:
            severe.append(f"{name} above {TRANSAMINASE_GRADE_4_X_ULN}× ULN")
    if not severe or report.vod:
        return
    work.notes.append(note("severe_liver_toxicity"))
    work.ask(
        "vod",
        "Assess for hepatic veno-occlusive disease (weight gain, painful hepatomegaly, ascites, rising "
        "bilirubin; PI 5.1). Is this VOD or other severe liver toxicity? If so, the label says "
        "discontinue permanently.",
    )
    work.find(
        "severe_liver_toxicity",
        Action.CONSIDER_DISCONTINUATION,
        PI_2_3_TABLE_3,
        "CTCAE grade 4 liver test (" + ", ".join(severe) + "): consider permanent discontinuation and "
        f"assess for VOD ({PI_5_1}); Table 3 discontinues for VOD or other severe liver toxicity.",
        rows=(VOD_ROW,),
        interpretation=True,
    )


def _nonhematologic(report: ToxicityReport, work: _Work) -> None:
    if report.vod:
        work.find(
            "vod",
            Action.DISCONTINUE,
            PI_2_3_TABLE_3,
            "Veno-occlusive disease or other severe liver toxicity: discontinue permanently "
            f"({BOXED_WARNING}; {PI_5_1}).",
            rows=(VOD_ROW,),
        )
    _liver(report, work)
    reaction = report.infusion_reaction
    if reaction in (InfusionReaction.SEVERE, InfusionReaction.LIFE_THREATENING):
        work.find(
            "infusion_reaction_severe",
            Action.DISCONTINUE,
            PI_2_3_TABLE_3,
            "Severe or life-threatening infusion-related reaction: discontinue permanently.",
            rows=(INFUSION_ROW,),
        )
    elif reaction is not InfusionReaction.NONE:
        work.notes.append(note("infusion_reaction_hold"))
        work.find(
            "infusion_reaction",
            Action.HOLD,
            PI_2_3_TABLE_3,
            f"{reaction.value.capitalize()} infusion-related reaction: interrupt the infusion and give "
            "medical management (steroids, antihistamines as needed) before going on.",
            rows=(INFUSION_ROW,),
            interpretation=True,
        )
    grade, baseline_grade = report.other_nonhematologic_grade, report.other_nonhematologic_baseline_grade
    if grade >= 2 and grade > baseline_grade:
        work.notes.append(note("nonhematologic_grade_scale"))
        work.find(
            "other_toxicity_grade_2_or_more",
            Action.HOLD,
            PI_2_3_TABLE_3,
            f"Other non-hematologic toxicity at Grade {grade} (pre-treatment Grade {baseline_grade}): "
            f"hold until it is back to Grade {max(1, baseline_grade)} or lower.",
            rows=(OTHER_ROW,),
        )


def _interruption(report: ToxicityReport, work: _Work) -> None:
    days = report.interruption_days
    if days == 0:
        return
    if report.timing is Timing.BEFORE_CYCLE:
        # Table 4's shorter bands act on the next dose inside a cycle; at Day 1 Tables 2-3 decide.
        work.notes.append(note("interruption_within_cycle"))
    elif days < INTERRUPTION_OMIT_DAYS:
        work.find(
            "interruption_under_7_days",
            Action.HOLD,
            PI_2_3_TABLE_4,
            f"Interrupted {days} days: hold the next dose and keep at least 6 days between doses.",
            rows=(UNDER_7_ROW,),
            unconfirmed=True,
        )
    else:
        work.find(
            "interruption_7_days_or_more",
            Action.OMIT_NEXT_DOSE,
            PI_2_3_TABLE_4,
            f"Interrupted {days} days (7 or more): omit the next dose within the cycle.",
            rows=(OMIT_ROW,),
            unconfirmed=True,
        )
    if days >= INTERRUPTION_REDUCE_DAYS:
        work.findings.append(_reduction(report, days))
        work.notes.append(note("interruption_ladder"))
    if days > INTERRUPTION_CONSIDER_STOP_AFTER_DAYS:
        work.find(
            "interruption_over_28_days",
            Action.CONSIDER_DISCONTINUATION,
            PI_2_3_TABLE_4,
            f"Interrupted {days} days (more than 28): consider permanent discontinuation.",
            rows=(OVER_28_ROW,),
            unconfirmed=True,
        )
    work.notes.append(note("table_4_unconfirmed"))


def _reduction(report: ToxicityReport, days: int) -> Finding:
    """Table 4's >= 14-day band: a lower level from the next cycle, or discontinuation from the lowest."""
    level = report.dose_level
    lower = next_lower_level(level)
    if lower is None:
        return Finding(
            "interruption_14_days_or_more",
            Action.DISCONTINUE,
            PI_2_3_TABLE_4,
            f"Interrupted {days} days (14 or more) at 2 doses per cycle: the 25% cut and then 2 doses per "
            "cycle were not tolerated: discontinue permanently.",
            rows=(REDUCE_ROW,),
            unconfirmed=True,
        )
    words = "cut the total dose per cycle by 25%" if level is DoseLevel.FULL else "give 2 doses per cycle"
    return Finding(
        "interruption_14_days_or_more",
        Action.GIVE,  # no "now" action of its own: the hold, if any, comes from the toxicity's own rule
        PI_2_3_TABLE_4,
        f"Interrupted {days} days (14 or more) at dose level {level.value}: once recovered, {words} from the "
        "next cycle on.",
        rows=(REDUCE_ROW,),
        next_dose_level=lower,
        unconfirmed=True,
    )


def next_lower_level(level: DoseLevel) -> DoseLevel | None:
    """The next step down the PI 2.3 ladder (full → 25% cut → 2 doses per cycle); None below the last."""
    index = DOSE_LEVEL_ORDER.index(level) + 1
    return DOSE_LEVEL_ORDER[index] if index < len(DOSE_LEVEL_ORDER) else None


LEVEL_WORDS: Final = {
    DoseLevel.FULL: "the full dose",
    DoseLevel.REDUCED_25: "the dose reduced by 25%",
    DoseLevel.TWO_DOSES: "2 doses per cycle (each reduced by 25%)",
}


def headline(
    *, action: Action, timing: Timing, current: DoseLevel, next_level: DoseLevel | None, held: bool
) -> str:
    """The answer in plain words: what to do now, then the dose level that follows.

    Before Day 1 the level is the one of the cycle about to start; before a Day 8/15 dose it is the
    level from the next cycle on.
    """
    if action is Action.DISCONTINUE or next_level is None:
        return "Discontinue BESPONSA permanently."
    level = LEVEL_WORDS[next_level]
    lowered = " (a reduced dose is never raised again)" if next_level is not current else ""
    if timing is Timing.BEFORE_CYCLE:
        then = f"give it at {level}{lowered}"
        now = {
            Action.GIVE: f"Give this cycle at {level}{lowered}.",
            Action.HOLD: f"Hold this cycle until recovered; then {then}.",
        }
    else:
        then = f"from the next cycle on, give {level}{lowered}" if lowered else f"continue at {level}"
        hold = " and hold further doses until recovered" if held else ""
        now = {
            Action.GIVE: f"Give the dose; {then}.",
            Action.HOLD: f"Hold the dose until recovered; {then}.",
            Action.OMIT_NEXT_DOSE: f"Omit the next dose in this cycle{hold}; {then}.",
        }
    consider = f"Do not give now: consider permanent discontinuation. If treatment goes on, {then}."
    return now.get(action, consider)


def advise(report: ToxicityReport) -> Advice:
    """Apply Tables 2–4 to one report. Raises `InvalidInput` listing every problem with the report."""
    InvalidInput.raise_for(report_problems(report))
    work = _Work()
    _hematologic(report, work)
    _prolonged_cytopenia(report, work)
    _nonhematologic(report, work)
    _interruption(report, work)
    action = max((f.action for f in work.findings), key=ACTION_ORDER.index, default=Action.GIVE)
    next_level: DoseLevel | None = None
    if action is not Action.DISCONTINUE:
        # The lowest level any finding asks for, and never above the current one (no re-escalation).
        candidates = [report.dose_level, *(f.next_dose_level for f in work.findings if f.next_dose_level)]
        next_level = max(candidates, key=DOSE_LEVEL_ORDER.index)
    if not work.findings:
        work.notes.append("No rule in PI 2.3 Tables 2–4 calls for a change with the values given.")
    text = headline(
        action=action,
        timing=report.timing,
        current=report.dose_level,
        next_level=next_level,
        held=any(f.action is Action.HOLD for f in work.findings),
    )
    if work.not_evaluated:
        text += " Not everything was checked: " + ", ".join(work.not_evaluated).replace("_", " ") + "."
    return Advice(
        action=action,
        findings=tuple(work.findings),
        next_dose_level=next_level,
        not_evaluated=tuple(work.not_evaluated),
        notes=tuple(dict.fromkeys(work.notes)),  # two rules may cite the same caution; show it once
        questions=tuple(dict.fromkeys(work.questions)),
        headline=text,
    )
