"""Statistics for proportions: exact and score intervals, differences between arms, 2×2 tests.

All functions take counts (``k`` events of ``n``) and return plain floats on the 0–1 scale; callers
format them as percentages. Levels are given as a fraction (0.95, 0.975).

Methods, and why each is here (scipy computes every one it has; our own code is only what scipy lacks:
the two intervals for a difference and the P value implied by a hazard ratio):

- :func:`clopper_pearson` — the exact interval the trial publications use for every response rate
  (scipy's ``binomtest(...).proportion_ci(method="exact")``).
- :func:`wilson` — the score interval (scipy's ``method="wilson"``), a building block of
  :func:`difference_newcombe`.
- :func:`difference_wald` — the unpooled normal-approximation interval; it reproduces the published
  INO-VATE differences (51.4 %, 97.5 % CI 38.4–64.3; 50.3 %, 97.5 % CI 29.9–70.6).
- :func:`difference_newcombe` — Newcombe's hybrid score interval (method 10 of Newcombe 1998); it behaves
  well for the small subgroups where the Wald interval fails (0 or 100 % in an arm).
- :func:`chi2_2x2` — Pearson's chi-squared without continuity correction (scipy's ``chi2_contingency``), one-
  or two-sided (the one-sided P is that of the signed z statistic, z² = χ²). INO-VATE compared CR/CRi with a
  one-sided chi-squared test.
- :func:`fisher_2x2` — Fisher's exact test (scipy's ``fisher_exact``; used for the small genomic subgroups).
- :func:`hazard_ratio_wald_p` — the P value a hazard ratio and its CI imply on the log scale.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Literal

from scipy import stats as _sps

__all__ = [
    "Estimate",
    "TestResult",
    "chi2_2x2",
    "clopper_pearson",
    "difference_newcombe",
    "difference_wald",
    "fisher_2x2",
    "hazard_ratio_wald_p",
    "proportion",
    "wilson",
    "z_quantile",
]


def __dir__() -> list[str]:
    return __all__


Sidedness = Literal["one", "two"]


@dataclass(frozen=True, slots=True)
class Estimate:
    """A point estimate with a two-sided confidence interval at ``level`` (fractions, not percent)."""

    estimate: float
    low: float
    high: float
    level: float


@dataclass(frozen=True, slots=True)
class TestResult:
    statistic: float
    p: float
    sided: Sidedness


def _check_counts(k: int, n: int) -> None:
    # Callers may pass numpy integers or bools from untyped data; reject anything that is not a plain int.
    if type(k) is not int or type(n) is not int:  # bool is an int subclass and must fail
        raise TypeError(f"counts must be integers, got k={k!r}, n={n!r}")
    if n <= 0:
        raise ValueError(f"n must be positive, got {n}")
    if not 0 <= k <= n:
        raise ValueError(f"k must be between 0 and n={n}, got {k}")


def _check_level(level: float) -> None:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be a fraction between 0 and 1 (e.g. 0.95), got {level}")


def z_quantile(level: float) -> float:
    """The two-sided normal quantile for ``level`` (1.95996… for 0.95, 2.24140… for 0.975)."""
    _check_level(level)
    return float(_sps.norm.ppf(1.0 - (1.0 - level) / 2.0))


def proportion(k: int, n: int) -> float:
    _check_counts(k, n)
    return k / n


def clopper_pearson(k: int, n: int, level: float = 0.95) -> Estimate:
    """Exact (Clopper–Pearson) interval for ``k`` of ``n``.

    >>> ci = clopper_pearson(88, 109)
    >>> round(100 * ci.low, 1), round(100 * ci.high, 1)
    (72.1, 87.7)
    """
    _check_counts(k, n)
    _check_level(level)
    return Estimate(k / n, *_binomial_ci(k, n, level, "exact"), level)


def wilson(k: int, n: int, level: float = 0.95) -> Estimate:
    """Wilson score interval (no continuity correction)."""
    _check_counts(k, n)
    _check_level(level)
    return Estimate(k / n, *_binomial_ci(k, n, level, "wilson"), level)


@functools.lru_cache(maxsize=4096)
def _binomial_ci(k: int, n: int, level: float, method: Literal["exact", "wilson"]) -> tuple[float, float]:
    # Cached: scipy finds the exact limits by root-finding (a few ms each), and the report, the page
    # builders and the derived-count checks ask for the same few (k, n, level) again and again.
    ci = _sps.binomtest(k, n).proportion_ci(confidence_level=level, method=method)
    return float(ci.low), float(ci.high)


def difference_wald(k1: int, n1: int, k2: int, n2: int, level: float = 0.95) -> Estimate:
    """Difference p1 − p2 with the unpooled Wald interval (not clipped to [−1, 1])."""
    _check_counts(k1, n1)
    _check_counts(k2, n2)
    z = z_quantile(level)
    p1, p2 = k1 / n1, k2 / n2
    se = math.sqrt(p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2)
    return Estimate(p1 - p2, p1 - p2 - z * se, p1 - p2 + z * se, level)


def difference_newcombe(k1: int, n1: int, k2: int, n2: int, level: float = 0.95) -> Estimate:
    """Difference p1 − p2 with Newcombe's hybrid score interval (1998, method 10).

    Combines the Wilson intervals (l1, u1) and (l2, u2) of each arm:
    low = d − √((p1 − l1)² + (u2 − p2)²), high = d + √((u1 − p1)² + (p2 − l2)²).
    """
    a = wilson(k1, n1, level)
    b = wilson(k2, n2, level)
    d = a.estimate - b.estimate
    low = d - math.hypot(a.estimate - a.low, b.high - b.estimate)
    high = d + math.hypot(a.high - a.estimate, b.estimate - b.low)
    return Estimate(d, max(-1.0, low), min(1.0, high), level)


def chi2_2x2(k1: int, n1: int, k2: int, n2: int, sided: Sidedness = "two") -> TestResult:
    """Pearson chi-squared test of k1/n1 vs k2/n2, without continuity correction.

    ``sided="one"`` tests the alternative p1 > p2: P = 1 − Φ(z) with z the signed square root of χ².
    """
    _check_counts(k1, n1)
    _check_counts(k2, n2)
    events, total = k1 + k2, n1 + n2
    if events in (0, total):
        # No variation: the statistic is 0 and nothing can be rejected (scipy refuses a zero expected count).
        return TestResult(0.0, 1.0 if sided == "two" else 0.5, sided)
    result = _sps.chi2_contingency([[k1, n1 - k1], [k2, n2 - k2]], correction=False)
    statistic = float(result.statistic)
    if sided == "two":
        return TestResult(statistic, float(result.pvalue), sided)
    z = math.copysign(math.sqrt(statistic), k1 / n1 - k2 / n2)
    return TestResult(statistic, float(_sps.norm.sf(z)), sided)


def fisher_2x2(k1: int, n1: int, k2: int, n2: int, sided: Sidedness = "two") -> TestResult:
    """Fisher's exact test of k1/n1 vs k2/n2; ``sided="one"`` tests p1 > p2. Statistic: the odds ratio."""
    _check_counts(k1, n1)
    _check_counts(k2, n2)
    table = [[k1, n1 - k1], [k2, n2 - k2]]
    result = _sps.fisher_exact(table, alternative="two-sided" if sided == "two" else "greater")
    return TestResult(float(result.statistic), float(result.pvalue), sided)


def hazard_ratio_wald_p(hr: float, low: float, high: float, level: float, sided: Sidedness = "one") -> float:
    """P value implied by a hazard ratio and its CI (Wald, log scale; one-sided tests HR < 1).

    The standard error is (ln high − ln low) / (2 z). A published log-rank P will differ a little: it is
    another test of the same hypothesis, so this is a coherence check, not a reproduction.
    """
    if not 0.0 < low <= hr <= high:
        raise ValueError(f"need 0 < low <= hr <= high, got {low}, {hr}, {high}")
    se = (math.log(high) - math.log(low)) / (2.0 * z_quantile(level))
    z = -math.log(hr) / se
    if sided == "one":
        return float(_sps.norm.sf(z))
    return float(2.0 * _sps.norm.sf(abs(z)))
