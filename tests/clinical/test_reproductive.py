"""Contraception and breastfeeding dates (PI 5.6, 8.2, 8.3): calendar months clamped to month end."""

from __future__ import annotations

import datetime as dt

import pytest

from besponsa.clinical.errors import InvalidInput
from besponsa.clinical.reproductive import add_calendar_months, reproductive_dates

# last dose → (females +8 months, males +5 months, breastfeeding +2 months)
DATES = [
    ("2025-05-31", "2026-01-31", "2025-10-31", "2025-07-31"),
    ("2025-06-30", "2026-02-28", "2025-11-30", "2025-08-30"),
    ("2023-06-29", "2024-02-29", "2023-11-29", "2023-08-29"),  # leap year
    ("2025-12-15", "2026-08-15", "2026-05-15", "2026-02-15"),
    ("2025-12-31", "2026-08-31", "2026-05-31", "2026-02-28"),
    ("2199-12-31", "2200-08-31", "2200-05-31", "2200-02-28"),  # still inside the calendar; 2200 is not leap
]


@pytest.mark.parametrize(("last", "female", "male", "breastfeeding"), DATES)
def test_dates(last: str, female: str, male: str, breastfeeding: str) -> None:
    result = reproductive_dates(last_dose_date=dt.date.fromisoformat(last))
    got = (
        result.contraception_female_until,
        result.contraception_male_until,
        result.breastfeeding_avoid_until,
    )
    assert tuple(day.isoformat() for day in got) == (female, male, breastfeeding)
    assert result.citations == ("PI 5.6", "PI 8.2", "PI 8.3")
    assert any("calendar months" in note for note in result.notes)


def test_add_calendar_months() -> None:
    assert add_calendar_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_calendar_months(dt.date(2024, 3, 31), 0) == dt.date(2024, 3, 31)
    assert add_calendar_months(dt.date(2024, 11, 30), 14) == dt.date(2026, 1, 30)


def test_out_of_range_date() -> None:
    with pytest.raises(InvalidInput) as caught:
        reproductive_dates(last_dose_date=dt.date(1999, 12, 31))
    assert caught.value.errors[0]["message"] == (
        "last_dose_date must be between 2000-01-01 and 2199-12-31 (got 1999-12-31)"
    )
