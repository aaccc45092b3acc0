"""Proportions, differences and 2×2 tests, checked against published values and independent code.

Oracles: the published intervals of INO-VATE ALL and study WI203581 (evidence_facts.md §2, §6, §9), the
textbook closed forms (Clopper–Pearson as beta quantiles, the Wilson formula, the pooled z statistic;
`stats` itself calls scipy's binomtest and chi2_contingency, so the oracle must be other code), Newcombe
(1998) Table II, and values worked by hand.
"""

from __future__ import annotations

import math

import pytest
from scipy import stats as sps

from besponsa.evidence import stats

# (k, n, published low, published high) — every 95% CI the issue lists, plus the others in §9.
PUBLISHED_CIS = [
    (88, 109, 72.1, 87.7),  # CR/CRi, BESPONSA
    (32, 109, 21.0, 38.8),  # CR/CRi, investigator's choice
    (69, 88, 68.4, 86.5),  # MRD-negative among CR/CRi, BESPONSA
    (9, 32, 13.7, 46.7),  # MRD-negative among CR/CRi, investigator's choice
    (22, 53, 28.1, 55.9),  # pediatric CR
    (21, 22, 77.2, 99.9),  # pediatric MRD-negative, flow
    (19, 22, 65.1, 97.1),  # pediatric MRD-negative, RQ-PCR
    (79, 164, 40.3, 56.1),  # HSCT any time, BESPONSA
    (35, 162, 15.5, 28.7),  # HSCT any time, investigator's choice
    (65, 164, 32.1, 47.6),  # HSCT directly after CR/CRi, BESPONSA
    (17, 162, 6.2, 16.3),  # HSCT directly after CR/CRi, investigator's choice
]


@pytest.mark.parametrize(("k", "n", "low", "high"), PUBLISHED_CIS)
def test_clopper_pearson_reproduces_published_interval(k: int, n: int, low: float, high: float) -> None:
    ci = stats.clopper_pearson(k, n)
    assert abs(100 * ci.low - low) <= 0.1  # the criterion: 0.1 percentage point
    assert abs(100 * ci.high - high) <= 0.1
    # Stricter: each recomputed limit rounds to the printed one (within half a unit of the last digit).
    assert abs(100 * ci.low - low) <= 0.05
    assert abs(100 * ci.high - high) <= 0.05


@pytest.mark.parametrize(("k", "n"), [(0, 1), (0, 7), (3, 7), (7, 7), (1, 200), (199, 200), (57, 113)])
@pytest.mark.parametrize("level", [0.9, 0.95, 0.975])
def test_clopper_pearson_matches_the_beta_quantiles(k: int, n: int, level: float) -> None:
    # The definition: the limits are the α/2 and 1 − α/2 quantiles of Beta(k, n − k + 1), Beta(k + 1, n − k).
    alpha = 1 - level
    ours = stats.clopper_pearson(k, n, level)
    low = 0.0 if k == 0 else sps.beta.ppf(alpha / 2, k, n - k + 1)
    high = 1.0 if k == n else sps.beta.ppf(1 - alpha / 2, k + 1, n - k)
    # scipy finds the limits by root-finding, to about 5e-13 of the closed form.
    assert ours.low == pytest.approx(low, abs=1e-12)
    assert ours.high == pytest.approx(high, abs=1e-12)


@pytest.mark.parametrize(("k", "n"), [(0, 5), (5, 5), (81, 263), (1, 2)])
def test_wilson_matches_the_score_formula(k: int, n: int) -> None:
    ours = stats.wilson(k, n)
    z, p = 1.959963984540054, k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert ours.low == pytest.approx(max(0.0, centre - half), abs=1e-12)
    assert ours.high == pytest.approx(min(1.0, centre + half), abs=1e-12)


def test_edges_are_exact() -> None:
    assert stats.clopper_pearson(0, 10).low == 0.0
    assert stats.clopper_pearson(10, 10).high == 1.0
    # Worked by hand: the exact upper limit for 0/n is 1 − (α/2)^(1/n).
    assert stats.clopper_pearson(0, 10).high == pytest.approx(1 - 0.025 ** (1 / 10))


@pytest.mark.parametrize(("k", "n"), [(-1, 5), (6, 5), (1, 0)], ids=["negative", "above-n", "zero-n"])
def test_bad_counts_are_rejected(k: int, n: int) -> None:
    with pytest.raises(ValueError, match="must be"):
        stats.clopper_pearson(k, n)


def test_non_integer_counts_are_rejected() -> None:
    with pytest.raises(TypeError):
        stats.clopper_pearson(1.0, 5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        stats.clopper_pearson(True, 5)


def test_bad_level_is_rejected() -> None:
    with pytest.raises(ValueError, match="fraction"):
        stats.clopper_pearson(1, 5, 95)


@pytest.mark.parametrize(
    ("counts", "estimate", "low", "high"),
    [
        ((88, 109, 32, 109), 51.4, 38.4, 64.3),  # CR/CRi difference, 97.5% CI (NEJM 2016)
        ((69, 88, 9, 32), 50.3, 29.9, 70.6),  # MRD-negative difference, 97.5% CI
    ],
)
def test_wald_difference_reproduces_published(
    counts: tuple[int, int, int, int], estimate: float, low: float, high: float
) -> None:
    d = stats.difference_wald(*counts, level=0.975)
    assert 100 * d.estimate == pytest.approx(estimate, abs=0.05)
    assert 100 * d.low == pytest.approx(low, abs=0.05)
    assert 100 * d.high == pytest.approx(high, abs=0.05)


def test_wald_difference_by_hand() -> None:
    p1, p2 = 88 / 109, 32 / 109
    se = math.sqrt(p1 * (1 - p1) / 109 + p2 * (1 - p2) / 109)
    z = 2.241402727604945  # Φ⁻¹(0.9875)
    d = stats.difference_wald(88, 109, 32, 109, level=0.975)
    assert d.low == pytest.approx(p1 - p2 - z * se, abs=1e-12)
    assert d.high == pytest.approx(p1 - p2 + z * se, abs=1e-12)


# Newcombe RG. Interval estimation for the difference between independent proportions: comparison of
# eleven methods. Stat Med 1998;17:873-890, Table II, method 10 (hybrid score, no continuity correction).
NEWCOMBE_TABLE_II = [
    ((56, 70, 48, 80), 0.0524, 0.3339),
    ((9, 10, 3, 10), 0.1705, 0.8090),
    ((5, 56, 0, 29), -0.0381, 0.1926),
    ((0, 10, 0, 20), -0.1611, 0.2775),
    ((0, 10, 0, 10), -0.2775, 0.2775),
    ((10, 10, 0, 20), 0.6791, 1.0000),
    ((10, 10, 0, 10), 0.6075, 1.0000),
]


@pytest.mark.parametrize(("counts", "low", "high"), NEWCOMBE_TABLE_II)
def test_newcombe_reproduces_newcombe_1998(
    counts: tuple[int, int, int, int], low: float, high: float
) -> None:
    d = stats.difference_newcombe(*counts)
    assert d.low == pytest.approx(low, abs=5e-5)
    assert d.high == pytest.approx(high, abs=5e-5)


@pytest.mark.parametrize(
    ("counts", "chi2"),
    [
        ((88, 109, 32, 109), 58.13),  # evidence_facts §9
        ((69, 88, 9, 32), 26.08),
        ((39, 109, 19, 109), 9.40),
        ((79, 164, 35, 162), 25.29),
    ],
)
def test_chi2_matches_hand_values_and_the_pooled_z(counts: tuple[int, int, int, int], chi2: float) -> None:
    k1, n1, k2, n2 = counts
    ours = stats.chi2_2x2(k1, n1, k2, n2)
    pooled = (k1 + k2) / (n1 + n2)
    z = (k1 / n1 - k2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    assert ours.statistic == pytest.approx(chi2, abs=0.005)
    assert ours.statistic == pytest.approx(z * z, rel=1e-10)
    assert ours.p == pytest.approx(math.erfc(abs(z) / math.sqrt(2)), rel=1e-8)


def test_chi2_one_sided_is_half_the_two_sided_in_the_expected_direction() -> None:
    two = stats.chi2_2x2(88, 109, 32, 109, "two")
    one = stats.chi2_2x2(88, 109, 32, 109, "one")
    assert one.p == pytest.approx(two.p / 2, rel=1e-6)
    assert one.p < 0.0001  # published: one-sided P < 0.0001
    reverse = stats.chi2_2x2(32, 109, 88, 109, "one")
    assert reverse.p == pytest.approx(1 - two.p / 2)


def test_chi2_without_variation() -> None:
    assert stats.chi2_2x2(0, 10, 0, 12).p == 1.0
    assert stats.chi2_2x2(10, 10, 12, 12, "one").p == 0.5


@pytest.mark.parametrize(
    ("counts", "published"),
    [((6, 7, 0, 5), 0.0076), ((5, 5, 1, 8), 0.0047)],  # genomic subgroups, Blood Adv 2024
)
def test_fisher_one_sided_reproduces_published(counts: tuple[int, int, int, int], published: float) -> None:
    ours = stats.fisher_2x2(*counts, sided="one")
    k1, n1, k2, n2 = counts
    theirs = sps.fisher_exact([[k1, n1 - k1], [k2, n2 - k2]], alternative="greater")
    assert ours.p == pytest.approx(theirs.pvalue)
    assert round(ours.p, 4) == published
    assert stats.fisher_2x2(*counts).p >= ours.p


@pytest.mark.parametrize(
    ("hr", "low", "high", "implied"),
    [
        (0.77, 0.58, 1.03, 0.021),  # NEJM 2016 OS (published stratified log-rank 0.0203)
        (0.751, 0.568, 0.993, 0.011),  # Cancer 2019 OS (published 0.0105)
        (0.751, 0.588, 0.959, 0.011),  # the UK-page interval, read as a 95% CI (evidence_facts §2c)
    ],
)
def test_hazard_ratio_implied_p(hr: float, low: float, high: float, implied: float) -> None:
    level = 0.95 if low == 0.588 else 0.975
    assert stats.hazard_ratio_wald_p(hr, low, high, level) == pytest.approx(implied, abs=0.001)
    assert stats.hazard_ratio_wald_p(hr, low, high, level, "two") == pytest.approx(
        2 * stats.hazard_ratio_wald_p(hr, low, high, level)
    )


def test_hazard_ratio_needs_ordered_limits() -> None:
    with pytest.raises(ValueError, match="low <= hr <= high"):
        stats.hazard_ratio_wald_p(0.5, 0.6, 0.9, 0.95)


def test_z_quantiles() -> None:
    assert stats.z_quantile(0.95) == pytest.approx(1.959963984540054)
    assert stats.z_quantile(0.975) == pytest.approx(2.241402727604945)
