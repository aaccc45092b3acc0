"""Response classification: CR, CRi or neither, and MRD negativity (definitions: label_facts §2, PI 14).

The planner's rules depend on this answer (later-cycle dose, futility stop, HSCT cycle count), so the
criteria met and missed are returned alongside the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from besponsa.clinical import limits
from besponsa.clinical.citations import PI_2_2, PI_14
from besponsa.clinical.errors import FieldError, InvalidInput
from besponsa.clinical.interpretations import note
from besponsa.clinical.regimen import Response

__all__ = [
    "FULL_RECOVERY_ANC",
    "FULL_RECOVERY_PLATELETS",
    "MARROW_BLAST_LIMIT_PCT",
    "MRD_BLAST_TOLERANCE_PCT",
    "MRD_NEGATIVE_BELOW",
    "ResponseAssessment",
    "assess_response",
    "mrd_problems",
]

MARROW_BLAST_LIMIT_PCT: Final = Decimal("5")  # strictly below
FULL_RECOVERY_PLATELETS: Final = Decimal("100")  # ×10⁹/L, at least
FULL_RECOVERY_ANC: Final = Decimal("1")  # ×10⁹/L, at least
MRD_NEGATIVE_BELOW: Final = Decimal("1E-4")  # leukemic cells per marrow nucleated cell
# MRD (flow cytometry) and morphological marrow blasts measure nearly the same cells by different
# methods; an MRD fraction this many percentage points above the blast percentage is a contradiction,
# most often a percentage typed where a fraction is expected (interpretation `mrd_blast_consistency`).
MRD_BLAST_TOLERANCE_PCT: Final = Decimal("10")


def mrd_problems(*, marrow_blasts_pct: Decimal, mrd_fraction: Decimal | None) -> list[FieldError]:
    """An MRD fraction that contradicts the marrow blasts (1.0 with 3% blasts) is refused."""
    if mrd_fraction is None:
        return []
    mrd_pct = mrd_fraction * 100
    if mrd_pct <= marrow_blasts_pct + MRD_BLAST_TOLERANCE_PCT:
        return []
    as_percent = mrd_fraction / 100
    hint = (
        f"; did you mean {limits.format_number(as_percent)}? mrd_fraction is a fraction "
        "(0.0001 = 0.01%), not a percentage"
        if as_percent * 100 <= marrow_blasts_pct + MRD_BLAST_TOLERANCE_PCT
        else "; check both values"
    )
    message = (
        f"mrd_fraction {limits.format_number(mrd_fraction)} means {limits.format_number(mrd_pct)}% leukemic "
        f"cells, which contradicts marrow_blasts_pct {limits.format_number(marrow_blasts_pct)}%{hint}"
    )
    return [{"field": "mrd_fraction", "message": message}]


@dataclass(frozen=True, slots=True)
class ResponseAssessment:
    response: Response
    mrd_negative: bool | None  # None when no MRD result was given
    marrow_blasts_below_5_pct: bool
    no_peripheral_blasts: bool
    no_extramedullary_disease: bool
    full_count_recovery: bool
    citations: tuple[str, ...]
    notes: tuple[str, ...]


def assess_response(
    *,
    marrow_blasts_pct: Decimal,
    peripheral_blasts: Decimal,
    anc: Decimal,
    platelets: Decimal,
    extramedullary_disease: bool,
    mrd_fraction: Decimal | None = None,
) -> ResponseAssessment:
    """Classify one assessment. Counts are ×10⁹/L; `mrd_fraction` is leukemic cells / nucleated cells."""
    limits.require(
        (
            ("marrow_blasts_pct", marrow_blasts_pct, limits.PERCENT),
            ("peripheral_blasts", peripheral_blasts, limits.BLASTS),
            ("anc", anc, limits.ANC),
            ("platelets", platelets, limits.PLATELETS),
            ("mrd_fraction", mrd_fraction, limits.FRACTION),
        )
    )
    InvalidInput.raise_for(mrd_problems(marrow_blasts_pct=marrow_blasts_pct, mrd_fraction=mrd_fraction))
    marrow_ok = marrow_blasts_pct < MARROW_BLAST_LIMIT_PCT
    blood_ok = peripheral_blasts == 0
    extramedullary_ok = not extramedullary_disease
    recovered = platelets >= FULL_RECOVERY_PLATELETS and anc >= FULL_RECOVERY_ANC
    if marrow_ok and blood_ok and extramedullary_ok:
        response = Response.CR if recovered else Response.CRI
    else:
        response = Response.NONE
    mrd_negative = None if mrd_fraction is None else mrd_fraction < MRD_NEGATIVE_BELOW
    notes = [note("response_definitions")]
    if mrd_negative and response is Response.NONE:
        notes.append("MRD negativity counts toward the HSCT rule (PI 2.2) only together with CR or CRi.")
    return ResponseAssessment(
        response=response,
        mrd_negative=mrd_negative,
        marrow_blasts_below_5_pct=marrow_ok,
        no_peripheral_blasts=blood_ok,
        no_extramedullary_disease=extramedullary_ok,
        full_count_recovery=recovered,
        citations=(PI_14, PI_2_2),
        notes=tuple(notes),
    )
