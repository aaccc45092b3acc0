"""Safety monitor: QTc corrections and flags (PI 5.5, 12.2), pre-dose checks, cytoreduction (PI 2.2),
VOD risk factors (Boxed Warning, PI 5.1)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from besponsa.clinical.citations import Confirmation
from besponsa.clinical.errors import InvalidInput
from besponsa.clinical.monitoring import (
    MONITORING_CHECKLIST,
    PRE_DOSE_CHECKS,
    VOD_RISK_FACTORS,
    When,
    checklist,
    cytoreduction_check,
    qtc,
    vod_risk_factors,
)

D = Decimal


@pytest.mark.parametrize(("qt", "rate"), [(400, 60), (420, 75), (380, 110), (500, 45), (300, 150)])
def test_corrections_match_the_formulas(qt: int, rate: int) -> None:
    result = qtc(qt_ms=D(qt), heart_rate_bpm=D(rate))
    rr = 60 / rate
    assert float(result.qtcf_ms) == pytest.approx(qt / rr ** (1 / 3), abs=0.05)
    assert float(result.qtcb_ms) == pytest.approx(qt / math.sqrt(rr), abs=0.05)


def test_worked_example() -> None:
    result = qtc(qt_ms=D(420), heart_rate_bpm=D(75), baseline_qtcf_ms=D(430))
    assert (result.qtcf_ms, result.qtcb_ms, result.rr_s) == (D("452.4"), D("469.6"), D("0.8"))
    assert result.change_from_baseline_ms == D("22.4")
    assert (result.qtcf_over_500, result.increase_60_or_more, result.ctcae_grade) == (False, False, 1)
    assert result.citations == ("PI 5.5", "PI 12.2")


@pytest.mark.parametrize(
    ("qt", "baseline", "over_500", "up_60", "ctcae"),
    [
        ("500", None, False, None, 2),  # 500.0 is not above 500
        ("500.1", None, True, None, 3),
        ("500", "440", False, True, 2),  # +60 raises the flag; CTCAE grade 3 needs more than 60
        ("500", "439.9", False, True, 3),
        ("470", "410.1", False, False, 1),
    ],
)
def test_flags_at_heart_rate_60(
    qt: str, baseline: str | None, over_500: bool, up_60: bool | None, ctcae: int
) -> None:
    result = qtc(
        qt_ms=D(qt), heart_rate_bpm=D(60), baseline_qtcf_ms=None if baseline is None else D(baseline)
    )
    assert (result.qtcf_over_500, result.increase_60_or_more, result.ctcae_grade) == (over_500, up_60, ctcae)


def test_extreme_corrections_still_grade() -> None:
    assert qtc(qt_ms=D(100), heart_rate_bpm=D(20)).ctcae_grade == 0  # QTcF about 69 ms
    assert qtc(qt_ms=D(1000), heart_rate_bpm=D(300)).ctcae_grade == 3


def test_qtc_ranges() -> None:
    with pytest.raises(InvalidInput) as caught:
        qtc(qt_ms=D(90), heart_rate_bpm=D(301), baseline_qtcf_ms=D(2000))
    assert [e["field"] for e in caught.value.errors] == ["qt_ms", "heart_rate_bpm", "baseline_qtcf_ms"]


# Issue #10 item 9: the checklist, each item with its section, when it is due and its confirmation.
CHECKLIST = [
    ("pregnancy_test", When.BEFORE_FIRST_DOSE, "PI 8.3", Confirmation.UNCONFIRMED),
    ("cytoreduction", When.BEFORE_FIRST_DOSE, "PI 2.2", Confirmation.SECONDARY),
    ("hepatic_impairment", When.BEFORE_FIRST_DOSE, "PI 8.6", Confirmation.SECONDARY),
    ("ecg_baseline", When.BEFORE_FIRST_DOSE, "PI 5.5", Confirmation.SECONDARY),
    ("cbc", When.BEFORE_EACH_DOSE, "PI 5.3", Confirmation.SECONDARY),
    ("liver_tests", When.BEFORE_EACH_DOSE, "PI 5.1", Confirmation.SECONDARY),
    ("premedication", When.BEFORE_EACH_DOSE, "PI 2.2", Confirmation.SECONDARY),
    ("observation", When.DURING_INFUSION, "PI 5.4", Confirmation.SECONDARY),
    ("liver_tests_after_dose", When.AFTER_EACH_DOSE, "PI 5.1", Confirmation.SECONDARY),
    ("ecg_qt_drug", When.QT_DRUG_STARTED, "PI 5.5", Confirmation.SECONDARY),
    ("anti_infectives", When.THROUGHOUT, "PI 5.3", Confirmation.SECONDARY),
    ("liver_tests_after_hsct", When.AFTER_HSCT, "PI 5.1", Confirmation.SECONDARY),
]


def test_monitoring_checklist_is_complete() -> None:
    assert [(c.code, c.when, c.citation, c.status) for c in MONITORING_CHECKLIST] == CHECKLIST
    by_code = {check.code: check for check in PRE_DOSE_CHECKS}
    premedication = by_code["premedication"].text
    assert all(word in premedication for word in ("corticosteroid", "antipyretic", "antihistamine"))
    assert "at least 1 hour" in by_code["observation"].text
    assert (
        "1.5 × ULN" in by_code["hepatic_impairment"].text
        and "2.5 × ULN" in by_code["hepatic_impairment"].text
    )


@pytest.mark.parametrize(
    ("cycle", "hsct", "first_dose", "after_hsct"),
    [(1, False, True, False), (1, True, True, True), (2, False, False, False), (3, True, False, True)],
)
def test_checklist_for_a_cycle(cycle: int, hsct: bool, first_dose: bool, after_hsct: bool) -> None:
    whens = {check.when for check in checklist(cycle=cycle, hsct_planned=hsct)}
    assert (When.BEFORE_FIRST_DOSE in whens) is first_dose
    assert (When.AFTER_HSCT in whens) is after_hsct
    assert {When.BEFORE_EACH_DOSE, When.AFTER_EACH_DOSE, When.QT_DRUG_STARTED, When.THROUGHOUT} <= whens


@pytest.mark.parametrize(("blasts", "passed"), [("0", True), ("10", True), ("10.01", False), ("50", False)])
def test_cytoreduction(blasts: str, passed: bool) -> None:
    check = cytoreduction_check(peripheral_blasts=D(blasts))
    assert check.passed is passed
    assert check.citation == "PI 2.2"


def test_cytoreduction_range() -> None:
    with pytest.raises(InvalidInput):
        cytoreduction_check(peripheral_blasts=D(-1))


def test_vod_risk_factors() -> None:
    found = vod_risk_factors(present=frozenset({"prior_hsct", "prior_liver_disease"}), cycle=3)
    assert [factor.code for factor in found] == ["prior_liver_disease", "prior_hsct", "more_cycles"]
    assert "cycle 3" in found[-1].text
    assert vod_risk_factors(present=frozenset(), cycle=1) == ()
    assert vod_risk_factors(present=frozenset()) == ()
    assert len({factor.code for factor in VOD_RISK_FACTORS}) == len(VOD_RISK_FACTORS)
    with pytest.raises(ValueError, match="unknown VOD risk factor"):
        vod_risk_factors(present=frozenset({"smoking"}))
