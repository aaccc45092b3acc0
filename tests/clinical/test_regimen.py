"""PI 2.2 Table 1 and the reduced dose levels (Table 4, unconfirmed; split is an interpretation)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from besponsa.clinical.citations import Confirmation
from besponsa.clinical.errors import InvalidInput
from besponsa.clinical.regimen import (
    DOSE_LEVEL_ORDER,
    DURATION_RULES,
    REGIMEN_TABLE,
    DoseLevel,
    Response,
    day_levels,
    is_reescalation,
    regimen_row,
)

D = Decimal

# PI 2.2 Table 1 (label_facts.md §2, [C]): Day 1 / Day 8 / Day 15 mg/m², total, cycle length.
TABLE_1 = [
    ("cycle_1", ("0.8", "0.5", "0.5"), "1.8", 21),
    ("later_cr_cri", ("0.5", "0.5", "0.5"), "1.5", 28),
    ("later_no_cr_cri", ("0.8", "0.5", "0.5"), "1.8", 28),
]


@pytest.mark.parametrize(("key", "days", "total", "length"), TABLE_1)
def test_table_1_rows(key: str, days: tuple[str, ...], total: str, length: int) -> None:
    row = next(row for row in REGIMEN_TABLE if row.key == key)
    assert row.days == tuple(zip((1, 8, 15), map(D, days), strict=True))
    assert row.total_mg_per_m2 == D(total)
    assert row.cycle_length_days == length
    assert row.citation == "PI 2.2 Table 1"
    assert row.status is Confirmation.CONFIRMED


@pytest.mark.parametrize(
    ("cycle", "response", "key"),
    [
        (1, Response.NONE, "cycle_1"),
        (1, Response.CR, "cycle_1"),
        (2, Response.NONE, "later_no_cr_cri"),
        (2, Response.CRI, "later_cr_cri"),
        (5, Response.CR, "later_cr_cri"),
    ],
)
def test_row_selection(cycle: int, response: Response, key: str) -> None:
    assert regimen_row(cycle=cycle, best_response=response).key == key


# Reduced levels: each day × 0.75 (interpretation), two doses = Days 1 and 8 of the reduced level.
REDUCED = [
    (1, Response.NONE, DoseLevel.REDUCED_25, ((1, "0.6"), (8, "0.375"), (15, "0.375")), "1.35"),
    (2, Response.NONE, DoseLevel.REDUCED_25, ((1, "0.6"), (8, "0.375"), (15, "0.375")), "1.35"),
    (2, Response.CR, DoseLevel.REDUCED_25, ((1, "0.375"), (8, "0.375"), (15, "0.375")), "1.125"),
    (2, Response.NONE, DoseLevel.TWO_DOSES, ((1, "0.6"), (8, "0.375")), "0.975"),
    (3, Response.CRI, DoseLevel.TWO_DOSES, ((1, "0.375"), (8, "0.375")), "0.75"),
    (2, Response.CR, DoseLevel.FULL, ((1, "0.5"), (8, "0.5"), (15, "0.5")), "1.5"),
]


@pytest.mark.parametrize(("cycle", "response", "level", "days", "total"), REDUCED)
def test_day_levels(
    cycle: int, response: Response, level: DoseLevel, days: tuple[tuple[int, str], ...], total: str
) -> None:
    levels = day_levels(cycle=cycle, best_response=response, dose_level=level)
    assert tuple((item.day, item.mg_per_m2) for item in levels) == tuple((day, D(mg)) for day, mg in days)
    assert sum(item.mg_per_m2 for item in levels) == D(total)


def test_reduction_is_a_quarter_of_the_cycle_total() -> None:
    for response in Response:
        full = sum(
            x.mg_per_m2 for x in day_levels(cycle=2, best_response=response, dose_level=DoseLevel.FULL)
        )
        cut = sum(
            x.mg_per_m2 for x in day_levels(cycle=2, best_response=response, dose_level=DoseLevel.REDUCED_25)
        )
        assert cut == full * D("0.75")


def test_reescalation_is_detected() -> None:
    assert DOSE_LEVEL_ORDER == (DoseLevel.FULL, DoseLevel.REDUCED_25, DoseLevel.TWO_DOSES)
    assert is_reescalation(current=DoseLevel.REDUCED_25, proposed=DoseLevel.FULL)
    assert is_reescalation(current=DoseLevel.TWO_DOSES, proposed=DoseLevel.REDUCED_25)
    assert not is_reescalation(current=DoseLevel.FULL, proposed=DoseLevel.TWO_DOSES)
    assert not is_reescalation(current=DoseLevel.REDUCED_25, proposed=DoseLevel.REDUCED_25)


def test_cycle_must_be_positive() -> None:
    with pytest.raises(InvalidInput) as caught:
        regimen_row(cycle=0, best_response=Response.NONE)
    assert caught.value.errors == [{"field": "cycle", "message": "cycle must be between 1 and 100 (got 0)"}]


def test_duration_rules_are_published() -> None:
    assert [rule.code for rule in DURATION_RULES] == [
        "max_cycles",
        "response_deadline",
        "hsct_recommended",
        "day_window",
        "no_reescalation",
    ]
    assert all(rule.citation.startswith("PI 2.") for rule in DURATION_RULES)
