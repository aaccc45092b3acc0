"""Body surface area from height and actual body weight (five published formulas).

The label doses per m² without naming a formula (label_facts §2); Mosteller is the default here and the
formula used is always returned with the result so the clinician can check it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import StrEnum
from typing import Final

from besponsa.clinical import limits
from besponsa.clinical.citations import PI_2_2
from besponsa.clinical.interpretations import note
from besponsa.clinical.rounding import CONTEXT, round_bsa

__all__ = ["FORMULA_REFERENCE", "FORMULA_TEXT", "BsaFormula", "BsaResult", "body_surface_area"]


class BsaFormula(StrEnum):
    MOSTELLER = "mosteller"
    DUBOIS = "dubois"
    HAYCOCK = "haycock"
    GEHAN_GEORGE = "gehan_george"
    BOYD = "boyd"


FORMULA_TEXT: Final[dict[BsaFormula, str]] = {
    BsaFormula.MOSTELLER: "BSA (m²) = √(height cm × weight kg ÷ 3600)",
    BsaFormula.DUBOIS: "BSA (m²) = 0.007184 × weight kg^0.425 × height cm^0.725",
    BsaFormula.HAYCOCK: "BSA (m²) = 0.024265 × weight kg^0.5378 × height cm^0.3964",
    BsaFormula.GEHAN_GEORGE: "BSA (m²) = 0.0235 × weight kg^0.51456 × height cm^0.42246",
    BsaFormula.BOYD: "BSA (m²) = 0.0003207 × height cm^0.3 × weight g^(0.7285 − 0.0188 × log10(weight g))",
}

FORMULA_REFERENCE: Final[dict[BsaFormula, str]] = {
    BsaFormula.MOSTELLER: "Mosteller RD. N Engl J Med 1987;317:1098",
    BsaFormula.DUBOIS: "Du Bois D, Du Bois EF. Arch Intern Med 1916;17:863-71",
    BsaFormula.HAYCOCK: "Haycock GB et al. J Pediatr 1978;93:62-6",
    BsaFormula.GEHAN_GEORGE: "Gehan EA, George SL. Cancer Chemother Rep 1970;54:225-35",
    BsaFormula.BOYD: "Boyd E. The Growth of the Surface Area of the Human Body. 1935",
}

_D = Decimal

# These run inside `localcontext(CONTEXT)` (see body_surface_area), so plain operators are safe.


def _mosteller(height: Decimal, weight: Decimal) -> Decimal:
    return (height * weight / 3600).sqrt()


def _dubois(height: Decimal, weight: Decimal) -> Decimal:
    return _D("0.007184") * weight ** _D("0.425") * height ** _D("0.725")


def _haycock(height: Decimal, weight: Decimal) -> Decimal:
    return _D("0.024265") * weight ** _D("0.5378") * height ** _D("0.3964")


def _gehan_george(height: Decimal, weight: Decimal) -> Decimal:
    return _D("0.0235") * weight ** _D("0.51456") * height ** _D("0.42246")


def _boyd(height: Decimal, weight: Decimal) -> Decimal:
    grams = weight * 1000
    return _D("0.0003207") * height ** _D("0.3") * grams ** (_D("0.7285") - _D("0.0188") * grams.log10())


_FORMULAS: Final = {
    BsaFormula.MOSTELLER: _mosteller,
    BsaFormula.DUBOIS: _dubois,
    BsaFormula.HAYCOCK: _haycock,
    BsaFormula.GEHAN_GEORGE: _gehan_george,
    BsaFormula.BOYD: _boyd,
}


@dataclass(frozen=True, slots=True)
class BsaResult:
    bsa_m2: Decimal  # rounded: the value every dose is computed from
    unrounded_m2: Decimal
    formula: BsaFormula
    citations: tuple[str, ...] = (PI_2_2,)

    @property
    def formula_text(self) -> str:
        return FORMULA_TEXT[self.formula]

    @property
    def notes(self) -> tuple[str, ...]:
        return (note("bsa_formula"), note("rounding"))


def body_surface_area(
    *, height_cm: Decimal, weight_kg: Decimal, formula: BsaFormula = BsaFormula.MOSTELLER
) -> BsaResult:
    limits.require((("height_cm", height_cm, limits.HEIGHT_CM), ("weight_kg", weight_kg, limits.WEIGHT_KG)))
    # Our own context: a caller that lowered the thread's decimal precision must not change a dose.
    with localcontext(CONTEXT):
        unrounded = _FORMULAS[formula](height_cm, weight_kg)
    return BsaResult(bsa_m2=round_bsa(unrounded), unrounded_m2=unrounded, formula=formula)
