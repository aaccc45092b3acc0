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
from besponsa.clinical.errors import FieldError, InvalidInput
from besponsa.clinical.interpretations import note
from besponsa.clinical.rounding import CONTEXT, round_bsa

__all__ = [
    "FORMULA_REFERENCE",
    "FORMULA_TEXT",
    "BsaFormula",
    "BsaResult",
    "body_size_problems",
    "body_surface_area",
]


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


_INCH_CM: Final = _D("2.54")
_CM3_PER_M3: Final = _D(1_000_000)
_POUND_KG: Final = _D("2.20462")


def _ponderal(height_cm: Decimal, weight_kg: Decimal) -> Decimal:
    with localcontext(CONTEXT):
        return weight_kg / (height_cm / 100) ** 3


def body_size_problems(*, height_cm: Decimal, weight_kg: Decimal) -> list[FieldError]:
    """A height and a weight each in range but together no human body (40 cm with 300 kg), or a height
    typed in inches / a weight in pounds that the pair gives away. Both values must already be in range."""
    # Exact products, no division: the common (plausible) case stays cheap on the planner's hot path.
    cube = height_cm * height_cm * height_cm
    scaled = weight_kg * _CM3_PER_M3
    if limits.PONDERAL_INDEX.minimum * cube <= scaled <= limits.PONDERAL_INDEX.maximum * cube:
        return []
    index = _ponderal(height_cm, weight_kg)
    guesses = []
    inches_as_cm = (height_cm * _INCH_CM).quantize(_D("0.1"))
    if limits.HEIGHT_CM.contains(inches_as_cm) and limits.PONDERAL_INDEX.contains(
        _ponderal(inches_as_cm, weight_kg)
    ):
        guesses.append(
            f"did you mean {limits.format_number(inches_as_cm)} cm? height is entered in cm, not inches"
        )
    pounds_as_kg = (weight_kg / _POUND_KG).quantize(_D("0.1"))
    if limits.WEIGHT_KG.contains(pounds_as_kg) and limits.PONDERAL_INDEX.contains(
        _ponderal(height_cm, pounds_as_kg)
    ):
        guesses.append(
            f"did you mean {limits.format_number(pounds_as_kg)} kg? weight is entered in kg, not pounds"
        )
    hint = "; " + "; or ".join(guesses) if guesses else "; check both values"
    message = (
        f"height_cm {limits.format_number(height_cm)} cm with weight_kg {limits.format_number(weight_kg)} kg "
        f"is not a human body size (weight ÷ height³ is {limits.format_number(index.quantize(_D('0.1')))} "
        f"kg/m³; a body lies {limits.PONDERAL_INDEX.describe()}){hint}"
    )
    return [{"field": "height_cm", "message": message}]


def body_surface_area(
    *, height_cm: Decimal, weight_kg: Decimal, formula: BsaFormula = BsaFormula.MOSTELLER
) -> BsaResult:
    limits.require((("height_cm", height_cm, limits.HEIGHT_CM), ("weight_kg", weight_kg, limits.WEIGHT_KG)))
    InvalidInput.raise_for(body_size_problems(height_cm=height_cm, weight_kg=weight_kg))
    # Our own context: a caller that lowered the thread's decimal precision must not change a dose.
    with localcontext(CONTEXT):
        unrounded = _FORMULAS[formula](height_cm, weight_kg)
    return BsaResult(bsa_m2=round_bsa(unrounded), unrounded_m2=unrounded, formula=formula)
