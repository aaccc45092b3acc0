"""CTCAE v5.0 grades for the laboratory and ECG terms the label's rules depend on.

CTCAE writes falling-count bands as "<upper–lower" and rising-value bands as ">lower–upper". Read
literally, a value exactly on an edge belongs to the milder band: ANC 1.0 ×10⁹/L is grade 2, AST exactly
3.0× ULN is grade 1, QTc 480 ms is grade 1. Only v5.0 is implemented: v4.03 and v6.0 differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from besponsa.clinical import limits
from besponsa.clinical.citations import CTCAE_V5
from besponsa.clinical.errors import FieldError, InvalidInput
from besponsa.clinical.interpretations import note

__all__ = [
    "BILIRUBIN_GRADE_4_X_ULN",
    "CTCAE_BANDS",
    "CTCAE_VERSION",
    "DEFAULT_LLN",
    "TRANSAMINASE_GRADE_4_X_ULN",
    "Band",
    "GradeResult",
    "Term",
    "grade",
    "grade_problems",
    "qtc_interval_grade",
]

CTCAE_VERSION: Final = "5.0"


class Term(StrEnum):
    NEUTROPHIL_COUNT_DECREASED = "neutrophil_count_decreased"
    PLATELET_COUNT_DECREASED = "platelet_count_decreased"
    AST_INCREASED = "ast_increased"
    ALT_INCREASED = "alt_increased"
    BLOOD_BILIRUBIN_INCREASED = "blood_bilirubin_increased"
    QTC_PROLONGED = "qtc_prolonged"


COUNT_TERMS: Final = frozenset({Term.NEUTROPHIL_COUNT_DECREASED, Term.PLATELET_COUNT_DECREASED})
LIVER_TERMS: Final = frozenset({Term.AST_INCREASED, Term.ALT_INCREASED, Term.BLOOD_BILIRUBIN_INCREASED})


@dataclass(frozen=True, slots=True)
class Band:
    grade: int
    text: str


_TRANSAMINASE_BANDS: Final = (
    Band(1, ">ULN–3.0× ULN (normal baseline); 1.5–3.0× baseline (abnormal baseline)"),
    Band(2, ">3.0–5.0× ULN (normal baseline); >3.0–5.0× baseline (abnormal baseline)"),
    Band(3, ">5.0–20.0× ULN (normal baseline); >5.0–20.0× baseline (abnormal baseline)"),
    Band(4, ">20.0× ULN (normal baseline); >20.0× baseline (abnormal baseline)"),
)

CTCAE_BANDS: Final[dict[Term, tuple[Band, ...]]] = {
    Term.NEUTROPHIL_COUNT_DECREASED: (
        Band(1, "<LLN–1.5 ×10⁹/L (<LLN–1500/mm³)"),
        Band(2, "<1.5–1.0 ×10⁹/L (<1500–1000/mm³)"),
        Band(3, "<1.0–0.5 ×10⁹/L (<1000–500/mm³)"),
        Band(4, "<0.5 ×10⁹/L (<500/mm³)"),
    ),
    Term.PLATELET_COUNT_DECREASED: (
        Band(1, "<LLN–75.0 ×10⁹/L (<LLN–75,000/mm³)"),
        Band(2, "<75.0–50.0 ×10⁹/L (<75,000–50,000/mm³)"),
        Band(3, "<50.0–25.0 ×10⁹/L (<50,000–25,000/mm³)"),
        Band(4, "<25.0 ×10⁹/L (<25,000/mm³)"),
    ),
    Term.AST_INCREASED: _TRANSAMINASE_BANDS,
    Term.ALT_INCREASED: _TRANSAMINASE_BANDS,
    Term.BLOOD_BILIRUBIN_INCREASED: (
        Band(1, ">ULN–1.5× ULN (normal baseline); >1.0–1.5× baseline (abnormal baseline)"),
        Band(2, ">1.5–3.0× ULN (normal baseline); >1.5–3.0× baseline (abnormal baseline)"),
        Band(3, ">3.0–10.0× ULN (normal baseline); >3.0–10.0× baseline (abnormal baseline)"),
        Band(4, ">10.0× ULN (normal baseline); >10.0× baseline (abnormal baseline)"),
    ),
    Term.QTC_PROLONGED: (
        Band(1, "Average QTc 450–480 ms"),
        Band(2, "Average QTc 481–500 ms"),
        Band(3, "Average QTc ≥501 ms; >60 ms change from baseline"),
        Band(
            4,
            "Torsade de pointes; polymorphic ventricular tachycardia; signs or symptoms of serious "
            "arrhythmia (clinical, never derived from the interval)",
        ),
    ),
}

_D = Decimal
# Falling counts: below the first edge is at least grade 2, below the second grade 3, the third grade 4.
_COUNT_EDGES: Final = {
    Term.NEUTROPHIL_COUNT_DECREASED: (_D("1.5"), _D("1.0"), _D("0.5")),
    Term.PLATELET_COUNT_DECREASED: (_D("75"), _D("50"), _D("25")),
}
# Rising values: multiples of the reference for grades 1–4; the flag says whether grade 1 starts *at* it.
_TRANSAMINASE_NORMAL: Final = ((_D(1), _D(3), _D(5), _D(20)), False)
_TRANSAMINASE_ABNORMAL: Final = ((_D("1.5"), _D(3), _D(5), _D(20)), True)
_BILIRUBIN: Final = ((_D(1), _D("1.5"), _D(3), _D(10)), False)  # same multiples for either baseline
_QTC_EDGES: Final = (_D(450), _D(480), _D(500))  # grade 1 from 450 inclusive; 2 above 480; 3 above 500
_QTC_CHANGE_GRADE_3: Final = _D(60)
# Above these a liver test is CTCAE grade 4 on a normal baseline (the dose advisor's severe-toxicity rule).
TRANSAMINASE_GRADE_4_X_ULN: Final = _TRANSAMINASE_NORMAL[0][3]
BILIRUBIN_GRADE_4_X_ULN: Final = _BILIRUBIN[0][3]

# Without the laboratory's own LLN a count is graded against these commonly used adult lower limits,
# and the answer says so (interpretation `grade_without_lln`): platelets of 100 ×10⁹/L are below every
# laboratory's LLN and must never read as normal.
DEFAULT_LLN: Final = {
    Term.NEUTROPHIL_COUNT_DECREASED: _D("2.0"),
    Term.PLATELET_COUNT_DECREASED: _D("150"),
}
_VALUE_LIMITS: Final = {
    Term.NEUTROPHIL_COUNT_DECREASED: limits.ANC,
    Term.PLATELET_COUNT_DECREASED: limits.PLATELETS,
    Term.QTC_PROLONGED: limits.QT_MS,
}
_MULTIPLE_LIMITS: Final = {
    Term.AST_INCREASED: limits.TRANSAMINASE_X_ULN,
    Term.ALT_INCREASED: limits.TRANSAMINASE_X_ULN,
    Term.BLOOD_BILIRUBIN_INCREASED: limits.BILIRUBIN_X_ULN,
}


@dataclass(frozen=True, slots=True)
class GradeResult:
    term: Term
    grade: int
    basis: str
    citations: tuple[str, ...]
    notes: tuple[str, ...]
    ctcae_version: str = CTCAE_VERSION
    lln_used: Decimal | None = None  # counts only: the LLN the value was compared with
    lln_default: bool = False  # True when no LLN was given and DEFAULT_LLN was used

    @property
    def band(self) -> str:
        if self.grade == 0:
            if self.lln_default:
                return (
                    "Grade 0: at or above the default lower limit of normal used (give your laboratory's LLN)"
                )
            return "Grade 0: no CTCAE band reached"
        return CTCAE_BANDS[self.term][self.grade - 1].text


def grade_problems(
    *, term: Term, value: Decimal | None, uln: Decimal | None, lln: Decimal | None, baseline: Decimal | None
) -> list[FieldError]:
    """Range and applicability problems; shared with the boundary so all are reported together."""
    value_limit = _VALUE_LIMITS.get(term, limits.LAB_VALUE)
    problems = limits.problems(
        (
            ("value", value, value_limit),
            ("uln", uln, limits.REFERENCE_LIMIT),
            ("lln", lln, limits.REFERENCE_LIMIT),
            ("baseline", baseline, value_limit),
        )
    )
    if term in LIVER_TERMS and value is not None and not problems:
        # Compared by multiplication: value ÷ a tiny uln (1e-999999) would overflow the context.
        maximum = _MULTIPLE_LIMITS[term].maximum
        if value > maximum * (_D(1) if uln is None else uln):
            unit = "as a multiple of the ULN" if uln is None else "in the same units as uln"
            problems.append(
                {
                    "field": "value",
                    "message": f"value is more than the plausible {limits.format_number(maximum)}× the ULN "
                    f"(got {limits.format_number(value)}); check that it is entered {unit}",
                }
            )
    # The optional inputs and the terms each applies to; the message names those terms in table order.
    applies = {
        "uln": (uln, LIVER_TERMS),
        "lln": (lln, COUNT_TERMS),
        "baseline": (baseline, set(Term) - COUNT_TERMS),
    }
    for name, (given, terms) in applies.items():
        if given is not None and term not in terms:
            *first, last = (each.value for each in Term if each in terms)
            problems.append(
                {"field": name, "message": f"{name} applies only to {', '.join(first)} and {last}"}
            )
    return problems


def _count_grade(term: Term, value: Decimal, lln: Decimal) -> int:
    below = sum(value < edge for edge in _COUNT_EDGES[term])  # the falling edges of grades 2, 3 and 4
    return below + 1 if below else int(value < lln)


def _rising_grade(value: Decimal, reference: Decimal, edges: tuple[tuple[Decimal, ...], bool]) -> int:
    multiples, first_inclusive = edges
    result = 0
    for index, multiple in enumerate(multiples):
        limit = multiple * reference
        if value > limit or (first_inclusive and index == 0 and value == limit):
            result = index + 1
    return result


def qtc_interval_grade(value: Decimal, baseline: Decimal | None = None) -> int:
    """QTc grade from the interval (and change from baseline) alone; grade 4 is clinical, never returned."""
    result = sum(1 for index, edge in enumerate(_QTC_EDGES) if value > edge or (index == 0 and value == edge))
    if baseline is not None and value - baseline > _QTC_CHANGE_GRADE_3:
        result = max(result, 3)
    return result


def grade(
    *,
    term: Term,
    value: Decimal,
    uln: Decimal | None = None,
    lln: Decimal | None = None,
    baseline: Decimal | None = None,
) -> GradeResult:
    """CTCAE v5.0 grade (0–4). Counts in ×10⁹/L; liver values in the units of `uln` (or as × ULN when
    `uln` is omitted); QTc in ms."""
    InvalidInput.raise_for(grade_problems(term=term, value=value, uln=uln, lln=lln, baseline=baseline))
    notes: list[str] = []
    lln_used: Decimal | None = None
    if term in COUNT_TERMS:
        lln_used = DEFAULT_LLN[term] if lln is None else lln
        result = _count_grade(term, value, lln_used)
        basis = "lower limit of normal" if lln is not None else "default lower limit of normal (no LLN given)"
        if lln is None:
            notes.append(
                f"No LLN given: graded against a default LLN of {lln_used} ×10⁹/L. "
                + note("grade_without_lln")
            )
    elif term in LIVER_TERMS:
        reference = _D(1) if uln is None else uln
        if uln is None:
            notes.append("No uln given: value (and baseline) are read as multiples of the ULN.")
        # A baseline above the ULN switches the scale to multiples of that baseline.
        abnormal_baseline = baseline if baseline is not None and baseline > reference else None
        if term is Term.BLOOD_BILIRUBIN_INCREASED:
            edges = _BILIRUBIN
        else:
            edges = _TRANSAMINASE_NORMAL if abnormal_baseline is None else _TRANSAMINASE_ABNORMAL
        if abnormal_baseline is None:
            result, basis = _rising_grade(value, reference, edges), "upper limit of normal"
        else:
            result, basis = _rising_grade(value, abnormal_baseline, edges), "abnormal baseline"
    else:
        result = qtc_interval_grade(value, baseline)
        basis = "QTc interval" if baseline is None else "QTc interval and change from baseline"
        notes.append(note("qtc_thresholds"))
    return GradeResult(
        term=term,
        grade=result,
        basis=basis,
        citations=(CTCAE_V5,),
        notes=tuple(notes),
        lln_used=lln_used,
        lln_default=lln_used is not None and lln is None,
    )
