"""Hypothesis properties of the statistics: invariants that must hold for every input."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from besponsa.evidence import fmt, stats
from besponsa.evidence.survival import kaplan_meier, logrank

pytestmark = [pytest.mark.property, pytest.mark.heavy]
SETTINGS = settings(max_examples=150, deadline=None)


@st.composite
def counts(draw: st.DrawFn, max_n: int = 400) -> tuple[int, int]:
    n = draw(st.integers(1, max_n))
    return draw(st.integers(0, n)), n


levels = st.sampled_from([0.8, 0.9, 0.95, 0.975, 0.99])


class TestProportionIntervals:
    """Every interval lies in [0, 1] and contains the point estimate."""

    @SETTINGS
    @given(counts(), levels)
    def test_clopper_pearson_contains_estimate(self, kn: tuple[int, int], level: float) -> None:
        k, n = kn
        ci = stats.clopper_pearson(k, n, level)
        assert 0.0 <= ci.low <= ci.estimate <= ci.high <= 1.0

    @SETTINGS
    @given(counts(), levels)
    def test_wilson_contains_estimate(self, kn: tuple[int, int], level: float) -> None:
        ci = stats.wilson(*kn, level)
        assert 0.0 <= ci.low <= ci.estimate + 1e-12 and ci.estimate - 1e-12 <= ci.high <= 1.0

    @SETTINGS
    @given(counts())
    def test_higher_level_gives_wider_interval(self, kn: tuple[int, int]) -> None:
        narrow, wide = stats.clopper_pearson(*kn, 0.9), stats.clopper_pearson(*kn, 0.99)
        assert wide.low <= narrow.low and narrow.high <= wide.high

    @SETTINGS
    @given(counts())
    def test_symmetry(self, kn: tuple[int, int]) -> None:
        k, n = kn
        a, b = stats.clopper_pearson(k, n), stats.clopper_pearson(n - k, n)
        assert a.low == pytest.approx(1 - b.high, abs=1e-9)


class TestDifferences:
    @SETTINGS
    @given(counts(), counts(), levels)
    def test_newcombe_contains_difference_and_stays_in_range(
        self, a: tuple[int, int], b: tuple[int, int], level: float
    ) -> None:
        d = stats.difference_newcombe(*a, *b, level)
        assert -1.0 <= d.low <= d.estimate + 1e-12 and d.estimate - 1e-12 <= d.high <= 1.0

    @SETTINGS
    @given(counts(), counts())
    def test_wald_is_centred(self, a: tuple[int, int], b: tuple[int, int]) -> None:
        d = stats.difference_wald(*a, *b)
        assert d.estimate - d.low == pytest.approx(d.high - d.estimate, abs=1e-12)

    @SETTINGS
    @given(counts(), counts())
    def test_swapping_arms_mirrors_the_interval(self, a: tuple[int, int], b: tuple[int, int]) -> None:
        d, e = stats.difference_newcombe(*a, *b), stats.difference_newcombe(*b, *a)
        assert d.low == pytest.approx(-e.high, abs=1e-12)


class TestTests:
    @SETTINGS
    @given(counts(200), counts(200))
    def test_p_values_are_probabilities(self, a: tuple[int, int], b: tuple[int, int]) -> None:
        for sided in ("one", "two"):
            assert 0.0 <= stats.chi2_2x2(*a, *b, sided).p <= 1.0
            assert 0.0 <= stats.fisher_2x2(*a, *b, sided).p <= 1.0 + 1e-12

    @SETTINGS
    @given(counts(200), counts(200))
    def test_one_sided_halves_two_sided_when_first_is_larger(
        self, a: tuple[int, int], b: tuple[int, int]
    ) -> None:
        if a[0] / a[1] > b[0] / b[1]:
            one, two = stats.chi2_2x2(*a, *b, "one"), stats.chi2_2x2(*a, *b, "two")
            assert one.p == pytest.approx(two.p / 2, rel=1e-6, abs=1e-300)


@st.composite
def survival_data(draw: st.DrawFn) -> tuple[list[float], list[int]]:
    n = draw(st.integers(1, 60))
    times = draw(st.lists(st.integers(0, 40).map(float), min_size=n, max_size=n))
    events = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    return times, events


class TestKaplanMeier:
    @SETTINGS
    @given(survival_data(), st.sampled_from(["log-log", "linear"]))
    def test_curve_is_monotone_and_bounded_and_inside_its_band(
        self, data: tuple[list[float], list[int]], transform: str
    ) -> None:
        km = kaplan_meier(*data, transform=transform)  # type: ignore[arg-type]
        assert np.all(np.diff(km.survival) <= 1e-15)
        assert np.all((km.survival >= 0) & (km.survival <= 1))
        assert np.all(km.lower <= km.survival + 1e-12) and np.all(km.survival <= km.upper + 1e-12)
        assert np.all(np.diff(km.at_risk) <= 0)
        assert int(km.events.sum() + km.censored.sum()) == len(data[0])

    @SETTINGS
    @given(survival_data())
    def test_median_lies_inside_its_interval(self, data: tuple[list[float], list[int]]) -> None:
        km = kaplan_meier(*data)
        median = km.median()
        low, high = km.median_ci()
        if median is not None:
            assert low is not None and low <= median
            assert high is None or median <= high

    @SETTINGS
    @given(survival_data(), st.lists(st.floats(0, 50), min_size=1, max_size=10))
    def test_at_risk_counts_subjects_still_followed(
        self, data: tuple[list[float], list[int]], at: list[float]
    ) -> None:
        km = kaplan_meier(*data)
        times = np.asarray(data[0])
        assert km.at_risk_at(at).tolist() == [int((times >= t).sum()) for t in at]


@SETTINGS
@given(survival_data(), st.data())
def test_logrank_is_symmetric(data: tuple[list[float], list[int]], draw: st.DataObject) -> None:
    times, events = data
    groups = draw.draw(st.lists(st.integers(0, 1), min_size=len(times), max_size=len(times)))
    if len(set(groups)) < 2:
        return
    try:
        a = logrank(times, events, groups)
    except ValueError:
        return  # no informative event time
    b = logrank(times, events, [1 - g for g in groups])
    assert a.statistic == pytest.approx(b.statistic, rel=1e-9, abs=1e-12)
    assert 0.0 <= a.p <= 1.0


@SETTINGS
@given(st.integers(0, 100_000), st.integers(0, 3))
def test_agrees_accepts_exactly_the_values_that_round_to_the_published_one(
    hundredths: int, places: int
) -> None:
    published = Decimal(hundredths).scaleb(-places)
    half = float(Decimal(5).scaleb(-places - 1))
    assert fmt.agrees(float(published), published)
    assert fmt.agrees(float(published) + 0.9 * half, published)
    assert not fmt.agrees(float(published) + 1.1 * half, published)
