"""Which LOINC codes we read, into which clinical quantity, and the UCUM units we convert from.

A code or unit outside these tables is reported back to the caller, never guessed. Every factor is
exact arithmetic on the unit definitions, except bilirubin's molar conversion (see BILIRUBIN_UMOL_PER_MG_DL).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

LOINC: Final = "http://loinc.org"
UCUM: Final = "http://unitsofmeasure.org"


class Quantity(StrEnum):
    """A clinical quantity the engine takes, with the unit the engine takes it in."""

    ANC = "anc"  # ×10⁹/L
    PLATELETS = "platelets"  # ×10⁹/L
    AST = "ast"  # multiple of ULN
    ALT = "alt"  # multiple of ULN
    BILIRUBIN = "total_bilirubin"  # multiple of ULN
    QT = "qt"  # ms
    QTC = "qtc"  # ms
    HEART_RATE = "heart_rate"  # beats/min
    HEIGHT = "height"  # cm
    WEIGHT = "weight"  # kg


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    display: str
    quantity: Quantity


CODES: Final[dict[str, Code]] = {
    c.code: c
    for c in (
        Code("751-8", "Neutrophils [#/volume] in Blood by Automated count", Quantity.ANC),
        Code("26499-4", "Neutrophils [#/volume] in Blood", Quantity.ANC),
        Code("777-3", "Platelets [#/volume] in Blood by Automated count", Quantity.PLATELETS),
        Code("26515-7", "Platelets [#/volume] in Blood", Quantity.PLATELETS),
        Code(
            "1920-8",
            "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma",
            Quantity.AST,
        ),
        Code(
            "1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma", Quantity.ALT
        ),
        Code("1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma", Quantity.BILIRUBIN),
        Code("14631-6", "Bilirubin.total [Moles/volume] in Serum or Plasma", Quantity.BILIRUBIN),
        Code("8634-8", "QT interval by EKG", Quantity.QT),
        Code("8636-3", "QT interval corrected by EKG", Quantity.QTC),
        Code("8867-4", "Heart rate", Quantity.HEART_RATE),
        Code("8302-2", "Body height", Quantity.HEIGHT),
        Code("29463-7", "Body weight", Quantity.WEIGHT),
    )
}

# Bilirubin (C33H36N4O6) has a molar mass of 584.66 g/mol, so 1 mg/dL = 10 mg/L ÷ 584.66 g/mol
# = 17.104 µmol/L. Only used to bring a value and its ULN to one unit before taking their ratio.
BILIRUBIN_UMOL_PER_MG_DL: Final = Decimal("17.104")


@dataclass(frozen=True, slots=True)
class Unit:
    """A UCUM unit code and how a value in it becomes the family's base unit (× factor, ÷ divisor)."""

    code: str
    factor: Decimal
    text: str
    divisor: Decimal = Decimal(1)

    def to_base(self, value: Decimal) -> Decimal:
        return value * self.factor / self.divisor

    def arithmetic(self) -> str:
        """The conversion as a reader checks it: "× 0.001", "÷ 17.104", or "" when there is none."""
        if self.divisor != 1:
            return f"÷ {show(self.divisor)}"
        return "" if self.factor == 1 else f"× {show(self.factor)}"


def show(value: Decimal) -> str:
    """A number as people write it: no exponent, no trailing zeros, at most 4 decimals."""
    if value != value.quantize(Decimal("0.0001")):
        value = value.quantize(Decimal("0.0001"))
    text = f"{value.normalize():f}"
    return text


def _units(*units: Unit) -> dict[str, Unit]:
    return {unit.code: unit for unit in units}


_PER_UL = Decimal("0.001")  # 1/µL = 10⁶/L = 0.001 ×10⁹/L
COUNT_UNITS: Final = _units(  # base: ×10⁹/L
    Unit("10*9/L", Decimal(1), "×10⁹/L"),
    Unit("10*3/uL", Decimal(1), "×10³/µL"),
    Unit("10*3/mm3", Decimal(1), "×10³/mm³"),
    Unit("10*6/mL", Decimal(1), "×10⁶/mL"),
    Unit("/uL", _PER_UL, "/µL"),
    Unit("{cells}/uL", _PER_UL, "cells/µL"),
    Unit("/mm3", _PER_UL, "/mm³"),
    Unit("{cells}/mm3", _PER_UL, "cells/mm³"),
    Unit("10*6/L", _PER_UL, "×10⁶/L"),
)
ENZYME_UNITS: Final = _units(  # base: U/L
    Unit("U/L", Decimal(1), "U/L"),
    Unit("[IU]/L", Decimal(1), "IU/L"),  # an enzyme unit is an IU: the same activity
    Unit("ukat/L", Decimal(60), "µkat/L"),  # 1 µkat = 1 µmol/s = 60 µmol/min = 60 U
)
BILIRUBIN_UNITS: Final = _units(  # base: mg/dL
    Unit("mg/dL", Decimal(1), "mg/dL"),
    Unit("mg/L", Decimal("0.1"), "mg/L"),
    Unit("umol/L", Decimal(1), "µmol/L", divisor=BILIRUBIN_UMOL_PER_MG_DL),
)
DURATION_UNITS: Final = _units(Unit("ms", Decimal(1), "ms"), Unit("s", Decimal(1000), "s"))  # base: ms
RATE_UNITS: Final = _units(  # base: beats/min
    Unit("/min", Decimal(1), "/min"),
    Unit("{beats}/min", Decimal(1), "beats/min"),
    Unit("{Beats}/min", Decimal(1), "beats/min"),
)
LENGTH_UNITS: Final = _units(  # base: cm
    Unit("cm", Decimal(1), "cm"),
    Unit("m", Decimal(100), "m"),
    Unit("mm", Decimal("0.1"), "mm"),
    Unit("[in_i]", Decimal("2.54"), "in"),
    Unit("[in_us]", Decimal("2.54"), "in"),
)
MASS_UNITS: Final = _units(  # base: kg
    Unit("kg", Decimal(1), "kg"),
    Unit("g", Decimal("0.001"), "g"),
    Unit("[lb_av]", Decimal("0.45359237"), "lb"),
)


@dataclass(frozen=True, slots=True)
class Family:
    units: dict[str, Unit]
    base: str  # the base unit as people read it
    ratio_to_uln: bool = False  # the engine takes a multiple of the upper limit of normal


FAMILIES: Final[dict[Quantity, Family]] = {
    Quantity.ANC: Family(COUNT_UNITS, "×10⁹/L"),
    Quantity.PLATELETS: Family(COUNT_UNITS, "×10⁹/L"),
    Quantity.AST: Family(ENZYME_UNITS, "U/L", ratio_to_uln=True),
    Quantity.ALT: Family(ENZYME_UNITS, "U/L", ratio_to_uln=True),
    Quantity.BILIRUBIN: Family(BILIRUBIN_UNITS, "mg/dL", ratio_to_uln=True),
    Quantity.QT: Family(DURATION_UNITS, "ms"),
    Quantity.QTC: Family(DURATION_UNITS, "ms"),
    Quantity.HEART_RATE: Family(RATE_UNITS, "beats/min"),
    Quantity.HEIGHT: Family(LENGTH_UNITS, "cm"),
    Quantity.WEIGHT: Family(MASS_UNITS, "kg"),
}


def unit_of(quantity: Quantity, code: str | None) -> Unit | None:
    """The unit a UCUM code names for this quantity, or None when we do not know it."""
    if code is None:
        return None
    return FAMILIES[quantity].units.get(code)
