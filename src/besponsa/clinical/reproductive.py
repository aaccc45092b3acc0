"""Contraception and breastfeeding dates after the last dose (PI 5.6, 8.2, 8.3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from dateutil.relativedelta import relativedelta

from besponsa.clinical import limits
from besponsa.clinical.citations import PI_5_6, PI_8_2, PI_8_3, Confirmation
from besponsa.clinical.interpretations import note

__all__ = [
    "BREASTFEEDING_MONTHS",
    "CONTRACEPTION_FEMALE_MONTHS",
    "CONTRACEPTION_MALE_MONTHS",
    "MONTHS_STATUS",
    "ReproductiveDates",
    "add_calendar_months",
    "reproductive_dates",
]

CONTRACEPTION_FEMALE_MONTHS: Final = 8  # females of reproductive potential
CONTRACEPTION_MALE_MONTHS: Final = 5  # males with female partners of reproductive potential
BREASTFEEDING_MONTHS: Final = 2
MONTHS_STATUS: Final = Confirmation.SECONDARY  # label_facts §7.6 and §9: [C2]


def add_calendar_months(day: dt.date, months: int) -> dt.date:
    """Same day of the month `months` later, or that month's last day when it is shorter."""
    later: dt.date = day + relativedelta(months=months)
    return later


@dataclass(frozen=True, slots=True)
class ReproductiveDates:
    last_dose_date: dt.date
    contraception_female_until: dt.date
    contraception_male_until: dt.date
    breastfeeding_avoid_until: dt.date
    citations: tuple[str, ...] = (PI_5_6, PI_8_2, PI_8_3)

    @property
    def notes(self) -> tuple[str, ...]:
        return (
            note("calendar_months"),
            "Each date is the earliest end of the period: continue through that date at least.",
        )


def reproductive_dates(*, last_dose_date: dt.date) -> ReproductiveDates:
    limits.require((), dates=(("last_dose_date", last_dose_date),))
    return ReproductiveDates(
        last_dose_date=last_dose_date,
        contraception_female_until=add_calendar_months(last_dose_date, CONTRACEPTION_FEMALE_MONTHS),
        contraception_male_until=add_calendar_months(last_dose_date, CONTRACEPTION_MALE_MONTHS),
        breastfeeding_avoid_until=add_calendar_months(last_dose_date, BREASTFEEDING_MONTHS),
    )
