"""Kaplan–Meier estimation with Greenwood confidence bands, medians, numbers at risk, and the log-rank test.

scipy computes the curve and its band (``stats.ecdf`` on ``CensoredData``) and the log-rank statistic
(``stats.logrank``); this module adds what scipy keeps private or lacks: numbers at risk, events and
censorings per time, the median and its CI, the observed and expected event counts. Tests cross-check every
quantity against lifelines (a test-only dependency) and against small data sets worked by hand.

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

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np
import numpy.typing as npt
from scipy import stats as _sps

from besponsa.evidence.stats import _check_level

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
    if transform not in ("log-log", "linear"):
        raise ValueError(f"transform must be 'log-log' or 'linear', got {transform!r}")
    _check_level(level)
    fit = _sps.ecdf(_sps.CensoredData.right_censored(t, e == 0)).sf
    times, inverse = np.unique(t, return_inverse=True)
    deaths = np.bincount(inverse, weights=e, minlength=times.size).astype(np.int64)
    removed = np.bincount(inverse, minlength=times.size).astype(np.int64)
    at_risk = t.size - np.concatenate([[0], np.cumsum(removed)[:-1]]).astype(np.int64)
    survival = fit.probabilities
    with warnings.catch_warnings():
        # scipy warns where the band is undefined (before the first event, and once S reaches 0); both are
        # set just below.
        warnings.filterwarnings("ignore", "The confidence interval is undefined", RuntimeWarning)
        band = fit.confidence_interval(confidence_level=level, method=transform)
    lower, upper = band.low.probabilities, band.high.probabilities
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
    one, zero = g == 1, g == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        # With no informative event time scipy divides 0 by 0; the NaN is turned into a message below.
        result = _sps.logrank(
            x=_sps.CensoredData.right_censored(t[one], e[one] == 0),
            y=_sps.CensoredData.right_censored(t[zero], e[zero] == 0),
        )
    z = float(result.statistic)
    if not np.isfinite(z):
        raise ValueError("the log-rank variance is zero: no informative event times")
    # scipy does not return the expected counts; group 1's is Σ deaths × (group 1 at risk / all at risk).
    times = np.unique(t[e == 1])
    at_risk = t[None, :] >= times[:, None]
    deaths_all = ((t[None, :] == times[:, None]) & (e[None, :] == 1)).sum(axis=1)
    exp_1 = float((deaths_all * (at_risk & one[None, :]).sum(axis=1) / at_risk.sum(axis=1)).sum())
    observed_1 = int(e[one].sum())
    total_events = int(e.sum())
    return LogRank(
        statistic=z * z,
        p=float(result.pvalue),
        z=z,
        observed=(observed_1, total_events - observed_1),
        expected=(exp_1, total_events - exp_1),
    )
