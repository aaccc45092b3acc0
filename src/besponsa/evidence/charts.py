"""Drawing: matplotlib charts for the evidence figures, with no knowledge of where their numbers come from.

:mod:`besponsa.evidence.figures` reads the data and writes the words; this module only draws what it is
given. Rendering uses matplotlib's object-oriented API with the SVG canvas (no pyplot, no global backend
switch); the few global settings it needs are applied under a lock (:func:`svg`). Output is
deterministic: a fixed hash salt, no date, text kept as ``<text>`` (screen-readable and small).
"""

from __future__ import annotations

import io
import textwrap
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
from besponsa.evidence.records import ARM_LABELS, Arm, Interval, Median, Milestone, Proportion
from besponsa.evidence.stats import Estimate
from besponsa.evidence.survival import KaplanMeier

__all__ = [
    "NARROW_FONT",
    "NARROW_WIDTH_IN",
    "Bar",
    "ForestRow",
    "bar_chart",
    "forest",
    "hbar_chart",
    "km_curves",
    "narrow_bar_chart",
    "narrow_hbar_chart",
    "narrow_os_panels",
    "os_panels",
    "svg",
]


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
# The phone layouts: 4.5 in is 324 user units, drawn to a 340 px column on a 390 px phone, so 12-point text
# (the smallest used) renders at 12.6 px; they stack what the wide layouts put side by side.
NARROW_WIDTH_IN = 4.5
NARROW_FONT = 12.0
_NARROW_WRAP = 40  # characters per line of a note at 12 points in 4.5 in
_LEGEND_WRAP = 34  # a legend entry, beside its swatch
_ARM_TICKS = (ARM_LABELS[Arm.INO], "Investigator's\nchoice")  # the two arms, as axis tick labels
_MEDIAN_AXIS, _RATE_AXIS = "Median overall survival (months)", "Alive at 2 years (%)"


def _new_figure(height: float = _HEIGHT_IN, width: float = _WIDTH_IN) -> MplFigure:
    fig = MplFigure(figsize=(width, height))
    FigureCanvasSVG(fig)
    return fig


def _wrap(text: str, width: int = _NARROW_WRAP) -> str:
    return textwrap.fill(text, width, break_on_hyphens=False)


def svg(draw: Callable[[], MplFigure], *, narrow: bool = False) -> str:
    """The SVG text of the figure ``draw`` makes, drawn under the module's matplotlib settings (and the
    phone type size when ``narrow``)."""
    rc = {**_RC, "font.size": NARROW_FONT} if narrow else dict(_RC)
    with _LOCK, mpl.rc_context(cast(Any, rc)):
        fig = draw()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        return buffer.getvalue()


def _arm_style(arm: Arm | None) -> dict[str, object]:
    if arm is Arm.IC:
        return {"facecolor": colors.BACKGROUND, "edgecolor": colors.IC, "hatch": _HATCH, "linewidth": 1.5}
    return {"facecolor": colors.INO, "edgecolor": colors.INO, "linewidth": 1.5}


def _legend_handles(n_ino: int | None, n_ic: int | None, *, wrap: int = 0) -> list[Patch]:
    def label(arm: Arm, n: int | None) -> str:
        text = ARM_LABELS[arm] + (f" (n = {n})" if n is not None else "")
        return textwrap.fill(text, wrap, break_on_hyphens=False) if wrap else text

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


def _bar(
    ax: Axes,
    at: float,
    value: float,
    ci: Interval | None,
    arm: Arm | None,
    size: float,
    *,
    horizontal: bool = False,
) -> float:
    """One bar in its arm's style, with its CI whisker; returns where it ends (the upper CI limit when there
    is one, else its value)."""
    if horizontal:
        ax.barh([at], [value], height=size, **_arm_style(arm))  # type: ignore[arg-type]
    else:
        ax.bar([at], [value], width=size, **_arm_style(arm))  # type: ignore[arg-type]
    if ci is None or ci.high is None:
        return value
    if horizontal:
        _errorbar(ax, value, at, float(ci.low), float(ci.high), horizontal=True)
    else:
        _errorbar(ax, at, value, float(ci.low), float(ci.high))
    return float(ci.high)


@dataclass(frozen=True, slots=True)
class _Row:
    """One horizontal bar: its axis label, value, CI, arm and the value as printed past the whisker."""

    label: str
    value: float
    ci: Interval | None
    arm: Arm | None
    text: str


def _hbars(
    ax: Axes, rows: Sequence[_Row], *, height: float, fontsize: float, pad: float, xmax: float, xlabel: str
) -> None:
    """Horizontal bars top to bottom, each value printed ``pad`` past the end of its whisker."""
    for i, row in enumerate(rows):
        end = _bar(ax, i, row.value, row.ci, row.arm, height, horizontal=True)
        ax.text(end + pad, i, row.text, va="center", fontsize=fontsize, fontweight="bold")
    ax.set_yticks(range(len(rows)), [row.label for row in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, xmax)
    ax.set_xlabel(xlabel)


def _medians(medians: Sequence[Median]) -> list[_Row]:
    return [
        _Row(label, float(m.months), m.ci, m.arm, f"{fmt.number(m.months)} mo")
        for label, m in zip(_ARM_TICKS, medians, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class Bar:
    group: str
    proportion: Proportion


def _draw_bar(
    ax: Axes, bar: Bar, groups: Sequence[str], width: float, fill: float
) -> tuple[float, float, float]:
    """One bar of a group (BESPONSA left, comparator right) with its CI whisker; returns its x, its value
    and its top (the upper CI limit when there is one)."""
    p = bar.proportion
    assert p.percent is not None
    x = groups.index(bar.group) + (-width / 2 if p.arm is Arm.INO else width / 2)
    value = float(p.percent)
    return x, value, _bar(ax, x, value, p.ci, p.arm, width * fill)


def bar_chart(
    bars: Sequence[Bar], groups: Sequence[str], ylabel: str, ns: tuple[int | None, int | None], note: str
) -> MplFigure:
    """Grouped vertical bars (BESPONSA solid, comparator hatched) with 95% CI whiskers and direct labels;
    ``note`` (the comparison) under the chart."""
    fig = _new_figure()
    ax = fig.add_axes((0.1, 0.12, 0.88, 0.7))
    for bar in bars:
        p = bar.proportion
        x, value, top = _draw_bar(ax, bar, groups, 0.36, 0.92)
        assert p.percent is not None
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
    bars = []
    for label, p in rows:
        assert p.percent is not None
        bars.append(
            _Row(label, float(p.percent), p.ci, Arm.INO, f"{fmt.percent(p.percent)} ({p.count}/{p.n})")
        )
    _hbars(ax, bars, height=0.55, fontsize=10.5, pad=1.5, xmax=132, xlabel=xlabel)
    ax.set_xticks(range(0, 101, 20))
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
    _hbars(left, _medians(medians), height=0.5, fontsize=10.5, pad=0.3, xmax=13, xlabel=_MEDIAN_AXIS)
    for i, rate in enumerate(rates):
        top = _bar(right, i, float(rate.percent), rate.ci, rate.arm, 0.6)
        right.text(i, top + 1.5, fmt.percent(rate.percent), ha="center", fontsize=10.5, fontweight="bold")
    right.set_xticks([0, 1], _ARM_TICKS)
    right.set_ylim(0, 40)
    right.set_ylabel(_RATE_AXIS)
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


# --- phone layouts (drawn with font.size 12; every text is 12 points or larger) ------------------------


def _narrow_figure(height: float) -> MplFigure:
    return _new_figure(height=height, width=NARROW_WIDTH_IN)


def _frac(fig: MplFigure, inches: float) -> float:
    return inches / fig.get_figheight()


def _note_lines(fig: MplFigure, lines: Sequence[tuple[str, bool]], bottom: float = 0.12) -> None:
    """Notes under a narrow chart, wrapped, from the bottom edge up (text, bold)."""
    y = bottom
    for text, bold in reversed(lines):
        wrapped = _wrap(text)
        fig.text(
            0.03,
            _frac(fig, y),
            wrapped,
            fontsize=NARROW_FONT,
            fontweight="bold" if bold else "normal",
            color=colors.TEXT if bold else colors.MUTED,
            va="bottom",
        )
        y += 0.2 * (wrapped.count("\n") + 1) + 0.08


def _notes_height(lines: Sequence[str]) -> float:
    return 0.12 + sum(0.2 * (_wrap(text).count("\n") + 1) + 0.08 for text in lines)


def narrow_bar_chart(
    bars: Sequence[Bar], groups: Sequence[str], ylabel: str, ns: tuple[int | None, int | None], note: str
) -> MplFigure:
    """:func:`bar_chart` for a phone: legend stacked above, group names wrapped, the note wrapped below."""
    notes = _notes_height([note])
    plot, legend, ticks = 2.9, 1.0, 0.7
    fig = _narrow_figure(notes + ticks + plot + legend)
    ax = fig.add_axes(
        (0.19, _frac(fig, notes + ticks), 0.78, _frac(fig, plot)),
    )
    for bar in bars:
        p = bar.proportion
        x, _, top = _draw_bar(ax, bar, groups, 0.4, 0.94)
        assert p.percent is not None
        if p.count is not None:
            ax.text(x, top + 1.5, f"{p.count}/{p.n}", ha="center", va="bottom", fontsize=NARROW_FONT)
        ax.text(
            x, top + 9.0, fmt.percent(p.percent), ha="center", va="bottom", fontsize=12.5, fontweight="bold"
        )
    ax.set_xticks(range(len(groups)), [textwrap.fill(g, 14) for g in groups])
    ax.set_xlim(-0.55, len(groups) - 0.45)
    ax.set_ylim(0, 112)
    ax.set_yticks(range(0, 101, 20))
    ax.set_ylabel(ylabel)
    ax.legend(
        handles=_legend_handles(*ns, wrap=_LEGEND_WRAP),
        loc="lower left",
        bbox_to_anchor=(-0.2, 1.02),
        ncols=1,
        fontsize=NARROW_FONT,
        handlelength=1.6,
    )
    _note_lines(fig, [(note, False)])
    return fig


def narrow_hbar_chart(rows: Sequence[tuple[str, Proportion]], xlabel: str) -> MplFigure:
    """:func:`hbar_chart` for a phone: each bar's name and value on a line above it, full-width bars."""
    per_row, axis = 1.0, 0.8
    fig = _narrow_figure(axis + per_row * len(rows) + 0.1)
    ax = fig.add_axes((0.05, _frac(fig, axis), 0.9, _frac(fig, per_row * len(rows))))
    for i, (label, p) in enumerate(rows):
        assert p.percent is not None
        _bar(ax, i, float(p.percent), p.ci, Arm.INO, 0.38, horizontal=True)
        ax.text(
            0,
            i - 0.26,
            f"{label}: {fmt.percent(p.percent)} ({p.count}/{p.n})",
            va="bottom",
            ha="left",
            fontsize=NARROW_FONT,
            fontweight="bold",
        )
    ax.set_yticks([])
    ax.spines["left"].set_visible(True)
    ax.set_ylim(len(rows) - 0.5, -0.75)
    ax.set_xlim(0, 104)
    ax.set_xticks(range(0, 101, 20))
    ax.set_xlabel(_wrap(xlabel, 34))
    return fig


def narrow_os_panels(
    medians: Sequence[Median], rates: Sequence[Milestone], hr_line: str, boundary_line: str
) -> MplFigure:
    """:func:`os_panels` for a phone: the two panels stacked, both as horizontal bars."""
    notes = _notes_height([hr_line, boundary_line])
    panel, gap, legend = 1.25, 0.95, 1.0
    fig = _narrow_figure(notes + 0.55 + panel + gap + panel + legend)
    bottom = fig.add_axes((0.34, _frac(fig, notes + 0.55), 0.6, _frac(fig, panel)))
    top = fig.add_axes((0.34, _frac(fig, notes + 0.55 + panel + gap), 0.6, _frac(fig, panel)))
    _hbars(top, _medians(medians), height=0.55, fontsize=12.5, pad=0.3, xmax=14, xlabel=_MEDIAN_AXIS)
    rate_rows = [
        _Row(label, float(r.percent), r.ci, r.arm, fmt.percent(r.percent))
        for label, r in zip(_ARM_TICKS, rates, strict=True)
    ]
    _hbars(bottom, rate_rows, height=0.55, fontsize=12.5, pad=1.0, xmax=45, xlabel=_RATE_AXIS)
    fig.legend(
        handles=_legend_handles(medians[0].n, medians[1].n, wrap=_LEGEND_WRAP),
        loc="upper left",
        bbox_to_anchor=(0.02, 0.995),
        ncols=1,
        fontsize=NARROW_FONT,
        handlelength=1.6,
    )
    _note_lines(fig, [(hr_line, False), (boundary_line, True)])
    return fig
