"""Kaplan–Meier estimation with Greenwood confidence bands, medians, numbers at risk, and the log-rank test.

Implemented with numpy/scipy; tests cross-check every quantity against lifelines (a test-only
dependency) and against small data sets worked by hand.

Conventions (the same as lifelines, so the cross-check is exact):

- The estimate is right-continuous: S(t) includes the deaths at t.
- Greenwood's variance of S(t) is S(t)² Σ dᵢ / (nᵢ (nᵢ − dᵢ)) over event times tᵢ ≤ t.
- The default band is the log-log ("exponential Greenwood") transform, which stays inside [0, 1];
  ``transform="linear"`` gives the plain S ± z·SE band, clipped to [0, 1].
- The median is the first time at which S(t) ≤ 0.5 (``None`` if the curve never gets there). Its CI is
  where the lower and upper bands first reach 0.5 (the upper limit is ``None``, "not estimable", if the
  upper band never does).
- The number at risk at time t counts subjects whose time is ≥ t (still under observation just before t).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np
import numpy.typing as npt
from scipy import stats as _sps

from besponsa.evidence.stats import z_quantile

__all__ = ["KaplanMeier", "LogRank", "kaplan_meier", "logrank"]


def __dir__() -> list[str]:
    return __all__


FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Transform = Literal["log-log", "linear"]


_A = TypeVar("_A", FloatArray, IntArray)


def _frozen(array: _A) -> _A:
    array.flags.writeable = False
    return array


def _validate(
    time: Sequence[float] | FloatArray, event: Sequence[int] | IntArray
) -> tuple[FloatArray, IntArray]:
    t = np.asarray(time, dtype=np.float64)
    e_raw = np.asarray(event)
    if t.ndim != 1 or e_raw.ndim != 1 or t.shape != e_raw.shape:
        raise ValueError("time and event must be one-dimensional and of the same length")
    if t.size == 0:
        raise ValueError("no observations")
    if not np.all(np.isfinite(t)) or np.any(t < 0):
        raise ValueError("times must be finite and not negative")
    if not np.all(np.isin(e_raw, (0, 1))):
        raise ValueError("event must be 1 (event) or 0 (censored)")
    return t, e_raw.astype(np.int64)


@dataclass(frozen=True, eq=False, slots=True)
class KaplanMeier:
    """A fitted Kaplan–Meier curve: one row per distinct observed time (event or censoring).

    Arrays are read-only. Once S reaches 0 the band is 0 too (the lifelines convention).
    """

    times: FloatArray
    at_risk: IntArray
    events: IntArray
    censored: IntArray
    survival: FloatArray
    lower: FloatArray
    upper: FloatArray
    level: float
    transform: Transform

    @property
    def n(self) -> int:
        return int(self.at_risk[0])

    def _index(self, at: Sequence[float] | FloatArray) -> IntArray:
        # Position of the last observed time <= t, or -1 before the first one.
        return (
            np.searchsorted(self.times, np.asarray(at, dtype=np.float64), side="right").astype(np.int64) - 1
        )

    def survival_at(self, at: Sequence[float] | FloatArray) -> FloatArray:
        idx = self._index(at)
        return np.where(idx >= 0, self.survival[np.maximum(idx, 0)], 1.0)

    def band_at(self, at: Sequence[float] | FloatArray) -> tuple[FloatArray, FloatArray]:
        idx = self._index(at)
        safe = np.maximum(idx, 0)
        return np.where(idx >= 0, self.lower[safe], 1.0), np.where(idx >= 0, self.upper[safe], 1.0)

    def at_risk_at(self, at: Sequence[float] | FloatArray) -> IntArray:
        """Number at risk at each time: subjects with an observed time ≥ t."""
        # at_risk[i] already counts times >= times[i]; for t between observed times use the next one.
        idx = np.searchsorted(self.times, np.asarray(at, dtype=np.float64), side="left")
        padded = np.append(self.at_risk, 0)
        return padded[idx].astype(np.int64)

    def _first_time_at_or_below(self, curve: FloatArray, q: float) -> float | None:
        hits = np.nonzero(curve <= q)[0]
        return float(self.times[hits[0]]) if hits.size else None

    def median(self) -> float | None:
        return self._first_time_at_or_below(self.survival, 0.5)

    def median_ci(self) -> tuple[float | None, float | None]:
        return (
            self._first_time_at_or_below(self.lower, 0.5),
            self._first_time_at_or_below(self.upper, 0.5),
        )

    def step(self) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """(times, survival, lower, upper) from t = 0, ready for a step plot (``where="post"``)."""
        start = 0.0 if self.times[0] > 0 else None
        if start is None:
            return self.times, self.survival, self.lower, self.upper
        one = np.array([1.0])
        return (
            np.concatenate([[start], self.times]),
            np.concatenate([one, self.survival]),
            np.concatenate([one, self.lower]),
            np.concatenate([one, self.upper]),
        )


def kaplan_meier(
    time: Sequence[float] | FloatArray,
    event: Sequence[int] | IntArray,
    *,
    level: float = 0.95,
    transform: Transform = "log-log",
) -> KaplanMeier:
    """Fit a Kaplan–Meier curve to right-censored data (``event`` 1 = event, 0 = censored)."""
    t, e = _validate(time, event)
    z = z_quantile(level)
    times, inverse = np.unique(t, return_inverse=True)
    deaths = np.bincount(inverse, weights=e, minlength=times.size).astype(np.int64)
    removed = np.bincount(inverse, minlength=times.size).astype(np.int64)
    at_risk = t.size - np.concatenate([[0], np.cumsum(removed)[:-1]]).astype(np.int64)
    survival = np.cumprod(1.0 - deaths / at_risk)

    with np.errstate(divide="ignore", invalid="ignore"):
        # Greenwood terms; at_risk == deaths (everyone left dies) gives +inf, as it should.
        terms = np.where(deaths > 0, deaths / (at_risk * (at_risk - deaths)), 0.0)
        greenwood = np.cumsum(terms)
        if transform == "log-log":
            log_s = np.log(survival)
            half = z * np.sqrt(greenwood) / np.abs(log_s)
            centre = np.log(-log_s)
            lower = np.exp(-np.exp(centre + half))
            upper = np.exp(-np.exp(centre - half))
        elif transform == "linear":
            se = survival * np.sqrt(greenwood)
            lower = np.clip(survival - z * se, 0.0, 1.0)
            upper = np.clip(survival + z * se, 0.0, 1.0)
        else:
            raise ValueError(f"transform must be 'log-log' or 'linear', got {transform!r}")
    no_event_yet = survival == 1.0
    lower = np.where(no_event_yet, 1.0, lower)
    upper = np.where(no_event_yet, 1.0, upper)
    # Once S reaches 0 the Greenwood variance is infinite; like lifelines, report a degenerate band at 0
    # (R's survival package reports NA there instead).
    gone = survival == 0.0
    lower = np.where(gone, 0.0, lower)
    upper = np.where(gone, 0.0, upper)

    return KaplanMeier(
        times=_frozen(times),
        at_risk=_frozen(at_risk),
        events=_frozen(deaths),
        censored=_frozen(removed - deaths),
        survival=_frozen(survival.astype(np.float64)),
        lower=_frozen(lower.astype(np.float64)),
        upper=_frozen(upper.astype(np.float64)),
        level=level,
        transform=transform,
    )


@dataclass(frozen=True, slots=True)
class LogRank:
    """Two-group log-rank test. ``observed``/``expected`` are (group 1, group 0) event counts."""

    statistic: float  # chi-squared, 1 degree of freedom
    p: float  # two-sided
    z: float  # signed: negative when group 1 has fewer events than expected
    observed: tuple[int, int]
    expected: tuple[float, float]

    @property
    def p_one_sided(self) -> float:
        """One-sided P for the alternative that group 1 has the lower hazard."""
        return float(_sps.norm.cdf(self.z))


def logrank(
    time: Sequence[float] | FloatArray,
    event: Sequence[int] | IntArray,
    group: Sequence[int] | IntArray,
) -> LogRank:
    """Log-rank (Mantel–Haenszel) test of group 1 vs group 0, with the hypergeometric variance."""
    t, e = _validate(time, event)
    g = np.asarray(group)
    if g.shape != t.shape or not np.all(np.isin(g, (0, 1))):
        raise ValueError("group must be 0 or 1 for every observation")
    if np.all(g == g[0]):
        raise ValueError("both groups need at least one observation")
    times = np.unique(t[e == 1])
    # For each event time: at risk (t_i >= time) and deaths (t_i == time, event) per group.
    at_risk_all = (t[None, :] >= times[:, None]).sum(axis=1)
    at_risk_1 = ((t[None, :] >= times[:, None]) & (g[None, :] == 1)).sum(axis=1)
    deaths_all = ((t[None, :] == times[:, None]) & (e[None, :] == 1)).sum(axis=1)
    deaths_1 = ((t[None, :] == times[:, None]) & (e[None, :] == 1) & (g[None, :] == 1)).sum(axis=1)
    n = at_risk_all.astype(np.float64)
    expected_1 = deaths_all * at_risk_1 / n
    with np.errstate(divide="ignore", invalid="ignore"):
        variance_terms = np.where(
            n > 1, deaths_all * (at_risk_1 / n) * (1 - at_risk_1 / n) * (n - deaths_all) / (n - 1), 0.0
        )
    variance = float(variance_terms.sum())
    observed_1 = int(deaths_1.sum())
    total_events = int(e.sum())
    exp_1 = float(expected_1.sum())
    if variance <= 0.0:
        raise ValueError("the log-rank variance is zero: no informative event times")
    z = (observed_1 - exp_1) / math.sqrt(variance)
    statistic = z * z
    return LogRank(
        statistic=statistic,
        p=float(_sps.chi2.sf(statistic, 1)),
        z=z,
        observed=(observed_1, total_events - observed_1),
        expected=(exp_1, total_events - exp_1),
    )
