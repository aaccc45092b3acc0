"""Kaplan–Meier, Greenwood bands, medians, numbers at risk and the log-rank test.

Oracles: lifelines (an independent implementation, test-only), small data sets worked by hand, and the
at-risk/survival table computed with lifelines during research (evidence_facts.md §4).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test
from lifelines.utils import median_survival_times

from besponsa.evidence import reconstructed
from besponsa.evidence.survival import kaplan_meier, logrank

TINY_TIME = [1.0, 2.0, 2.0, 3.0, 4.0, 5.0]
TINY_EVENT = [1, 1, 0, 1, 0, 1]


def test_tiny_data_by_hand() -> None:
    km = kaplan_meier(TINY_TIME, TINY_EVENT, transform="linear")
    # Distinct times 1, 2, 3, 4, 5; at risk 6, 5, 3, 2, 1; deaths 1, 1, 1, 0, 1.
    assert km.times.tolist() == [1, 2, 3, 4, 5]
    assert km.at_risk.tolist() == [6, 5, 3, 2, 1]
    assert km.events.tolist() == [1, 1, 1, 0, 1]
    assert km.censored.tolist() == [0, 1, 0, 1, 0]
    assert km.survival.tolist() == pytest.approx([5 / 6, 2 / 3, 4 / 9, 4 / 9, 0.0])
    # Greenwood at t = 3: S² (1/(6·5) + 1/(5·4) + 1/(3·2)) = (4/9)² · 0.25 → SE = 2/9.
    se = (4 / 9) * math.sqrt(1 / 30 + 1 / 20 + 1 / 6)
    assert se == pytest.approx(2 / 9)
    z = 1.959963984540054
    assert km.lower[2] == pytest.approx(4 / 9 - z * se)
    assert km.upper[2] == pytest.approx(4 / 9 + z * se)
    assert km.median() == 3.0
    assert km.at_risk_at([0, 2, 2.5, 5, 6]).tolist() == [6, 5, 3, 1, 0]
    assert km.survival_at([0.5, 1, 2.9, 10]).tolist() == pytest.approx([1.0, 5 / 6, 2 / 3, 0.0])
    assert km.n == 6


def test_log_log_band_by_hand() -> None:
    km = kaplan_meier(TINY_TIME, TINY_EVENT)
    s, var = 5 / 6, 1 / 30
    z = 1.959963984540054
    half = z * math.sqrt(var) / abs(math.log(s))
    assert km.lower[0] == pytest.approx(math.exp(-math.exp(math.log(-math.log(s)) + half)))
    assert km.upper[0] == pytest.approx(math.exp(-math.exp(math.log(-math.log(s)) - half)))
    # After everyone has died the band collapses to 0, as in lifelines.
    assert km.lower[-1] == 0.0 and km.upper[-1] == 0.0


def test_step_starts_at_zero() -> None:
    t, s, lo, hi = kaplan_meier(TINY_TIME, TINY_EVENT).step()
    assert t[0] == 0.0 and s[0] == 1.0 and lo[0] == 1.0 and hi[0] == 1.0
    assert len(t) == 6
    t0, *_ = kaplan_meier([0.0, 1.0], [1, 0]).step()
    assert t0[0] == 0.0 and len(t0) == 2


def test_logrank_by_hand() -> None:
    # Group 1 dies at 1 and 3, group 0 at 2 and 4. O1 = 2, E1 = 1/2 + 1/3 + 1/2, V = 1/4 + 2/9 + 1/4.
    result = logrank([1, 3, 2, 4], [1, 1, 1, 1], [1, 1, 0, 0])
    expected_1 = 0.5 + 1 / 3 + 0.5
    variance = 0.25 + 2 / 9 + 0.25
    assert result.observed == (2, 2)
    assert result.expected[0] == pytest.approx(expected_1)
    assert result.statistic == pytest.approx((2 - expected_1) ** 2 / variance)
    assert result.z > 0 and result.p_one_sided > 0.5


def _fit_lifelines(time: np.ndarray, event: np.ndarray) -> KaplanMeierFitter:
    return KaplanMeierFitter().fit(time, event)


def _compare_with_lifelines(time: np.ndarray, event: np.ndarray) -> None:
    ours = kaplan_meier(time, event)
    theirs = _fit_lifelines(time, event)
    grid = theirs.survival_function_.index.to_numpy()
    np.testing.assert_allclose(
        ours.survival_at(grid), theirs.survival_function_.iloc[:, 0].to_numpy(), atol=1e-12
    )
    lower, upper = ours.band_at(grid)
    band = theirs.confidence_interval_
    finite = np.isfinite(lower) & np.isfinite(band.iloc[:, 0].to_numpy())
    np.testing.assert_allclose(lower[finite], band.iloc[:, 0].to_numpy()[finite], atol=1e-10)
    np.testing.assert_allclose(upper[finite], band.iloc[:, 1].to_numpy()[finite], atol=1e-10)
    median = theirs.median_survival_time_
    assert (ours.median() if ours.median() is not None else math.inf) == pytest.approx(median)
    ci = median_survival_times(theirs.confidence_interval_).to_numpy()[0]
    low, high = ours.median_ci()
    assert (low if low is not None else math.inf) == pytest.approx(ci[0])
    assert (high if high is not None else math.inf) == pytest.approx(ci[1])
    # lifelines' event table: at_risk at each observed time counts subjects with time >= t.
    table = theirs.event_table
    observed = table.index.to_numpy()[table.index.to_numpy() > 0]
    np.testing.assert_array_equal(ours.at_risk_at(observed), table.loc[observed, "at_risk"].to_numpy())


@pytest.mark.parametrize("arm", [1, 0], ids=["besponsa", "comparator"])
def test_kaplan_meier_matches_lifelines_on_reconstructed_data(arm: int) -> None:
    _compare_with_lifelines(*reconstructed.load().arm_data(arm))


@pytest.mark.parametrize("seed", range(6))
def test_kaplan_meier_matches_lifelines_on_random_data_with_ties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 60))
    time = np.round(rng.exponential(10, n), 0) + 1.0  # whole numbers: many ties
    event = rng.integers(0, 2, n)
    _compare_with_lifelines(time, event)


def test_logrank_matches_lifelines_on_reconstructed_data() -> None:
    data = reconstructed.load()
    ours = logrank(data.time, data.event, data.arm)
    t1, e1 = data.arm_data(1)
    t0, e0 = data.arm_data(0)
    theirs = logrank_test(t1, t0, e1, e0)
    assert ours.statistic == pytest.approx(theirs.test_statistic, rel=1e-10)
    assert ours.p == pytest.approx(theirs.p_value, rel=1e-8)
    # evidence_facts §4: unstratified log-rank chi-square 4.92, two-sided P = 0.027.
    assert round(ours.statistic, 2) == 4.92
    assert round(ours.p, 3) == 0.027
    assert ours.z < 0 and ours.p_one_sided == pytest.approx(ours.p / 2)


@pytest.mark.parametrize("seed", range(4))
def test_logrank_matches_lifelines_on_random_data(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n = 40
    time = np.round(rng.exponential(8, n), 1) + 0.1
    event = rng.integers(0, 2, n)
    group = np.array([0, 1] * (n // 2))
    ours = logrank(time, event, group)
    theirs = logrank_test(time[group == 1], time[group == 0], event[group == 1], event[group == 0])
    assert ours.statistic == pytest.approx(theirs.test_statistic, rel=1e-9)
    assert ours.p == pytest.approx(theirs.p_value, rel=1e-8)


# evidence_facts.md §4: at risk and S(t) every 3 months, computed from the same pseudo-data with lifelines.
FACT_SHEET_TABLE = {
    1: (
        [164, 132, 94, 68, 53, 41, 31, 23, 17, 11, 9, 6, 2],
        [1.0, 0.826, 0.603, 0.447, 0.361, 0.304, 0.279, 0.267, 0.253, 0.253, 0.253, 0.253, 0.253],
    ),
    0: (
        [162, 115, 77, 56, 46, 30, 17, 6, 6, 5, 4, 3, 3],
        [1.0, 0.758, 0.539, 0.410, 0.350, 0.246, 0.178, 0.128, 0.128, 0.128, 0.103, 0.077, 0.077],
    ),
}


@pytest.mark.parametrize("arm", [1, 0], ids=["besponsa", "comparator"])
def test_number_at_risk_and_survival_match_the_fact_sheet(arm: int) -> None:
    km = kaplan_meier(*reconstructed.load().arm_data(arm))
    months = np.arange(0, 37, 3, dtype=np.float64)
    at_risk, survival = FACT_SHEET_TABLE[arm]
    assert km.at_risk_at(months).tolist() == at_risk
    np.testing.assert_allclose(km.survival_at(months), survival, atol=0.0005)


def test_reconstruction_fidelity_figures() -> None:
    """The data README's fidelity notes: 113 vs 123 deaths, medians 7.8 vs 7.3 months."""
    data = reconstructed.load()
    assert len(data.time) == 326
    assert int(data.event[data.arm == 1].sum()) == 113
    assert int(data.event[data.arm == 0].sum()) == 123
    assert round(kaplan_meier(*data.arm_data(1)).median() or 0, 1) == 7.8
    assert round(kaplan_meier(*data.arm_data(0)).median() or 0, 1) == 7.3


@pytest.mark.parametrize(
    ("time", "event", "message"),
    [
        ([], [], "no observations"),
        ([1.0, 2.0], [1], "same length"),
        ([1.0, -2.0], [1, 1], "not negative"),
        ([1.0, float("nan")], [1, 1], "finite"),
        ([1.0, 2.0], [1, 2], "event must be"),
    ],
)
def test_bad_input_is_rejected(time: list[float], event: list[int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        kaplan_meier(time, event)


def test_bad_transform_and_groups_are_rejected() -> None:
    with pytest.raises(ValueError, match="transform"):
        kaplan_meier([1.0], [1], transform="log")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="group must be"):
        logrank([1.0, 2.0], [1, 1], [0, 2])
    with pytest.raises(ValueError, match="both groups"):
        logrank([1.0, 2.0], [1, 1], [1, 1])
    with pytest.raises(ValueError, match="variance is zero"):
        logrank([1.0, 2.0], [0, 0], [1, 0])


def test_arrays_are_read_only() -> None:
    km = kaplan_meier(TINY_TIME, TINY_EVENT)
    with pytest.raises(ValueError, match="read-only"):
        km.survival[0] = 0.5
