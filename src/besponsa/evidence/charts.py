"""Drawing: matplotlib charts for the evidence figures, with no knowledge of where their numbers come from.

:mod:`besponsa.evidence.figures` reads the data and writes the words; this module only draws what it is
given. Rendering uses matplotlib's object-oriented API with the SVG canvas (no pyplot, no global backend
switch); the few global settings it needs are applied under a lock (:func:`svg`). Output is
deterministic: a fixed hash salt, no date, text kept as ``<text>`` (screen-readable and small).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, cast

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure as MplFigure
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from besponsa.evidence import colors, fmt
from besponsa.evidence.records import ARM_LABELS, Arm, Median, Milestone, Proportion
from besponsa.evidence.stats import Estimate
from besponsa.evidence.survival import KaplanMeier

__all__ = ["Bar", "ForestRow", "bar_chart", "forest", "hbar_chart", "km_curves", "os_panels", "svg"]


def __dir__() -> list[str]:
    return __all__


_RC: Mapping[str, object] = MappingProxyType(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "besponsa-evidence",
        "svg.image_inline": True,
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
        "font.size": 11,
        "text.color": colors.TEXT,
        "axes.edgecolor": colors.TEXT,
        "axes.labelcolor": colors.TEXT,
        "axes.linewidth": 0.8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "xtick.color": colors.TEXT,
        "ytick.color": colors.TEXT,
        "hatch.linewidth": 1.2,
        "legend.frameon": False,
    }
)
_LOCK = threading.Lock()
_HATCH = "///"
_WIDTH_IN, _HEIGHT_IN = 7.2, 4.2


def _new_figure(height: float = _HEIGHT_IN) -> MplFigure:
    fig = MplFigure(figsize=(_WIDTH_IN, height))
    FigureCanvasSVG(fig)
    return fig


def svg(draw: Callable[[], MplFigure]) -> str:
    """The SVG text of the figure ``draw`` makes, drawn under the module's matplotlib settings."""
    with _LOCK, mpl.rc_context(cast(Any, dict(_RC))):
        fig = draw()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        return buffer.getvalue()


def _arm_style(arm: Arm | None) -> dict[str, object]:
    if arm is Arm.IC:
        return {"facecolor": colors.BACKGROUND, "edgecolor": colors.IC, "hatch": _HATCH, "linewidth": 1.5}
    return {"facecolor": colors.INO, "edgecolor": colors.INO, "linewidth": 1.5}


def _legend_handles(n_ino: int | None, n_ic: int | None) -> list[Patch]:
    def label(arm: Arm, n: int | None) -> str:
        return ARM_LABELS[arm] + (f" (n = {n})" if n is not None else "")

    return [
        Patch(label=label(Arm.INO, n_ino), **_arm_style(Arm.INO)),  # type: ignore[arg-type]
        Patch(label=label(Arm.IC, n_ic), **_arm_style(Arm.IC)),  # type: ignore[arg-type]
    ]


def _errorbar(ax: Axes, x: float, y: float, low: float, high: float, *, horizontal: bool = False) -> None:
    """A CI whisker in text color over a wider white one (a halo), so it keeps 3:1 contrast where it
    crosses a filled bar."""
    err = [[x - low], [high - x]] if horizontal else [[y - low], [high - y]]
    for color, width, cap in ((colors.BACKGROUND, 4.0, 6.0), (colors.TEXT, 1.4, 5.0)):
        ax.errorbar(
            [x],
            [y],
            xerr=err if horizontal else None,
            yerr=None if horizontal else err,
            fmt="none",
            ecolor=color,
            elinewidth=width,
            capsize=cap,
            capthick=width,
        )


@dataclass(frozen=True, slots=True)
class Bar:
    group: str
    proportion: Proportion


def bar_chart(
    bars: Sequence[Bar], groups: Sequence[str], ylabel: str, ns: tuple[int | None, int | None], note: str
) -> MplFigure:
    """Grouped vertical bars (BESPONSA solid, comparator hatched) with 95% CI whiskers and direct labels;
    ``note`` (the comparison) under the chart."""
    fig = _new_figure()
    ax = fig.add_axes((0.1, 0.12, 0.88, 0.7))
    width = 0.36
    for bar in bars:
        p = bar.proportion
        assert p.percent is not None
        x = groups.index(bar.group) + (-width / 2 if p.arm is Arm.INO else width / 2)
        value = float(p.percent)
        ax.bar([x], [value], width=width * 0.92, **_arm_style(p.arm))  # type: ignore[arg-type]
        top = value
        if p.ci is not None and p.ci.high is not None:
            _errorbar(ax, x, value, float(p.ci.low), float(p.ci.high))
            top = float(p.ci.high)
        counts = f"{p.count}/{p.n}" if p.count is not None else ""
        ax.text(
            x, top + 2.0, fmt.percent(p.percent), ha="center", va="bottom", fontsize=11, fontweight="bold"
        )
        if counts:
            # Inside the foot of the bar, clear of the whisker; above the label when the bar is too short.
            inside = value > 14
            ax.text(
                x,
                3.0 if inside else top + 9.0,
                counts,
                ha="center",
                va="bottom",
                fontsize=9.5,
                color=colors.BACKGROUND if p.arm is Arm.INO and inside else colors.TEXT,
                bbox=None
                if p.arm is Arm.INO and inside
                else {"facecolor": colors.BACKGROUND, "edgecolor": "none", "pad": 1.5},
            )
    ax.set_xticks(range(len(groups)), list(groups))
    ax.set_ylim(0, 110)
    ax.set_yticks(range(0, 101, 20))
    ax.set_ylabel(ylabel)
    ax.legend(
        handles=_legend_handles(*ns), loc="lower left", bbox_to_anchor=(0.0, 1.02), ncols=2, fontsize=10
    )
    fig.text(0.1, 0.015, note, fontsize=9.5, color=colors.MUTED)
    return fig


def hbar_chart(rows: Sequence[tuple[str, Proportion]], xlabel: str) -> MplFigure:
    """Horizontal bars (label, proportion) for a single-arm study, with 95% CI whiskers and direct labels."""
    height = 1.2 + 0.9 * len(rows)
    fig = _new_figure(height=height)
    ax = fig.add_axes((0.22, 0.8 / height, 0.74, 0.9 * len(rows) / height))
    for i, (_, p) in enumerate(rows):
        assert p.percent is not None
        value = float(p.percent)
        ax.barh([i], [value], height=0.55, **_arm_style(Arm.INO))  # type: ignore[arg-type]
        end = value
        if p.ci is not None and p.ci.high is not None:
            _errorbar(ax, value, i, float(p.ci.low), float(p.ci.high), horizontal=True)
            end = float(p.ci.high)
        ax.text(
            end + 1.5,
            i,
            f"{fmt.percent(p.percent)} ({p.count}/{p.n})",
            va="center",
            ha="left",
            fontsize=10.5,
            fontweight="bold",
        )
    ax.set_yticks(range(len(rows)), [label for label, _ in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, 132)
    ax.set_xticks(range(0, 101, 20))
    ax.set_xlabel(xlabel)
    return fig


@dataclass(frozen=True, slots=True)
class ForestRow:
    label: str  # two lines: the subgroup, then its population in parentheses
    estimate: Estimate | None  # difference with its CI (fractions), or None when only percentages exist
    point: float  # the difference in percentage points (drawn as a hollow diamond without a CI)
    text: str  # "51.4 (39.0 to 61.4)", printed beside the row


def forest(rows: Sequence[ForestRow], headline: str) -> MplFigure:
    """A forest plot of differences in percentage points, the values printed beside, ``headline`` on top."""
    height = 1.7 + 0.42 * len(rows)
    fig = _new_figure(height=height)
    ax = fig.add_axes((0.31, 1.05 / height, 0.42, 0.42 * len(rows) / height))
    ax.set_yticks(range(len(rows)), [r.label for r in rows], fontsize=9)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(-40, 110)
    ax.set_xticks([-25, 0, 25, 50, 75, 100])
    ax.set_xlabel("Difference in CR/CRi, percentage points\n(right of 0 favors BESPONSA)", fontsize=9.5)
    ax.axvline(0, color=colors.NEUTRAL, linewidth=1.0, linestyle=(0, (4, 3)))
    beside = blended_transform_factory(ax.transAxes, ax.transData)  # x in axes fractions, y in rows
    ax.text(
        1.04, -0.75, "Difference (95% CI)", transform=beside, fontsize=9, fontweight="bold", clip_on=False
    )
    for i, row in enumerate(rows):
        e = row.estimate
        if e is not None:
            ax.plot([100 * e.low, 100 * e.high], [i, i], color=colors.INO, linewidth=1.6)
            ax.plot([100 * e.estimate], [i], marker="s", markersize=7, color=colors.INO, linestyle="none")
        else:
            ax.plot(
                [row.point],
                [i],
                marker="D",
                markersize=7,
                markerfacecolor=colors.BACKGROUND,
                markeredgecolor=colors.INO,
                markeredgewidth=1.6,
                linestyle="none",
            )
        ax.text(1.04, i, row.text, transform=beside, fontsize=9, va="center", clip_on=False)
    fig.text(0.02, 1 - 0.3 / height, headline, fontsize=10, fontweight="bold")
    return fig


def os_panels(
    medians: Sequence[Median], rates: Sequence[Milestone], hr_line: str, boundary_line: str
) -> MplFigure:
    """Two panels, median survival (bars with CI) and the share alive at 2 years, with the HR lines below."""
    fig = _new_figure(height=4.4)
    left = fig.add_axes((0.2, 0.3, 0.3, 0.55))
    right = fig.add_axes((0.66, 0.3, 0.3, 0.55))
    for i, m in enumerate(medians):
        assert m.ci is not None and m.ci.high is not None
        style = _arm_style(m.arm)
        left.barh([i], [float(m.months)], height=0.5, **style)  # type: ignore[arg-type]
        _errorbar(left, float(m.months), i, float(m.ci.low), float(m.ci.high), horizontal=True)
        left.text(
            float(m.ci.high) + 0.3,
            i,
            f"{fmt.number(m.months)} mo",
            va="center",
            fontsize=10.5,
            fontweight="bold",
        )
    left.set_yticks([0, 1], [ARM_LABELS[Arm.INO], "Investigator's\nchoice"])
    left.invert_yaxis()
    left.set_xlim(0, 13)
    left.set_xlabel("Median overall survival (months)")
    for i, rate in enumerate(rates):
        assert rate.ci is not None and rate.ci.high is not None
        right.bar([i], [float(rate.percent)], width=0.6, **_arm_style(rate.arm))  # type: ignore[arg-type]
        _errorbar(right, i, float(rate.percent), float(rate.ci.low), float(rate.ci.high))
        right.text(
            i,
            float(rate.ci.high) + 1.5,
            fmt.percent(rate.percent),
            ha="center",
            fontsize=10.5,
            fontweight="bold",
        )
    right.set_xticks([0, 1], [ARM_LABELS[Arm.INO], "Investigator's\nchoice"])
    right.set_ylim(0, 40)
    right.set_ylabel("Alive at 2 years (%)")
    fig.text(0.03, 0.1, hr_line, fontsize=10)
    fig.text(0.03, 0.035, boundary_line, fontsize=10, fontweight="bold")
    fig.legend(
        handles=_legend_handles(medians[0].n, medians[1].n),
        loc="upper left",
        bbox_to_anchor=(0.02, 0.99),
        ncols=2,
        fontsize=10,
    )
    return fig


def km_curves(
    fits: Mapping[Arm, KaplanMeier], times: Sequence[float], label: str, headline: str, subtitle: str
) -> MplFigure:
    """Kaplan–Meier step curves with shaded bands, and the numbers at risk at ``times`` under the axes."""
    fig = _new_figure(height=5.0)
    ax = fig.add_axes((0.22, 0.34, 0.74, 0.5))
    arm_color = {Arm.INO: colors.INO, Arm.IC: colors.IC}
    arm_dashes: dict[Arm, Any] = {Arm.INO: "-", Arm.IC: (0, (6, 3))}  # the line style is a second carrier
    for arm, km in fits.items():
        t, s, lo, hi = km.step()
        ax.fill_between(t, 100 * lo, 100 * hi, step="post", color=arm_color[arm], alpha=0.12, linewidth=0)
        ax.step(
            t,
            100 * s,
            where="post",
            linewidth=2.0,
            color=arm_color[arm],
            linestyle=arm_dashes[arm],
            label=f"{ARM_LABELS[arm]} ({label})",
        )
    ax.set_xlim(0, 37)
    ax.set_xticks(times)
    ax.set_ylim(0, 100)
    ax.set_ylabel("Alive (%)")
    ax.set_xlabel("Months since randomization")
    ax.legend(loc="upper right", fontsize=9.5)
    fig.text(0.02, 0.955, headline, fontsize=11, fontweight="bold")
    fig.text(0.02, 0.91, subtitle, fontsize=9.5, color=colors.MUTED)
    fig.text(0.02, 0.215, f"Number at risk ({label})", fontsize=8.5, va="center", fontweight="bold")
    for row, arm in enumerate((Arm.INO, Arm.IC)):
        fig.text(
            0.02,
            0.17 - 0.045 * row,
            "Investigator's choice" if arm is Arm.IC else ARM_LABELS[arm],
            fontsize=8.5,
            va="center",
            color=arm_color[arm],
        )
    at = np.array(times, dtype=np.float64)
    below = blended_transform_factory(ax.transData, fig.transFigure)  # x in months, y in figure fractions
    for row, arm in enumerate((Arm.INO, Arm.IC)):
        for t, n in zip(at, fits[arm].at_risk_at(at), strict=True):
            ax.text(
                t,
                0.17 - 0.045 * row,
                str(n),
                transform=below,
                fontsize=8.5,
                ha="center",
                va="center",
                color=arm_color[arm],
                clip_on=False,
            )
    return fig
