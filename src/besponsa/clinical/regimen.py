"""The dosing regimen (PI 2.2 Table 1), the duration rules (PI 2.2) and the reduced dose levels.

`REGIMEN_TABLE` and `DURATION_RULES` are the data the Dosing page renders; `day_levels` is the only
function that turns them into per-day mg/m², so the page and the planner can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from besponsa.clinical import limits
from besponsa.clinical.citations import PI_2_2, PI_2_2_TABLE_1, PI_2_3, Confirmation

__all__ = [
    "CYCLE_1_EXTENDED_DAYS",
    "DOSE_LEVEL_ORDER",
    "DOSE_WINDOW_DAYS",
    "DURATION_RULES",
    "HSCT_MAX_CYCLES",
    "HSCT_RECOMMENDED_CYCLES",
    "MAX_CYCLES",
    "MIN_AGE_YEARS",
    "MIN_DAYS_BETWEEN_DOSES",
    "PEDIATRIC_BELOW_YEARS",
    "REDUCTION_FACTOR",
    "REGIMEN_TABLE",
    "RESPONSE_DEADLINE_CYCLES",
    "TWO_DOSE_DAYS",
    "DayLevel",
    "DoseLevel",
    "DurationRule",
    "RegimenRow",
    "Response",
    "day_levels",
    "is_reescalation",
    "regimen_row",
    "row_levels",
]


class Response(StrEnum):
    """Best response reached so far (definitions: label_facts §2, `response.assess_response`)."""

    NONE = "none"
    CRI = "cri"
    CR = "cr"


class DoseLevel(StrEnum):
    FULL = "full"
    REDUCED_25 = "reduced_25"
    TWO_DOSES = "two_doses_per_cycle"


# Left to right is the only allowed direction: a reduced level is never re-escalated (PI 2.3).
DOSE_LEVEL_ORDER: Final = (DoseLevel.FULL, DoseLevel.REDUCED_25, DoseLevel.TWO_DOSES)


@dataclass(frozen=True, slots=True)
class RegimenRow:
    key: str
    applies_to: str
    days: tuple[tuple[int, Decimal], ...]  # (cycle day, mg/m²)
    cycle_length_days: int
    cycle_length_note: str
    citation: str = PI_2_2_TABLE_1
    status: Confirmation = Confirmation.CONFIRMED

    @property
    def total_mg_per_m2(self) -> Decimal:
        return sum((level for _, level in self.days), Decimal(0))


_D = Decimal

CYCLE_1: Final = RegimenRow(
    "cycle_1",
    "Cycle 1, every patient",
    ((1, _D("0.8")), (8, _D("0.5")), (15, _D("0.5"))),
    21,
    "21 days; may be extended to 28 days (7 dose-free days from Day 21) when the patient reaches CR "
    "or CRi, or to allow recovery from toxicity",
)
LATER_WITH_RESPONSE: Final = RegimenRow(
    "later_cr_cri",
    "Cycle 2 onward, patient has reached CR or CRi",
    ((1, _D("0.5")), (8, _D("0.5")), (15, _D("0.5"))),
    28,
    "28 days (7 dose-free days from Day 21)",
)
LATER_WITHOUT_RESPONSE: Final = RegimenRow(
    "later_no_cr_cri",
    "Cycle 2 onward, patient has not reached CR or CRi",
    ((1, _D("0.8")), (8, _D("0.5")), (15, _D("0.5"))),
    28,
    "28 days (7 dose-free days from Day 21)",
)
REGIMEN_TABLE: Final[tuple[RegimenRow, ...]] = (CYCLE_1, LATER_WITH_RESPONSE, LATER_WITHOUT_RESPONSE)

CYCLE_1_EXTENDED_DAYS: Final = 28
DOSE_WINDOW_DAYS: Final = 2
MIN_DAYS_BETWEEN_DOSES: Final = 6

# Indication: patients aged 1 year and older (PI 1); below that use is not established (PI 8.4).
MIN_AGE_YEARS: Final = 1
PEDIATRIC_BELOW_YEARS: Final = 18

MAX_CYCLES: Final = 6
RESPONSE_DEADLINE_CYCLES: Final = 3
HSCT_RECOMMENDED_CYCLES: Final = 2
HSCT_MAX_CYCLES: Final = 3

# Table 4 is unconfirmed and both choices below are interpretations (interpretations.py).
REDUCTION_FACTOR: Final = _D("0.75")
TWO_DOSE_DAYS: Final = (1, 8)


@dataclass(frozen=True, slots=True)
class DurationRule:
    code: str
    text: str
    citation: str
    status: Confirmation


DURATION_RULES: Final[tuple[DurationRule, ...]] = (
    DurationRule(
        "max_cycles",
        f"Patients not going on to HSCT: at most {MAX_CYCLES} cycles.",
        PI_2_2,
        Confirmation.SECONDARY,
    ),
    DurationRule(
        "response_deadline",
        f"Stop treatment when CR/CRi has not been reached within {RESPONSE_DEADLINE_CYCLES} cycles.",
        PI_2_2,
        Confirmation.SECONDARY,
    ),
    DurationRule(
        "hsct_recommended",
        f"Patients going on to HSCT: {HSCT_RECOMMENDED_CYCLES} cycles are recommended; a third may be "
        "considered when CR/CRi with MRD negativity has not been reached after 2 cycles.",
        PI_2_2,
        Confirmation.SECONDARY,
    ),
    DurationRule(
        "day_window",
        f"Day 8 and Day 15 doses may move by ±{DOSE_WINDOW_DAYS} days, keeping at least "
        f"{MIN_DAYS_BETWEEN_DOSES} days between doses.",
        PI_2_2_TABLE_1,
        Confirmation.SECONDARY,
    ),
    DurationRule(
        "no_reescalation",
        "After a dose reduction for drug-related toxicity the dose is never increased again.",
        PI_2_3,
        Confirmation.CONFIRMED,
    ),
)


@dataclass(frozen=True, slots=True)
class DayLevel:
    day: int
    mg_per_m2: Decimal


def regimen_row(*, cycle: int, best_response: Response) -> RegimenRow:
    limits.require((("cycle", cycle, limits.CYCLE),))
    if cycle == 1:
        return CYCLE_1
    return LATER_WITHOUT_RESPONSE if best_response is Response.NONE else LATER_WITH_RESPONSE


def day_levels(*, cycle: int, best_response: Response, dose_level: DoseLevel) -> tuple[DayLevel, ...]:
    """Per-day mg/m² for one cycle at the given dose level."""
    return row_levels(regimen_row(cycle=cycle, best_response=best_response), dose_level)


def row_levels(row: RegimenRow, dose_level: DoseLevel) -> tuple[DayLevel, ...]:
    """Per-day mg/m² of one Table 1 row at the given dose level."""
    if dose_level is DoseLevel.FULL:
        return tuple(DayLevel(day, level) for day, level in row.days)
    reduced = tuple(DayLevel(day, level * REDUCTION_FACTOR) for day, level in row.days)
    if dose_level is DoseLevel.REDUCED_25:
        return reduced
    return tuple(level for level in reduced if level.day in TWO_DOSE_DAYS)


def is_reescalation(*, current: DoseLevel, proposed: DoseLevel) -> bool:
    return DOSE_LEVEL_ORDER.index(proposed) < DOSE_LEVEL_ORDER.index(current)
