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
    Dataset,
    Difference,
    HazardRatio,
    Median,
    Milestone,
    Proportion,
    Quantity,
)
from besponsa.evidence.selectors import shown
from besponsa.evidence.survival import kaplan_meier
from besponsa.evidence.tables import Table

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


@dataclass(frozen=True, slots=True)
class Figure:
    """A rendered figure and everything a page prints around it."""

    id: str
    title: str  # short name; also the SVG <title>
    caption: str  # the figure caption (<figcaption>)
    description: str  # the long text alternative; also the SVG <desc>
    svg: str  # an inline-ready <svg> element (no XML prolog), CSP-safe (no style attributes)
    table: Table  # the same numbers as an accessible table
    footnotes: tuple[str, ...]
    references: tuple[str, ...]  # reference keys, in citation order
    record_ids: tuple[str, ...]  # data records drawn ("dataset:record")
    illustrative: bool = False  # True only for the reconstructed curve
    # The phone layout (charts.NARROW_WIDTH_IN wide, text 12 points or larger) of a figure a page shows;
    # "" for the internal figures, which keep the wide drawing only.
    svg_narrow: str = ""


Draw = Callable[[], MplFigure]


def _text(
    *,
    figure_id: str,
    title: str,
    caption: str,
    description: str,
    table: Table,
    footnotes: Sequence[str],
    references: Sequence[str],
    record_ids: Sequence[str],
    illustrative: bool = False,
) -> FigureText:
    return FigureText(
        id=figure_id,
        title=title,
        caption=caption,
        description=description,
        table=table,
        footnotes=tuple(footnotes),
        references=tuple(dict.fromkeys(references)),
        record_ids=tuple(record_ids),
        illustrative=illustrative,
    )


def _ids(ds: Dataset, *record_ids: str) -> list[str]:
    return [f"{ds.name}:{r}" for r in record_ids]


def _ci_short(p: Proportion) -> str:
    return f"; {fmt.ci_text(p.ci)}" if p.ci is not None else ""


# --- figures -------------------------------------------------------------------------------------


def _cr_cri_adult() -> tuple[Draw, Draw | None, FigureText]:
    ds = datasets.inovate_all()
    crcri_ino, crcri_ic = shown(ds, "crcri-ino", Proportion), shown(ds, "crcri-ic", Proportion)
    cr_ino, cr_ic = shown(ds, "cr-ino", Proportion), shown(ds, "cr-ic", Proportion)
    diff = shown(ds, "crcri-diff", Difference)
    test = shown(ds, "crcri-test-one-sided", ComparisonTest)
    n218 = fmt.number(shown(ds, "first218-total", Quantity).value)
    assert diff.ci is not None
    diff_text = (
        f"Difference in CR/CRi {fmt.number(diff.estimate)} points ({fmt.ci_text(diff.ci)}); "
        f"{fmt.p_text(test.p)}"
    )

    def draw(chart: Callable[..., MplFigure] = charts.bar_chart) -> MplFigure:
        return chart(
            [Bar("CR/CRi", crcri_ino), Bar("CR/CRi", crcri_ic), Bar("CR", cr_ino), Bar("CR", cr_ic)],
            ("CR/CRi", "CR"),
            "Patients (%)",
            (crcri_ino.n, crcri_ic.n),
            diff_text,
        )

    def narrow() -> MplFigure:
        return draw(charts.narrow_bar_chart)

    table = Table(
        id="cr-cri-adult-table",
        caption=f"Remission in the first {n218} randomized adults (INO-VATE ALL)",
        columns=(
            "Response",
            f"{ARM_LABELS[Arm.INO]} (n = {crcri_ino.n})",
            f"{ARM_LABELS[Arm.IC]} (n = {crcri_ic.n})",
        ),
        rows=(
            ("CR/CRi", fmt.proportion_text(crcri_ino), fmt.proportion_text(crcri_ic)),
            ("CR", fmt.proportion_text(cr_ino), fmt.proportion_text(cr_ic)),
        ),
        footnotes=(
            f"{diff_text} (chi-squared test).",
            "No confidence interval was published for CR alone, so the CR bars carry none.",
        ),
        references=("kantarjian-nejm-2016", "pi-2024", "fda-2017"),
        record_ids=tuple(
            _ids(ds, "crcri-ino", "crcri-ic", "cr-ino", "cr-ic", "crcri-diff", "crcri-test-one-sided")
        ),
    )
    text = _text(
        figure_id="cr-cri-adult",
        title=f"CR/CRi and CR rates, INO-VATE ALL (first {n218} randomized)",
        caption=(
            "Complete remission with or without full blood-count recovery (CR/CRi), and CR alone, in the "
            f"first {n218} adults randomized in INO-VATE ALL. Whiskers show exact 95% confidence intervals."
        ),
        description=(
            f"Bar chart. CR/CRi: BESPONSA {fmt.proportion_text(crcri_ino)}; investigator's choice "
            f"{fmt.proportion_text(crcri_ic)}. CR: BESPONSA {fmt.proportion_text(cr_ino)}; investigator's "
            f"choice {fmt.proportion_text(cr_ic)}. {diff_text}."
        ),
        table=table,
        footnotes=(
            "CR and CRi as adjudicated by the Endpoint Adjudication Committee.",
            f"Population: {crcri_ino.population}.",
            "The 95% CIs were recomputed with the exact (Clopper–Pearson) method and match the published "
            "ones.",
            *table.footnotes,
        ),
        references=table.references,
        record_ids=table.record_ids,
    )
    return draw, narrow, text


def _mrd_adult() -> tuple[Draw, Draw | None, FigureText]:
    ds = datasets.inovate_all()
    ino, ic = shown(ds, "mrd-crcri-ino", Proportion), shown(ds, "mrd-crcri-ic", Proportion)
    cr_ino, cr_ic = shown(ds, "mrd-cr-ino", Proportion), shown(ds, "mrd-cr-ic", Proportion)
    diff = shown(ds, "mrd-crcri-diff", Difference)
    test = shown(ds, "mrd-crcri-test", ComparisonTest)
    n218 = fmt.number(shown(ds, "first218-total", Quantity).value)
    assert diff.ci is not None
    diff_text = (
        f"Difference among CR/CRi {fmt.number(diff.estimate)} points ({fmt.ci_text(diff.ci)}); "
        f"{fmt.p_text(test.p)}"
    )

    def draw(chart: Callable[..., MplFigure] = charts.bar_chart) -> MplFigure:
        groups = ("Among patients with CR/CRi", "Among patients with CR")
        return chart(
            [Bar(groups[0], ino), Bar(groups[0], ic), Bar(groups[1], cr_ino), Bar(groups[1], cr_ic)],
            groups,
            "MRD-negative (%)",
            (None, None),
            diff_text,
        )

    def narrow() -> MplFigure:
        return draw(charts.narrow_bar_chart)

    table = Table(
        id="mrd-adult-table",
        caption=f"MRD negativity among responders in the first {n218} randomized adults (INO-VATE ALL)",
        columns=("Responders", ARM_LABELS[Arm.INO], ARM_LABELS[Arm.IC]),
        rows=(
            ("With CR/CRi", fmt.proportion_text(ino), fmt.proportion_text(ic)),
            ("With CR", fmt.proportion_text(cr_ino), fmt.proportion_text(cr_ic)),
        ),
        footnotes=(
            "MRD negativity: leukemic cells below 1×10⁻⁴ (0.01%) of bone-marrow nucleated cells by flow "
            "cytometry.",
            f"{diff_text}.",
            "No confidence interval was published for the CR subset, so those bars carry none.",
        ),
        references=("kantarjian-nejm-2016", "pi-2024", "fda-2017"),
        record_ids=tuple(
            _ids(
                ds,
                "mrd-crcri-ino",
                "mrd-crcri-ic",
                "mrd-cr-ino",
                "mrd-cr-ic",
                "mrd-crcri-diff",
                "mrd-crcri-test",
            )
        ),
    )
    text = _text(
        figure_id="mrd-adult",
        title="MRD negativity among responders, INO-VATE ALL",
        caption=(
            "Share of responders whose marrow was MRD-negative, among patients with CR/CRi and among "
            f"patients with CR, in the first {n218} adults randomized. Whiskers show exact 95% confidence "
            "intervals."
        ),
        description=(
            f"Bar chart. Among CR/CRi: BESPONSA {fmt.proportion_text(ino)}; investigator's choice "
            f"{fmt.proportion_text(ic)}. Among CR: BESPONSA {fmt.proportion_text(cr_ino)}; investigator's "
            f"choice {fmt.proportion_text(cr_ic)}. {diff_text}."
        ),
        table=table,
        footnotes=table.footnotes,
        references=table.references,
        record_ids=table.record_ids,
    )
    return draw, narrow, text


def _cr_pediatric() -> tuple[Draw, Draw | None, FigureText]:
    ds = datasets.wi203581()
    cr = shown(ds, "cr", Proportion)

    def draw(chart: Callable[..., MplFigure] = charts.hbar_chart) -> MplFigure:
        return chart([("CR", cr)], "Patients (%)")

    def narrow() -> MplFigure:
        return draw(charts.narrow_hbar_chart)

    table = Table(
        id="cr-pediatric-table",
        caption="Complete remission in study WI203581 (children aged 1 year and older)",
        columns=("Response", f"{ARM_LABELS[Arm.INO]} (n = {cr.n})"),
        rows=(("CR", fmt.proportion_text(cr)),),
        footnotes=(
            "CR means complete remission with full blood-count recovery; the FDA analysis reports CR only.",
        ),
        references=("fda-2024-pediatric", "pi-2024"),
        record_ids=tuple(_ids(ds, "cr")),
    )
    text = _text(
        figure_id="cr-pediatric",
        title="Complete remission, study WI203581 (pediatric)",
        caption=(
            f"Complete remission in the {cr.n} children and adolescents of the single-arm study WI203581. "
            "The whisker shows the exact 95% confidence interval."
        ),
        description=f"Bar chart with one bar. CR: {fmt.proportion_text(cr)}.",
        table=table,
        footnotes=(*table.footnotes, "Single-arm study: there is no comparator."),
        references=table.references,
        record_ids=table.record_ids,
    )
    return draw, narrow, text


def _mrd_pediatric() -> tuple[Draw, Draw | None, FigureText]:
    ds = datasets.wi203581()
    flow, pcr = shown(ds, "mrd-flow", Proportion), shown(ds, "mrd-pcr", Proportion)

    def draw(chart: Callable[..., MplFigure] = charts.hbar_chart) -> MplFigure:
        return chart([("Flow cytometry", flow), ("RQ-PCR", pcr)], "MRD-negative among patients with CR (%)")

    def narrow() -> MplFigure:
        return draw(charts.narrow_hbar_chart)

    table = Table(
        id="mrd-pediatric-table",
        caption="MRD negativity among children with CR in study WI203581",
        columns=("Method", f"{ARM_LABELS[Arm.INO]} (patients with CR, n = {flow.n})"),
        rows=(("Flow cytometry", fmt.proportion_text(flow)), ("RQ-PCR", fmt.proportion_text(pcr))),
        footnotes=("MRD negativity: leukemic cells below 1×10⁻⁴ of bone-marrow nucleated cells.",),
        references=("fda-2024-pediatric", "pi-2024"),
        record_ids=tuple(_ids(ds, "mrd-flow", "mrd-pcr")),
    )
    text = _text(
        figure_id="mrd-pediatric",
        title="MRD negativity among children with CR, study WI203581",
        caption=(
            "Share of children with CR whose marrow was MRD-negative, measured by flow cytometry and by "
            "RQ-PCR. Whiskers show exact 95% confidence intervals."
        ),
        description=(
            f"Bar chart. Flow cytometry: {fmt.proportion_text(flow)}. RQ-PCR: {fmt.proportion_text(pcr)}."
        ),
        table=table,
        footnotes=table.footnotes,
        references=table.references,
        record_ids=table.record_ids,
    )
    return draw, narrow, text


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


def _arm_cell(p: Proportion) -> str:
    return fmt.proportion_text(p)


def _subgroups_adult() -> tuple[Draw, Draw | None, FigureText]:
    ds = datasets.inovate_all()

    n218 = fmt.number(shown(ds, "first218-total", Quantity).value)
    n326 = fmt.number(shown(ds, "randomized-total", Quantity).value)
    tests = [shown(ds, f"gen-{name}-test", ComparisonTest) for name in ("abl1like", "tp53", "highrisk")]

    def pair(prefix: str) -> tuple[Proportion, Proportion]:
        return shown(ds, f"{prefix}-ino", Proportion), shown(ds, f"{prefix}-ic", Proportion)

    rows = [
        _ForestRow(f"All patients (first {n218})", "primary analysis", *pair("crcri")),
        _ForestRow("Ph-positive", f"all {n326} randomized", *pair("php-crcri")),
        _ForestRow("Marrow blasts < 50%", f"first {n218}", *pair("blasts-lt50-crcri")),
        _ForestRow("Marrow blasts ≥ 50%", f"first {n218}", *pair("blasts-ge50-crcri")),
        _ForestRow("BCR::ABL1-like", "genomic subset", *pair("gen-abl1like")),
        _ForestRow("TP53 altered", "genomic subset", *pair("gen-tp53")),
        _ForestRow("High-risk genomics", "genomic subset", *pair("gen-highrisk")),
    ]

    def draw() -> MplFigure:
        return charts.forest(
            [charts.ForestRow(f"{r.label}\n({r.note})", r.estimate(), r.point(), r.text()) for r in rows],
            f"{SUBGROUP_CAVEAT}. Populations and analyses differ between rows.",
        )

    table_rows = tuple((f"{r.label} ({r.note})", _arm_cell(r.ino), _arm_cell(r.ic), r.text()) for r in rows)
    record_ids = [f"{ds.name}:{p.id}" for r in rows for p in (r.ino, r.ic)]
    table = Table(
        id="subgroups-adult-table",
        caption=f"CR/CRi by subgroup, INO-VATE ALL ({SUBGROUP_CAVEAT.lower()})",
        columns=(
            "Subgroup",
            ARM_LABELS[Arm.INO],
            ARM_LABELS[Arm.IC],
            "Difference, percentage points (95% CI)",
        ),
        rows=table_rows,
        footnotes=(
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
        record_ids=tuple(record_ids),
    )
    text = _text(
        figure_id="subgroups-adult",
        title=f"CR/CRi difference by subgroup, INO-VATE ALL ({SUBGROUP_CAVEAT.lower()})",
        caption=(
            f"{SUBGROUP_CAVEAT}. Difference in CR/CRi rate between BESPONSA and investigator's choice "
            "chemotherapy, overall and in subgroups reported in separate analyses. Squares with lines: "
            "difference with 95% CI computed from published counts; hollow diamonds: difference of "
            "published percentages, no CI available."
        ),
        description="Forest plot. "
        + " ".join(
            f"{r.label}: BESPONSA {_arm_cell(r.ino)}, investigator's choice {_arm_cell(r.ic)}; difference "
            f"{r.text()}."
            for r in rows
        ),
        table=table,
        footnotes=table.footnotes,
        references=table.references,
        record_ids=table.record_ids,
    )
    return draw, None, text


def _os_adult() -> tuple[Draw, Draw | None, FigureText]:
    ds = datasets.inovate_all()
    med_ino, med_ic = shown(ds, "os-final-median-ino", Median), shown(ds, "os-final-median-ic", Median)
    two_ino, two_ic = shown(ds, "os-final-24mo-ino", Milestone), shown(ds, "os-final-24mo-ic", Milestone)
    hr = shown(ds, "os-final-hr", HazardRatio)
    n326 = fmt.number(shown(ds, "randomized-total", Quantity).value)
    one_sided = next(p for p in hr.p_values if p.sided.value == "one")
    assert hr.boundary is not None

    hr_line = f"{fmt.hr_text(hr)}; {fmt.p_text(one_sided)}"
    met = "met" if hr.boundary_met else "not met"
    boundary_line = f"Prespecified significance boundary {fmt.p_text(hr.boundary)}: {met}."

    def draw(chart: Callable[..., MplFigure] = charts.os_panels) -> MplFigure:
        return chart((med_ino, med_ic), (two_ino, two_ic), hr_line, boundary_line)

    def narrow() -> MplFigure:
        return draw(charts.narrow_os_panels)

    table = Table(
        id="os-adult-table",
        caption=f"Overall survival, INO-VATE ALL final analysis ({med_ino.population})",
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
        footnotes=(
            boundary_line,
            "Overall survival was one of two primary endpoints; the comparison used a stratified log-rank "
            "test.",
            "Medians, 2-year rates and the HR need patient-level data and are shown as published; the HR "
            "was checked against its CI and the P value against the boundary.",
        ),
        references=("kantarjian-cancer-2019", "pi-2024"),
        record_ids=tuple(
            _ids(
                ds,
                "os-final-median-ino",
                "os-final-median-ic",
                "os-final-24mo-ino",
                "os-final-24mo-ic",
                "os-final-hr",
            )
        ),
    )
    text = _text(
        figure_id="os-adult",
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
        table=table,
        footnotes=table.footnotes,
        references=table.references,
        record_ids=table.record_ids,
    )
    return draw, narrow, text


RECONSTRUCTED_TIMES = (0, 6, 12, 18, 24, 30, 36)


def _os_reconstructed() -> tuple[Draw, Draw | None, FigureText]:
    data = reconstructed.load()
    fits = {arm: kaplan_meier(*data.arm_data(1 if arm is Arm.INO else 0)) for arm in (Arm.INO, Arm.IC)}
    times = np.array(RECONSTRUCTED_TIMES, dtype=np.float64)
    at_risk = {arm: km.at_risk_at(times) for arm, km in fits.items()}

    def draw() -> MplFigure:
        return charts.km_curves(
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
    table = Table(
        id="os-reconstructed-table",
        caption=f"Overall survival read from the reconstructed curve ({reconstructed.LABEL})",
        columns=("Time", f"{ARM_LABELS[Arm.INO]} (reconstructed)", f"{ARM_LABELS[Arm.IC]} (reconstructed)"),
        rows=rows,
        footnotes=(
            f"{reconstructed.LABEL}. The curve was re-digitised by a third party from the published 2016 "
            "Kaplan–Meier figure; it misses 16 deaths and differs from the published medians, so it must "
            "not be quoted as a trial result.",
            "Kaplan–Meier estimates with 95% log-log Greenwood bands (shaded), computed by us from the "
            "reconstructed pseudo-data; the at-risk counts are reconstructed too, not the published ones.",
        ),
        references=("kantarjian-nejm-2016",),
        record_ids=(),
    )
    text = _text(
        figure_id="os-reconstructed",
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
        table=table,
        footnotes=table.footnotes,
        references=table.references,
        record_ids=(),
        illustrative=True,
    )
    return draw, None, text


_BUILDERS: Mapping[str, Callable[[], tuple[Draw, Draw | None, FigureText]]] = MappingProxyType(
    {
        "cr-cri-adult": _cr_cri_adult,
        "mrd-adult": _mrd_adult,
        "subgroups-adult": _subgroups_adult,
        "os-adult": _os_adult,
        "os-reconstructed": _os_reconstructed,
        "cr-pediatric": _cr_pediatric,
        "mrd-pediatric": _mrd_pediatric,
    }
)
FIGURE_IDS: tuple[str, ...] = tuple(_BUILDERS)


@functools.cache
def _plan(figure_id: str) -> tuple[Draw, Draw | None, FigureText]:
    try:
        builder = _BUILDERS[figure_id]
    except KeyError:
        raise UnknownFigureError(f"no figure {figure_id!r}; one of {', '.join(FIGURE_IDS)}") from None
    return builder()


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
