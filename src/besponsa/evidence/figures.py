"""The evidence figures: what each one shows, in words and numbers, and its accessible SVG drawing.

>>> from besponsa.evidence import figures
>>> fig = figures.render("cr-cri-adult")
>>> fig.svg.startswith("<svg")
True

Each figure has two parts. :func:`describe` gives its words and numbers (title, caption, long
description, data table, footnotes, references, record ids) without drawing anything, so a page can list
its references cheaply; :func:`render` adds the SVG drawn by :mod:`besponsa.evidence.charts`. Both are
cached (once per figure id per process).

Numbers come from the data files through :func:`besponsa.evidence.selectors.shown`, so a figure can only
show a confirmed number that agrees with its recomputation. The one exception is ``os-reconstructed``,
an illustrative curve from reconstructed pseudo-data, which carries :data:`reconstructed.LABEL` in its
title, its description, its caption, its table caption and on the drawing itself.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from matplotlib.figure import Figure as MplFigure

from besponsa.evidence import charts, datasets, fmt, reconstructed, stats
from besponsa.evidence._svg import accessible_svg
from besponsa.evidence.charts import Bar
from besponsa.evidence.errors import UnknownFigureError
from besponsa.evidence.fmt import SUBGROUP_CAVEAT
from besponsa.evidence.records import (
    ARM_LABELS,
    Arm,
    ComparisonTest,
    Difference,
    HazardRatio,
    Median,
    Milestone,
    Proportion,
    Quantity,
)
from besponsa.evidence.survival import kaplan_meier
from besponsa.evidence.tables import Table
from besponsa.evidence.views import PageBuilder

__all__ = ["FIGURE_IDS", "Figure", "FigureText", "describe", "render", "svg_document"]


def __dir__() -> list[str]:
    return __all__


@dataclass(frozen=True, slots=True)
class FigureText:
    """Everything a page prints around a figure, without the drawing."""

    id: str
    title: str  # short name; also the SVG <title>
    caption: str  # the figure caption (<figcaption>)
    description: str  # the long text alternative; also the SVG <desc>
    table: Table  # the same numbers as an accessible table
    footnotes: tuple[str, ...]
    references: tuple[str, ...]  # reference keys, in citation order
    record_ids: tuple[str, ...]  # data records drawn ("dataset:record")
    illustrative: bool = False  # True only for the reconstructed curve


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure(FigureText):
    """A rendered figure: its words and numbers, and its drawings."""

    svg: str  # an inline-ready <svg> element (no XML prolog), CSP-safe (no style attributes)
    # The phone layout (charts.NARROW_WIDTH_IN wide, text 12 points or larger) of a figure a page shows;
    # "" for the internal figures, which keep the wide drawing only.
    svg_narrow: str = ""


Draw = Callable[[], MplFigure]
_Plan = tuple[Draw, Draw | None, FigureText]  # the wide drawing, its phone layout (if any), the words
_pp = fmt.proportion_text  # "80.7% (88/109; 95% CI 72.1–87.7)"


def _text(
    figure_id: str,
    *,
    title: str,
    caption: str,
    description: str,
    table_caption: str,
    columns: tuple[str, ...],
    rows: Sequence[tuple[str, ...]],
    table_footnotes: tuple[str, ...],
    references: tuple[str, ...],
    record_ids: Sequence[str],
    footnotes: Sequence[str] | None = None,
    illustrative: bool = False,
) -> FigureText:
    """A figure's words and its data table; the figure cites what its table cites and, unless ``footnotes``
    says otherwise, prints the table's footnotes."""
    table = Table(
        id=f"{figure_id}-table",
        caption=table_caption,
        columns=columns,
        rows=tuple(rows),
        footnotes=table_footnotes,
        references=references,
        record_ids=tuple(record_ids),
    )
    return FigureText(
        id=figure_id,
        title=title,
        caption=caption,
        description=description,
        table=table,
        footnotes=tuple(table.footnotes if footnotes is None else footnotes),
        references=tuple(dict.fromkeys(table.references)),
        record_ids=table.record_ids,
        illustrative=illustrative,
    )


def _drawings(
    wide: Callable[..., MplFigure], narrow: Callable[..., MplFigure], *args: object
) -> tuple[Draw, Draw]:
    """The wide drawing and its phone layout, drawn from the same numbers and words."""
    return functools.partial(wide, *args), functools.partial(narrow, *args)


# --- bar figures, as data: one spec per figure, one builder per kind -----------------------------------


@dataclass(frozen=True, slots=True)
class _Group:
    prefix: str  # its records are "<prefix>-ino" and "<prefix>-ic"
    bar: str  # its name under its pair of bars
    row: str  # its row label in the table
    said: str  # its name in the long description


@dataclass(frozen=True, slots=True)
class _ArmBars:
    """BESPONSA beside investigator's choice in two groups (INO-VATE ALL, first randomized adults), and the
    difference in the first group under the chart.

    Words are templates: ``{n218}`` is the number in the first analysis, ``{diff}`` the difference with its
    CI and P value, ``{population}`` the first group's population.
    """

    groups: tuple[_Group, _Group]
    difference: str  # record ids of the first group's difference and its test
    test: str
    diff_words: str  # what the difference is of, e.g. "Difference in CR/CRi"
    ylabel: str
    arm_counts: bool  # the arms' denominators in the legend and column headings
    first_column: str
    table_caption: str
    table_footnotes: tuple[str, ...]
    title: str
    caption: str
    footnotes: tuple[str, ...] = ()  # printed before the table's footnotes
    references: tuple[str, ...] = ("kantarjian-nejm-2016", "pi-2024", "fda-2017")

    def __call__(self, figure_id: str) -> _Plan:
        b = PageBuilder(datasets.inovate_all())
        pairs = [b.pair(g.prefix) for g in self.groups]
        grouped = list(zip(self.groups, pairs, strict=True))
        diff = b.get(self.difference, Difference)
        test = b.get(self.test, ComparisonTest)
        n218 = fmt.number(b.get("first218-total", Quantity).value)
        assert diff.ci is not None
        diff_text = (
            f"{self.diff_words} {fmt.number(diff.estimate)} points ({fmt.ci_text(diff.ci)}); "
            f"{fmt.p_text(test.p)}"
        )
        first_ino, first_ic = pairs[0]
        words = {"n218": n218, "diff": diff_text, "population": first_ino.population}
        ns = (first_ino.n, first_ic.n) if self.arm_counts else (None, None)
        bars = [Bar(g.bar, p) for g, pair in grouped for p in pair]
        draw, narrow = _drawings(
            charts.bar_chart,
            charts.narrow_bar_chart,
            bars,
            tuple(g.bar for g in self.groups),
            self.ylabel,
            ns,
            diff_text,
        )
        arms = [ARM_LABELS[Arm.INO], ARM_LABELS[Arm.IC]]
        if self.arm_counts:
            arms = [f"{label} (n = {n})" for label, n in zip(arms, ns, strict=True)]
        table_footnotes = tuple(note.format(**words) for note in self.table_footnotes)
        text = _text(
            figure_id,
            title=self.title.format(**words),
            caption=self.caption.format(**words),
            description="Bar chart. "
            + " ".join(
                f"{g.said}: BESPONSA {_pp(ino)}; investigator's choice {_pp(ic)}." for g, (ino, ic) in grouped
            )
            + f" {diff_text}.",
            table_caption=self.table_caption.format(**words),
            columns=(self.first_column, *arms),
            rows=[(g.row, _pp(ino), _pp(ic)) for g, (ino, ic) in grouped],
            table_footnotes=table_footnotes,
            references=self.references,
            record_ids=b.ids([*(p for pair in pairs for p in pair), diff, test]),
            footnotes=(*(note.format(**words) for note in self.footnotes), *table_footnotes),
        )
        return draw, narrow, text


@dataclass(frozen=True, slots=True)
class _SingleArmBars:
    """Horizontal bars, one a record, for the single-arm pediatric study WI203581.

    ``{n}`` in ``column`` and ``caption`` is the first record's denominator.
    """

    bars: tuple[tuple[str, str], ...]  # (record id, label)
    xlabel: str
    first_column: str
    column: str  # the arm's column heading, a template with {arm} and {n}
    table_caption: str
    table_footnotes: tuple[str, ...]
    title: str
    caption: str
    footnotes: tuple[str, ...] = ()  # printed after the table's footnotes
    references: tuple[str, ...] = ("fda-2024-pediatric", "pi-2024")

    def __call__(self, figure_id: str) -> _Plan:
        b = PageBuilder(datasets.wi203581())
        rows = [(label, b.p(record_id)) for record_id, label in self.bars]
        n = rows[0][1].n
        draw, narrow = _drawings(charts.hbar_chart, charts.narrow_hbar_chart, rows, self.xlabel)
        one = " with one bar" if len(rows) == 1 else ""
        text = _text(
            figure_id,
            title=self.title,
            caption=self.caption.format(n=n),
            description=f"Bar chart{one}. " + " ".join(f"{label}: {_pp(p)}." for label, p in rows),
            table_caption=self.table_caption,
            columns=(self.first_column, self.column.format(arm=ARM_LABELS[Arm.INO], n=n)),
            rows=[(label, _pp(p)) for label, p in rows],
            table_footnotes=self.table_footnotes,
            references=self.references,
            record_ids=b.ids(p for _, p in rows),
            footnotes=(*self.table_footnotes, *self.footnotes),
        )
        return draw, narrow, text


# --- figures of their own kind: the subgroup forest plot and the two survival figures ---------------


@dataclass(frozen=True, slots=True)
class _ForestRow:
    label: str
    note: str
    ino: Proportion
    ic: Proportion

    def estimate(self) -> stats.Estimate | None:
        if None in (self.ino.count, self.ino.n, self.ic.count, self.ic.n):
            return None
        assert self.ino.count is not None and self.ino.n is not None
        assert self.ic.count is not None and self.ic.n is not None
        return stats.difference_newcombe(self.ino.count, self.ino.n, self.ic.count, self.ic.n)

    def point(self) -> float:
        e = self.estimate()
        if e is not None:
            return 100.0 * e.estimate
        assert self.ino.percent is not None and self.ic.percent is not None
        return float(self.ino.percent - self.ic.percent)

    def text(self) -> str:
        """ "51.4 (39.0 to 61.4)" — "to" because a limit may be negative; "(no CI)" without counts."""
        e = self.estimate()
        if e is None:
            return f"{fmt.recomputed(self.point(), None, extra=0)} (no CI)"
        return (
            f"{fmt.recomputed(100 * e.estimate, None, extra=0)} "
            f"({fmt.recomputed(100 * e.low, None, extra=0)} to "
            f"{fmt.recomputed(100 * e.high, None, extra=0)})"
        )


def _subgroups_adult(figure_id: str) -> _Plan:
    b = PageBuilder(datasets.inovate_all())
    n218 = fmt.number(b.get("first218-total", Quantity).value)
    n326 = fmt.number(b.get("randomized-total", Quantity).value)
    tests = [b.get(f"gen-{name}-test", ComparisonTest) for name in ("abl1like", "tp53", "highrisk")]

    rows = [
        _ForestRow(f"All patients (first {n218})", "primary analysis", *b.pair("crcri")),
        _ForestRow("Ph-positive", f"all {n326} randomized", *b.pair("php-crcri")),
        _ForestRow("Marrow blasts < 50%", f"first {n218}", *b.pair("blasts-lt50-crcri")),
        _ForestRow("Marrow blasts ≥ 50%", f"first {n218}", *b.pair("blasts-ge50-crcri")),
        _ForestRow("BCR::ABL1-like", "genomic subset", *b.pair("gen-abl1like")),
        _ForestRow("TP53 altered", "genomic subset", *b.pair("gen-tp53")),
        _ForestRow("High-risk genomics", "genomic subset", *b.pair("gen-highrisk")),
    ]
    draw = functools.partial(
        charts.forest,
        [charts.ForestRow(f"{r.label}\n({r.note})", r.estimate(), r.point(), r.text()) for r in rows],
        f"{SUBGROUP_CAVEAT}. Populations and analyses differ between rows.",
    )
    text = _text(
        figure_id,
        title=f"CR/CRi difference by subgroup, INO-VATE ALL ({SUBGROUP_CAVEAT.lower()})",
        caption=(
            f"{SUBGROUP_CAVEAT}. Difference in CR/CRi rate between BESPONSA and investigator's choice "
            "chemotherapy, overall and in subgroups reported in separate analyses. Squares with lines: "
            "difference with 95% CI computed from published counts; hollow diamonds: difference of "
            "published percentages, no CI available."
        ),
        description="Forest plot. "
        + " ".join(
            f"{r.label}: BESPONSA {_pp(r.ino)}, investigator's choice {_pp(r.ic)}; difference {r.text()}."
            for r in rows
        ),
        table_caption=f"CR/CRi by subgroup, INO-VATE ALL ({SUBGROUP_CAVEAT.lower()})",
        columns=(
            "Subgroup",
            ARM_LABELS[Arm.INO],
            ARM_LABELS[Arm.IC],
            "Difference, percentage points (95% CI)",
        ),
        rows=[(f"{r.label} ({r.note})", _pp(r.ino), _pp(r.ic), r.text()) for r in rows],
        table_footnotes=(
            f"{SUBGROUP_CAVEAT}: the trial was not designed to compare treatments within these groups, and "
            "the rows come from different populations, analyses and publications.",
            "Differences and their 95% CIs (Newcombe hybrid score method) were computed by us from the "
            "published counts; they are not published values. Ph-positive counts are the only ones that "
            "reproduce the published percentages.",
            "Marrow-blast rows: only percentages were available, so no CI can be computed (hollow markers).",
            f"CR/CRi comparisons in the {tests[0].population}: "
            + "; ".join(
                f"{t.label.removeprefix('CR/CRi, ').removesuffix(', comparison')} {fmt.p_text(t.p)}"
                for t in tests
            )
            + ".",
        ),
        references=("kantarjian-nejm-2016", "pi-2024", "stock-cancer-2021", "genomics-bloodadv-2024"),
        record_ids=b.ids(p for r in rows for p in (r.ino, r.ic)),
    )
    return draw, None, text


def _os_adult(figure_id: str) -> _Plan:
    b = PageBuilder(datasets.inovate_all())
    med_ino, med_ic = b.get("os-final-median-ino", Median), b.get("os-final-median-ic", Median)
    two_ino, two_ic = b.get("os-final-24mo-ino", Milestone), b.get("os-final-24mo-ic", Milestone)
    hr = b.get("os-final-hr", HazardRatio)
    n326 = fmt.number(b.get("randomized-total", Quantity).value)
    one_sided = next(p for p in hr.p_values if p.sided.value == "one")
    assert hr.boundary is not None

    hr_line = f"{fmt.hr_text(hr)}; {fmt.p_text(one_sided)}"
    met = "met" if hr.boundary_met else "not met"
    boundary_line = f"Prespecified significance boundary {fmt.p_text(hr.boundary)}: {met}."
    draw, narrow = _drawings(
        charts.os_panels,
        charts.narrow_os_panels,
        (med_ino, med_ic),
        (two_ino, two_ic),
        hr_line,
        boundary_line,
    )
    text = _text(
        figure_id,
        title="Overall survival, INO-VATE ALL final analysis",
        caption=(
            f"Overall survival in all {n326} randomized adults at the final analysis: median survival and "
            "the share alive at 2 years, each with its 95% CI, and the hazard ratio with its 97.5% CI. The "
            "difference did not reach the prespecified significance boundary."
        ),
        description=(
            f"Two panels. Median overall survival: BESPONSA {fmt.median_text(med_ino)}; investigator's "
            f"choice {fmt.median_text(med_ic)}. Alive at 2 years: BESPONSA {fmt.milestone_text(two_ino)}; "
            f"investigator's choice {fmt.milestone_text(two_ic)}. {hr_line}. {boundary_line}"
        ),
        table_caption=f"Overall survival, INO-VATE ALL final analysis ({med_ino.population})",
        columns=(
            "Measure",
            f"{ARM_LABELS[Arm.INO]} (n = {med_ino.n})",
            f"{ARM_LABELS[Arm.IC]} (n = {med_ic.n})",
        ),
        rows=(
            ("Median overall survival", fmt.median_text(med_ino), fmt.median_text(med_ic)),
            ("Alive at 2 years", fmt.milestone_text(two_ino), fmt.milestone_text(two_ic)),
            ("Hazard ratio (BESPONSA vs investigator's choice)", hr_line, "—"),
        ),
        table_footnotes=(
            boundary_line,
            "Overall survival was one of two primary endpoints; the comparison used a stratified log-rank "
            "test.",
            "Medians, 2-year rates and the HR need patient-level data and are shown as published; the HR "
            "was checked against its CI and the P value against the boundary.",
        ),
        references=("kantarjian-cancer-2019", "pi-2024"),
        record_ids=b.ids((med_ino, med_ic, two_ino, two_ic, hr)),
    )
    return draw, narrow, text


RECONSTRUCTED_TIMES = (0, 6, 12, 18, 24, 30, 36)


def _os_reconstructed(figure_id: str) -> _Plan:
    data = reconstructed.load()
    fits = {arm: kaplan_meier(*data.arm_data(1 if arm is Arm.INO else 0)) for arm in (Arm.INO, Arm.IC)}
    times = np.array(RECONSTRUCTED_TIMES, dtype=np.float64)
    at_risk = {arm: km.at_risk_at(times) for arm, km in fits.items()}
    draw = functools.partial(
        charts.km_curves,
        fits,
        RECONSTRUCTED_TIMES,
        "reconstructed",
        reconstructed.LABEL,
        "Illustration only: the published results are in the overall-survival summary.",
    )
    survival = {arm: km.survival_at(times) for arm, km in fits.items()}
    rows = tuple(
        (
            f"{int(t)} months",
            f"{100 * survival[Arm.INO][i]:.1f}% ({at_risk[Arm.INO][i]} at risk)",
            f"{100 * survival[Arm.IC][i]:.1f}% ({at_risk[Arm.IC][i]} at risk)",
        )
        for i, t in enumerate(times)
    )
    text = _text(
        figure_id,
        title=f"Overall survival curve, INO-VATE ALL — {reconstructed.LABEL}",
        caption=(
            f"{reconstructed.LABEL}. An approximate picture of the overall-survival curves, rebuilt from "
            "the published 2016 figure; for the trial's results use the published medians, hazard ratio "
            "and 2-year rates."
        ),
        description=(
            f"{reconstructed.LABEL}. Two Kaplan–Meier step curves with shaded bands over 36 months; the "
            "BESPONSA curve (solid) lies above the comparator curve (dashed) after about 3 months. "
            + " ".join(f"{r[0]}: BESPONSA {r[1]}, comparator {r[2]}." for r in rows)
        ),
        table_caption=f"Overall survival read from the reconstructed curve ({reconstructed.LABEL})",
        columns=("Time", f"{ARM_LABELS[Arm.INO]} (reconstructed)", f"{ARM_LABELS[Arm.IC]} (reconstructed)"),
        rows=rows,
        table_footnotes=(
            f"{reconstructed.LABEL}. The curve was re-digitised by a third party from the published 2016 "
            "Kaplan–Meier figure; it misses 16 deaths and differs from the published medians, so it must "
            "not be quoted as a trial result.",
            "Kaplan–Meier estimates with 95% log-log Greenwood bands (shaded), computed by us from the "
            "reconstructed pseudo-data; the at-risk counts are reconstructed too, not the published ones.",
        ),
        references=("kantarjian-nejm-2016",),
        record_ids=(),
        illustrative=True,
    )
    return draw, None, text


_BUILDERS: Mapping[str, Callable[[str], _Plan]] = MappingProxyType(
    {
        "cr-cri-adult": _ArmBars(
            groups=(_Group("crcri", "CR/CRi", "CR/CRi", "CR/CRi"), _Group("cr", "CR", "CR", "CR")),
            difference="crcri-diff",
            test="crcri-test-one-sided",
            diff_words="Difference in CR/CRi",
            ylabel="Patients (%)",
            arm_counts=True,
            first_column="Response",
            table_caption="Remission in the first {n218} randomized adults (INO-VATE ALL)",
            table_footnotes=(
                "{diff} (chi-squared test).",
                "No confidence interval was published for CR alone, so the CR bars carry none.",
            ),
            title="CR/CRi and CR rates, INO-VATE ALL (first {n218} randomized)",
            caption=(
                "Complete remission with or without full blood-count recovery (CR/CRi), and CR alone, in the "
                "first {n218} adults randomized in INO-VATE ALL. Whiskers show exact 95% confidence "
                "intervals."
            ),
            footnotes=(
                "CR and CRi as adjudicated by the Endpoint Adjudication Committee.",
                "Population: {population}.",
                "The 95% CIs were recomputed with the exact (Clopper–Pearson) method and match the published "
                "ones.",
            ),
        ),
        "mrd-adult": _ArmBars(
            groups=(
                _Group("mrd-crcri", "Among patients with CR/CRi", "With CR/CRi", "Among CR/CRi"),
                _Group("mrd-cr", "Among patients with CR", "With CR", "Among CR"),
            ),
            difference="mrd-crcri-diff",
            test="mrd-crcri-test",
            diff_words="Difference among CR/CRi",
            ylabel="MRD-negative (%)",
            arm_counts=False,
            first_column="Responders",
            table_caption=(
                "MRD negativity among responders in the first {n218} randomized adults (INO-VATE ALL)"
            ),
            table_footnotes=(
                fmt.MRD_ADULT_NOTE,
                "{diff}.",
                "No confidence interval was published for the CR subset, so those bars carry none.",
            ),
            title="MRD negativity among responders, INO-VATE ALL",
            caption=(
                "Share of responders whose marrow was MRD-negative, among patients with CR/CRi and among "
                "patients with CR, in the first {n218} adults randomized. Whiskers show exact 95% confidence "
                "intervals."
            ),
        ),
        "subgroups-adult": _subgroups_adult,
        "os-adult": _os_adult,
        "os-reconstructed": _os_reconstructed,
        "cr-pediatric": _SingleArmBars(
            bars=(("cr", "CR"),),
            xlabel="Patients (%)",
            first_column="Response",
            column="{arm} (n = {n})",
            table_caption="Complete remission in study WI203581 (children aged 1 year and older)",
            table_footnotes=(fmt.CR_PEDIATRIC_NOTE,),
            title="Complete remission, study WI203581 (pediatric)",
            caption=(
                "Complete remission in the {n} children and adolescents of the single-arm study WI203581. "
                "The whisker shows the exact 95% confidence interval."
            ),
            footnotes=("Single-arm study: there is no comparator.",),
        ),
        "mrd-pediatric": _SingleArmBars(
            bars=(("mrd-flow", "Flow cytometry"), ("mrd-pcr", "RQ-PCR")),
            xlabel="MRD-negative among patients with CR (%)",
            first_column="Method",
            column="{arm} (patients with CR, n = {n})",
            table_caption="MRD negativity among children with CR in study WI203581",
            table_footnotes=(fmt.MRD_PEDIATRIC_NOTE,),
            title="MRD negativity among children with CR, study WI203581",
            caption=(
                "Share of children with CR whose marrow was MRD-negative, measured by flow cytometry and by "
                "RQ-PCR. Whiskers show exact 95% confidence intervals."
            ),
        ),
    }
)
FIGURE_IDS: tuple[str, ...] = tuple(_BUILDERS)


@functools.cache
def _plan(figure_id: str) -> _Plan:
    try:
        builder = _BUILDERS[figure_id]
    except KeyError:
        raise UnknownFigureError(f"no figure {figure_id!r}; one of {', '.join(FIGURE_IDS)}") from None
    return builder(figure_id)


def describe(figure_id: str) -> FigureText:
    """The words and numbers of figure ``figure_id``, without drawing it (cached).

    :raises UnknownFigureError: no such figure.
    """
    return _plan(figure_id)[2]


@functools.cache
def render(figure_id: str) -> Figure:
    """Figure ``figure_id`` (one of :data:`FIGURE_IDS`) with its SVG drawings, drawn once per process.

    :raises UnknownFigureError: no such figure.
    """
    draw, narrow, text = _plan(figure_id)
    prefix = f"fig-{figure_id}"
    svg = accessible_svg(charts.svg(draw), prefix=prefix, title=text.title, description=text.description)
    svg_narrow = ""
    if narrow is not None:
        svg_narrow = accessible_svg(
            charts.svg(narrow, narrow=True),
            prefix=f"{prefix}-narrow",
            title=text.title,
            description=text.description,
        )
    fields = {f.name: getattr(text, f.name) for f in dataclasses.fields(FigureText)}
    return Figure(svg=svg, svg_narrow=svg_narrow, **fields)


def svg_document(figure: Figure, *, narrow: bool = False) -> str:
    """The figure (or its phone layout) as a standalone SVG file (XML declaration added)."""
    svg = figure.svg_narrow if narrow else figure.svg
    return '<?xml version="1.0" encoding="utf-8"?>\n' + svg + "\n"
