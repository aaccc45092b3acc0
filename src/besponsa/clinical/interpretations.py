"""Every place where the label is silent, ambiguous or unconfirmed, and the reading this engine uses.

Outputs carry these as `notes`, worded so they can never be mistaken for label text; docs/clinical.md
and the Dosing page list the same records. Add a record here before coding any new reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from besponsa.clinical.citations import (
    CTCAE_V5,
    PI_2_2,
    PI_2_2_TABLE_1,
    PI_2_3_TABLE_2,
    PI_2_3_TABLE_3,
    PI_2_3_TABLE_4,
    PI_2_4,
    PI_5_5,
    PI_5_6,
    PI_14,
)

__all__ = ["INTERPRETATIONS", "GapKind", "Interpretation", "note"]


class GapKind(StrEnum):
    INTERPRETATION = "interpretation"  # the label is silent or ambiguous; this is our documented reading
    UNCONFIRMED = "unconfirmed"  # the label text could not be checked; verify before relying on it


@dataclass(frozen=True, slots=True)
class Interpretation:
    code: str
    kind: GapKind
    topic: str
    text: str
    citation: str

    @property
    def note(self) -> str:
        if self.kind is GapKind.UNCONFIRMED:
            return f"Unconfirmed ({self.citation}; not checked against the label text): {self.text}"
        return f"Interpretation ({self.citation}; the label does not specify this): {self.text}"


INTERPRETATIONS: Final[tuple[Interpretation, ...]] = (
    Interpretation(
        "bsa_formula",
        GapKind.INTERPRETATION,
        "Body surface area formula",
        "The label doses per m² of body surface area but names no formula, no weight basis and no cap. "
        "This tool uses actual body weight, no cap, and the Mosteller formula unless another is chosen.",
        PI_2_2,
    ),
    Interpretation(
        "rounding",
        GapKind.INTERPRETATION,
        "Rounding",
        "The label gives no rounding rule. This tool rounds BSA half-up to 0.01 m², each dose half-up to "
        "0.01 mg, and computes the volume from the rounded dose.",
        PI_2_2,
    ),
    Interpretation(
        "dose_spacing",
        GapKind.INTERPRETATION,
        "Day 8 and Day 15 windows",
        "Day 8 and Day 15 may move by up to 2 days, keeping at least 6 days between doses. This tool reads "
        "'6 days between doses' as dates at least 6 days apart, and computes each window as if the "
        "previous dose was given on its scheduled day; if it was not, count 6 days from the actual date.",
        PI_2_2_TABLE_1,
    ),
    Interpretation(
        "next_cycle_spacing",
        GapKind.INTERPRETATION,
        "Start of the next cycle",
        "The next cycle starts when this one ends (21 or 28 days after Day 1). If the last dose was given "
        "late in its window, keep at least 6 days between it and the next Day 1.",
        PI_2_2_TABLE_1,
    ),
    Interpretation(
        "cycle_1_extension",
        GapKind.INTERPRETATION,
        "Cycle 1 length",
        "Cycle 1 is planned as 21 days. The label allows 28 days (a 7-day dose-free period from Day 21) "
        "for a patient who reaches CR or CRi or who needs time to recover from toxicity; that choice is "
        "the clinician's, so both next-cycle dates are shown.",
        PI_2_2_TABLE_1,
    ),
    Interpretation(
        "futility_timing",
        GapKind.INTERPRETATION,
        "No response within 3 cycles",
        "Treatment stops when CR/CRi has not been reached within 3 cycles; this tool applies the stop "
        "when a 4th or later cycle is planned and the best response so far is neither CR nor CRi.",
        PI_2_2,
    ),
    Interpretation(
        "hsct_third_cycle",
        GapKind.INTERPRETATION,
        "Third cycle before HSCT",
        "For a patient going on to HSCT, 2 cycles are recommended; a 3rd may be considered only when "
        "CR/CRi together with MRD negativity has not been reached. This tool does not count MRD "
        "negativity without CR/CRi as reaching the goal.",
        PI_2_2,
    ),
    Interpretation(
        "reduced_dose_split",
        GapKind.INTERPRETATION,
        "Splitting a 25% dose reduction",
        "The label cuts the total dose per cycle by 25% but does not say how to split the cut across "
        "Days 1, 8 and 15. This tool multiplies each day's dose by 0.75, so no single dose rises.",
        PI_2_3_TABLE_4,
    ),
    Interpretation(
        "two_dose_days",
        GapKind.INTERPRETATION,
        "Which two days at 2 doses per cycle",
        "The label does not say which two days, or how much, at 2 doses per cycle. This tool gives Days 1 "
        "and 8 at the 25%-reduced daily doses and drops Day 15, which keeps the longest dose-free "
        "recovery before the next cycle and never raises any single dose.",
        PI_2_3_TABLE_4,
    ),
    Interpretation(
        "table_4_unconfirmed",
        GapKind.UNCONFIRMED,
        "Dose interruption table",
        "The actions by length of dose interruption (<7 days, ≥7, ≥14, >28) come from a recollection of "
        "Table 4 that could not be checked against the label. Confirm them in the current PI.",
        PI_2_3_TABLE_4,
    ),
    Interpretation(
        "interruption_ladder",
        GapKind.INTERPRETATION,
        "Applying the interruption table",
        "Every band an interruption reaches is listed (14 days is also ≥7 days). At ≥14 days the next "
        "step depends on the current dose level: full dose → 25% cut; 25% cut → 2 doses per cycle; "
        "already at 2 doses per cycle → discontinue.",
        PI_2_3_TABLE_4,
    ),
    Interpretation(
        "liver_single_parameter",
        GapKind.INTERPRETATION,
        "Bilirubin or AST/ALT alone",
        "The label's trigger joins total bilirubin >1.5× ULN 'and' AST/ALT >2.5× ULN, while resuming "
        "needs both back under their limits. This tool holds when either limit is exceeded, which is the "
        "more cautious reading; review a single-parameter hold clinically.",
        PI_2_3_TABLE_3,
    ),
    Interpretation(
        "gilbert_scope",
        GapKind.INTERPRETATION,
        "Gilbert's syndrome or hemolysis",
        "The exception removes only the bilirubin part of the liver rule; an AST/ALT above 2.5× ULN "
        "still leads to a hold.",
        PI_2_3_TABLE_3,
    ),
    Interpretation(
        "liver_no_deadline",
        GapKind.INTERPRETATION,
        "When liver tests do not recover",
        "The label calls for permanent discontinuation when bilirubin or AST/ALT does not return under "
        "its limit, without a time limit. This tool does not decide that point; the interruption-length "
        "rules (consider discontinuation after 28 days) still apply.",
        PI_2_3_TABLE_3,
    ),
    Interpretation(
        "infusion_reaction_hold",
        GapKind.INTERPRETATION,
        "Mild or moderate infusion reaction",
        "The label asks to interrupt the infusion, give medical management and, by severity, consider "
        "stopping the infusion or giving steroids and antihistamines. This tool shows a mild or moderate "
        "reaction as 'hold' so the reaction is managed before any further infusion.",
        PI_2_3_TABLE_3,
    ),
    Interpretation(
        "low_baseline_28_days",
        GapKind.UNCONFIRMED,
        "Low pre-treatment counts lasting more than 28 days",
        "The label states the 28-day discontinuation rule for the ANC and platelet rows of Table 2. "
        "This tool applies it to the low pre-treatment row the same way, the more cautious reading.",
        PI_2_3_TABLE_2,
    ),
    Interpretation(
        "table_2_overlap",
        GapKind.INTERPRETATION,
        "Overlapping rows of Table 2",
        "The rows of Table 2 overlap: a patient can start with an ANC below 1 ×10⁹/L and platelets of at "
        "least 50 ×10⁹/L, so the platelet row and the low-count row both apply. The label does not say how "
        "they combine; this tool applies each row and takes the more cautious action.",
        PI_2_3_TABLE_2,
    ),
    Interpretation(
        "cytopenia_cause_not_assessed",
        GapKind.INTERPRETATION,
        "Cause of prolonged low counts not stated",
        "The label discontinues when low counts last more than 28 days and are suspected to be related to "
        "BESPONSA. Counts not marked as due to the leukemia are not therefore drug-related: when the cause "
        "is not stated, this tool answers 'consider discontinuation' and asks for the judgement.",
        PI_2_3_TABLE_2,
    ),
    Interpretation(
        "severe_liver_toxicity",
        GapKind.INTERPRETATION,
        "What counts as severe liver toxicity",
        "Table 3 discontinues for VOD 'or other severe liver toxicity' without defining severe. This tool "
        "treats a CTCAE grade 4 total bilirubin, AST or ALT (multiples of the ULN) as at least 'consider "
        "discontinuation' and asks for an assessment for VOD; the clinician decides.",
        PI_2_3_TABLE_3,
    ),
    Interpretation(
        "interruption_within_cycle",
        GapKind.INTERPRETATION,
        "Short interruptions at the start of a cycle",
        "Table 4's bands below 14 days (hold or omit the next dose) act on doses inside a cycle. Before "
        "Day 1 of a cycle this tool lets Tables 2 and 3 decide and applies only the 14-day and 28-day "
        "bands of Table 4.",
        PI_2_3_TABLE_4,
    ),
    Interpretation(
        "nonhematologic_grade_scale",
        GapKind.INTERPRETATION,
        "Grading scale for 'Grade 2 or higher'",
        "The trials graded adverse reactions with CTCAE v3.0. This tool takes the grade as entered and "
        "grades laboratory values with CTCAE v5.0.",
        CTCAE_V5,
    ),
    Interpretation(
        "grade_without_lln",
        GapKind.INTERPRETATION,
        "Counts without a lower limit of normal",
        "CTCAE grade 1 starts below the laboratory's lower limit of normal (LLN). Without one, this tool "
        "grades against a commonly used adult LLN, named in the answer, so a count below every "
        "laboratory's LLN is never called normal. Give your laboratory's LLN (children's ranges "
        "differ) to grade against it.",
        CTCAE_V5,
    ),
    Interpretation(
        "qtc_thresholds",
        GapKind.INTERPRETATION,
        "QTc flags and grade",
        "Flags and the CTCAE grade use the QTcF as shown (rounded to 0.1 ms). The flag for an increase "
        "of 60 ms or more follows the label's ECG data; CTCAE grade 3 needs a change of more than 60 ms. "
        "Grade 4 depends on clinical signs and is never derived from the interval alone.",
        PI_5_5,
    ),
    Interpretation(
        "calendar_months",
        GapKind.INTERPRETATION,
        "Counting months after the last dose",
        "Months are calendar months counted from the last dose date; when the target month is shorter, "
        "the date moves to that month's last day (31 May + 1 month = 30 June).",
        PI_5_6,
    ),
    Interpretation(
        "syringe_route",
        GapKind.UNCONFIRMED,
        "Syringe administration",
        "The 3/2024 label adds a syringe route whose final volume, concentration range and infusion rate "
        "were not read. Those values are left blank here: take them from the current PI 2.4.",
        PI_2_4,
    ),
    Interpretation(
        "mrd_blast_consistency",
        GapKind.INTERPRETATION,
        "MRD result against marrow blasts",
        "An MRD fraction more than 10 percentage points above the marrow blast percentage is refused as "
        "a contradiction (usually a percentage typed as a fraction). MRD and morphology are different "
        "methods, so smaller differences are accepted.",
        PI_14,
    ),
    Interpretation(
        "response_definitions",
        GapKind.INTERPRETATION,
        "CR and CRi definitions",
        "CR and CRi follow the trial's adjudication definitions as restated by secondary sources; the "
        "platelet count should not depend on transfusion.",
        PI_14,
    ),
)

_BY_CODE: Final = {item.code: item for item in INTERPRETATIONS}


def note(code: str) -> str:
    """The note text for an interpretation code (KeyError for an unknown code: a programming error)."""
    return _BY_CODE[code].note
