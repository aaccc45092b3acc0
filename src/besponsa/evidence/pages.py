"""Page-ready views for the Efficacy and Safety pages: statements, tables and figure ids, all from the data.

>>> from besponsa.evidence import pages
>>> page = pages.efficacy_adult()
>>> page.statement("crcri").text.startswith("In the first 218")
True

Every number reaches a page through :func:`besponsa.evidence.selectors.shown`: only confirmed numbers,
and only when they agree with their recomputation (otherwise building the page raises). Sentences are our
own words; numbers are printed as the source printed them, which the report has checked against the
recomputed values (for example the exact 95% CI 72.1–87.7 for 88/109).

Views are built once per process (cached); they are immutable.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from besponsa.evidence import datasets, fmt
from besponsa.evidence.fmt import SUBGROUP_CAVEAT
from besponsa.evidence.records import (
    ARM_LABELS,
    Arm,
    ComparisonTest,
    CountBasis,
    CountTable,
    Dataset,
    Difference,
    HazardRatio,
    Median,
    Milestone,
    Proportion,
    Quantity,
    Record,
)
from besponsa.evidence.references import numbered
from besponsa.evidence.selectors import shown
from besponsa.evidence.tables import Table

__all__ = [
    "INTERNAL_FIGURES",
    "PAGES",
    "PageView",
    "Section",
    "Statement",
    "efficacy_adult",
    "efficacy_pediatric",
    "page",
    "safety_adult",
    "safety_pediatric",
]


def __dir__() -> list[str]:
    return __all__


DERIVED_COUNT_NOTE = (
    "Counts in parentheses were not printed by the source; each is the only whole number that reproduces "
    "the published percentage on the published denominator."
)


@dataclass(frozen=True, slots=True)
class Statement:
    """One claim, ready to print: ``text`` already carries its formatted numbers."""

    id: str
    text: str
    references: tuple[str, ...]
    footnotes: tuple[str, ...] = ()
    record_ids: tuple[str, ...] = ()  # "dataset:record" of every number in the text
    review_notes: tuple[str, ...] = ()  # how numbers were derived: for MLR reviewers, never on a page


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    heading: str
    statements: tuple[Statement, ...] = ()
    tables: tuple[Table, ...] = ()
    figures: tuple[str, ...] = ()  # ids for besponsa.evidence.figures.render
    review_notes: tuple[str, ...] = ()  # working notes for MLR reviewers (the CMS claims panel), never public


@dataclass(frozen=True, slots=True)
class PageView:
    slug: str
    title: str
    sections: tuple[Section, ...]
    footnotes: tuple[str, ...]
    abbreviations: tuple[tuple[str, str], ...]
    data_versions: tuple[tuple[str, int], ...]

    @property
    def statements(self) -> tuple[Statement, ...]:
        return tuple(s for section in self.sections for s in section.statements)

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(t for section in self.sections for t in section.tables)

    @property
    def figure_ids(self) -> tuple[str, ...]:
        return tuple(f for section in self.sections for f in section.figures)

    @property
    def record_ids(self) -> tuple[str, ...]:
        ids = [r for s in self.statements for r in s.record_ids] + [
            r for t in self.tables for r in t.record_ids
        ]
        return tuple(dict.fromkeys(ids))

    @property
    def references(self) -> tuple[str, ...]:
        """Reference keys in first-cited order: statements and tables section by section, then figures."""
        from besponsa.evidence.figures import render

        keys: list[str] = []
        for section in self.sections:
            for statement in section.statements:
                keys.extend(statement.references)
            for table in section.tables:
                keys.extend(table.references)
            for figure_id in section.figures:
                keys.extend(render(figure_id).references)
        return tuple(dict.fromkeys(keys))

    def numbered_references(self) -> tuple[tuple[int, str], ...]:
        """(number, full citation) pairs for the page's reference list."""
        return tuple((n, ref.citation) for n, ref in numbered(self.references))

    def statement(self, statement_id: str) -> Statement:
        for s in self.statements:
            if s.id == statement_id:
                return s
        raise KeyError(f"{self.slug}: no statement {statement_id!r}")


class _Builder:
    """Collects the records a page reads, so statements carry their references and record ids."""

    def __init__(self, dataset: Dataset) -> None:
        self.ds = dataset

    def p(self, record_id: str) -> Proportion:
        return shown(self.ds, record_id, Proportion)

    def statement(
        self, statement_id: str, text: str, records: Iterable[Record], *footnotes: str
    ) -> Statement:
        records = tuple(records)
        derived = any(isinstance(r, Proportion) and r.count_basis is CountBasis.DERIVED for r in records)
        return Statement(
            id=statement_id,
            text=text,
            references=tuple(dict.fromkeys(k for r in records for k in r.provenance.refs)),
            footnotes=tuple(footnotes),
            record_ids=tuple(f"{self.ds.name}:{r.id}" for r in records),
            review_notes=(DERIVED_COUNT_NOTE,) if derived else (),
        )

    def count_table(
        self, record_id: str, caption: str, *footnotes: str, first_column: str = "Event"
    ) -> Table:
        t = shown(self.ds, record_id, CountTable)
        return Table(
            id=record_id,
            caption=caption,
            columns=(first_column, *(f"{c.label} (n = {c.n})" for c in t.columns)),
            rows=tuple((row.term, *(fmt.cell_text(cell) for cell in row.cells)) for row in t.rows),
            footnotes=tuple(footnotes),
            references=t.provenance.refs,
            record_ids=(f"{self.ds.name}:{t.id}",),
        )

    def versions(self) -> tuple[tuple[str, int], ...]:
        return ((self.ds.name, self.ds.version),)


def _pp(p: Proportion) -> str:
    """The percentage with its count and CI, e.g. "80.7% (88/109; 95% CI 72.1–87.7)"."""
    return fmt.proportion_text(p)


def _n_of(p: Proportion) -> str:
    """Count, denominator and printed percentage, e.g. 23/164 (14%)."""
    assert p.percent is not None
    return f"{p.count}/{p.n} ({fmt.percent(p.percent)})"


def _pair(b: _Builder, prefix: str) -> tuple[Proportion, Proportion]:
    return b.p(f"{prefix}-ino"), b.p(f"{prefix}-ic")


ABBREVIATIONS_ADULT = (
    ("ALL", "acute lymphoblastic leukemia"),
    ("CI", "confidence interval"),
    ("CR", "complete remission"),
    ("CRi", "complete remission with incomplete hematologic recovery"),
    ("HR", "hazard ratio"),
    ("HSCT", "hematopoietic stem-cell transplant"),
    ("MRD", "minimal residual disease"),
    ("Ph", "Philadelphia chromosome"),
)


@functools.cache
def efficacy_adult() -> PageView:
    """Efficacy — Adult: INO-VATE ALL."""
    b = _Builder(datasets.inovate_all())
    ds = b.ds
    total, n_ino, n_ic = (
        shown(ds, i, Quantity) for i in ("randomized-total", "randomized-ino", "randomized-ic")
    )
    first218 = shown(ds, "first218-total", Quantity)
    n218, n326 = fmt.number(first218.value), fmt.number(total.value)
    baseline_ids = (
        "prior-regimens-1",
        "prior-regimens-2",
        "ph-negative",
        "first-remission-lt12",
        "prior-hsct",
    )
    baseline = [b.p(i) for i in baseline_ids]
    age = shown(ds, "age-median", Quantity)
    study = Section(
        id="study",
        heading="The INO-VATE ALL study",
        statements=(
            b.statement(
                "design",
                f"INO-VATE ALL randomized {fmt.number(total.value)} adults with relapsed or refractory "
                f"B-cell precursor ALL 1:1 to BESPONSA ({fmt.number(n_ino.value)}) or to investigator's "
                f"choice of chemotherapy ({fmt.number(n_ic.value)}); remission was analyzed in the first "
                f"{fmt.number(first218.value)} patients randomized and overall survival in all "
                f"{fmt.number(total.value)}.",
                (total, n_ino, n_ic, first218),
                "Investigator's choice: FLAG, cytarabine with mitoxantrone, or high-dose cytarabine.",
            ),
        ),
        tables=(
            Table(
                id="baseline",
                caption=f"Baseline characteristics, all {fmt.number(total.value)} randomized patients",
                columns=("Characteristic", f"All patients (n = {fmt.number(total.value)})"),
                rows=(
                    (age.label, fmt.quantity_text(age)),
                    *(
                        (p.label, f"{p.count} ({fmt.percent(p.percent)})")
                        for p in baseline
                        if p.percent is not None
                    ),
                ),
                references=age.provenance.refs,
                record_ids=tuple(f"{ds.name}:{i}" for i in ("age-median", *baseline_ids)),
            ),
        ),
    )

    crcri_ino, crcri_ic = _pair(b, "crcri")
    cr_ino, cr_ic = _pair(b, "cr")
    diff = shown(ds, "crcri-diff", Difference)
    test = shown(ds, "crcri-test-one-sided", ComparisonTest)
    cycle1, cycle2 = b.p("response-cycle1"), b.p("response-cycle2")
    assert diff.ci is not None
    mrd_ino, mrd_ic = _pair(b, "mrd-crcri")
    mrd_cr_ino, mrd_cr_ic = _pair(b, "mrd-cr")
    remission = Section(
        id="remission",
        heading=f"Remission (first {n218} randomized patients)",
        statements=(
            b.statement(
                "crcri",
                f"In the first {n218} patients randomized, CR/CRi was reached by {_pp(crcri_ino)} of "
                f"patients given BESPONSA and {_pp(crcri_ic)} of those given investigator's choice; the "
                f"difference was {fmt.number(diff.estimate)} percentage points ({fmt.ci_text(diff.ci)}; "
                f"{fmt.p_text(test.p)}).",
                (crcri_ino, crcri_ic, diff, test),
                "CR and CRi were adjudicated by an independent Endpoint Adjudication Committee.",
                "The CR/CRi comparison used a one-sided chi-squared test.",
            ),
            b.statement(
                "cr",
                f"CR with full blood-count recovery: {_pp(cr_ino)} with BESPONSA vs {_pp(cr_ic)} with "
                "investigator's choice.",
                (cr_ino, cr_ic),
            ),
            b.statement(
                "response-timing",
                f"Among BESPONSA responders, {_n_of(cycle1)} responded during cycle 1 and {_n_of(cycle2)} "
                "during cycle 2.",
                (cycle1, cycle2),
            ),
        ),
        tables=(
            Table(
                id="remission",
                caption=f"Remission and MRD negativity, first {n218} randomized patients",
                columns=(
                    "Outcome",
                    f"{ARM_LABELS[Arm.INO]} (n = {crcri_ino.n})",
                    f"{ARM_LABELS[Arm.IC]} (n = {crcri_ic.n})",
                ),
                rows=(
                    ("CR/CRi", _pp(crcri_ino), _pp(crcri_ic)),
                    ("CR", _pp(cr_ino), _pp(cr_ic)),
                    ("MRD-negative, among patients with CR/CRi", _pp(mrd_ino), _pp(mrd_ic)),
                    ("MRD-negative, among patients with CR", _pp(mrd_cr_ino), _pp(mrd_cr_ic)),
                ),
                footnotes=(
                    f"CR/CRi difference {fmt.number(diff.estimate)} percentage points "
                    f"({fmt.ci_text(diff.ci)}); {fmt.p_text(test.p)}.",
                    "MRD negativity: leukemic cells below 1×10⁻⁴ (0.01%) of bone-marrow nucleated cells by "
                    "flow cytometry.",
                ),
                references=("kantarjian-nejm-2016", "pi-2024", "fda-2017"),
                record_ids=tuple(
                    f"{ds.name}:{i}"
                    for i in (
                        "crcri-ino",
                        "crcri-ic",
                        "cr-ino",
                        "cr-ic",
                        "mrd-crcri-ino",
                        "mrd-crcri-ic",
                        "mrd-cr-ino",
                        "mrd-cr-ic",
                        "crcri-diff",
                        "crcri-test-one-sided",
                    )
                ),
            ),
        ),
        figures=("cr-cri-adult",),
        review_notes=(DERIVED_COUNT_NOTE,),
    )

    mrd_diff = shown(ds, "mrd-crcri-diff", Difference)
    mrd_test = shown(ds, "mrd-crcri-test", ComparisonTest)
    assert mrd_diff.ci is not None
    mrd = Section(
        id="mrd",
        heading="MRD negativity",
        statements=(
            b.statement(
                "mrd-crcri",
                f"Among patients with CR/CRi, {_pp(mrd_ino)} of BESPONSA patients and {_pp(mrd_ic)} of "
                "investigator's-choice patients were MRD-negative (difference "
                f"{fmt.number(mrd_diff.estimate)} percentage points; {fmt.ci_text(mrd_diff.ci)}; "
                f"{fmt.p_text(mrd_test.p)}).",
                (mrd_ino, mrd_ic, mrd_diff, mrd_test),
            ),
            b.statement(
                "mrd-cr",
                f"Among patients with CR: {_pp(mrd_cr_ino)} vs {_pp(mrd_cr_ic)}.",
                (mrd_cr_ino, mrd_cr_ic),
            ),
        ),
        figures=("mrd-adult",),
    )

    docr_ino, docr_ic = shown(ds, "docr-ino", Median), shown(ds, "docr-ic", Median)
    duration = Section(
        id="duration",
        heading="Duration of CR",
        statements=(
            b.statement(
                "docr",
                f"Median duration of CR was {fmt.median_text(docr_ino)} with BESPONSA (n = {docr_ino.n}) "
                f"and {fmt.median_text(docr_ic)} with investigator's choice (n = {docr_ic.n}).",
                (docr_ino, docr_ic),
            ),
        ),
    )

    any_ino, any_ic = _pair(b, "hsct-any")
    direct_ino, direct_ic = _pair(b, "hsct-direct")
    direct_test = shown(ds, "hsct-direct-test", ComparisonTest)
    hsct = Section(
        id="hsct",
        heading="Stem-cell transplant after treatment",
        statements=(
            b.statement(
                "hsct-any",
                f"Over the whole study, {_pp(any_ino)} of BESPONSA patients and {_pp(any_ic)} of "
                "investigator's-choice patients went on to allogeneic HSCT.",
                (any_ino, any_ic),
            ),
            b.statement(
                "hsct-direct",
                f"HSCT straight after CR/CRi, with no other induction in between: {_pp(direct_ino)} vs "
                f"{_pp(direct_ic)} ({fmt.p_text(direct_test.p)}).",
                (direct_ino, direct_ic, direct_test),
            ),
        ),
    )

    med_ino, med_ic = shown(ds, "os-final-median-ino", Median), shown(ds, "os-final-median-ic", Median)
    hr = shown(ds, "os-final-hr", HazardRatio)
    two_ino, two_ic = shown(ds, "os-final-24mo-ino", Milestone), shown(ds, "os-final-24mo-ic", Milestone)
    n_med_ino, n_med_ic = shown(ds, "os-nejm-median-ino", Median), shown(ds, "os-nejm-median-ic", Median)
    n_hr = shown(ds, "os-nejm-hr", HazardRatio)
    assert hr.boundary is not None and n_hr.boundary is not None
    one_sided = next(p for p in hr.p_values if p.sided.value == "one")

    def p_values(h: HazardRatio) -> str:
        return "; ".join(fmt.p_text(p) for p in h.p_values)

    survival = Section(
        id="survival",
        heading=f"Overall survival (all {n326} randomized patients)",
        statements=(
            b.statement(
                "os-final",
                f"At the final analysis, median overall survival was {fmt.median_text(med_ino)} with "
                f"BESPONSA and {fmt.median_text(med_ic)} with investigator's choice; {fmt.hr_text(hr)}, "
                f"{fmt.p_text(one_sided)}.",
                (med_ino, med_ic, hr),
            ),
            b.statement(
                "os-boundary",
                f"This did not meet the prespecified significance boundary ({fmt.p_text(hr.boundary)}), so "
                "the overall-survival comparison is not statistically significant.",
                (hr,),
            ),
            b.statement(
                "os-2y",
                f"At 2 years, {fmt.milestone_text(two_ino)} of BESPONSA patients and "
                f"{fmt.milestone_text(two_ic)} of investigator's-choice patients were alive.",
                (two_ino, two_ic),
            ),
        ),
        tables=(
            Table(
                id="os",
                caption=f"Overall survival at the primary and final analyses (all {n326} randomized)",
                columns=(
                    "Measure",
                    f"Primary analysis ({n_med_ino.population})",
                    f"Final analysis ({med_ino.population})",
                ),
                rows=(
                    (f"Median, {ARM_LABELS[Arm.INO]}", fmt.median_text(n_med_ino), fmt.median_text(med_ino)),
                    (f"Median, {ARM_LABELS[Arm.IC]}", fmt.median_text(n_med_ic), fmt.median_text(med_ic)),
                    ("Hazard ratio", fmt.hr_text(n_hr), fmt.hr_text(hr)),
                    ("P value", p_values(n_hr), p_values(hr)),
                    (
                        "Prespecified boundary",
                        f"{fmt.p_text(n_hr.boundary)}: {'met' if n_hr.boundary_met else 'not met'}",
                        f"{fmt.p_text(hr.boundary)}: {'met' if hr.boundary_met else 'not met'}",
                    ),
                    (
                        "Alive at 2 years",
                        "—",
                        f"{fmt.milestone_text(two_ino)} vs {fmt.milestone_text(two_ic)}",
                    ),
                ),
                footnotes=("Overall survival was compared with a one-sided stratified log-rank test.",),
                references=("kantarjian-nejm-2016", "kantarjian-cancer-2019"),
                record_ids=tuple(
                    f"{ds.name}:{i}"
                    for i in (
                        "os-nejm-median-ino",
                        "os-nejm-median-ic",
                        "os-nejm-hr",
                        "os-final-median-ino",
                        "os-final-median-ic",
                        "os-final-hr",
                        "os-final-24mo-ino",
                        "os-final-24mo-ic",
                    )
                ),
            ),
        ),
        figures=("os-adult",),
        review_notes=(
            "The 2-year rates of the primary analysis are not shown: the level of their confidence interval "
            "could not be confirmed.",
        ),
    )
    return PageView(
        slug="efficacy-adult",
        title="Efficacy in adults: INO-VATE ALL",
        sections=(study, remission, mrd, duration, hsct, survival),
        footnotes=(),
        abbreviations=ABBREVIATIONS_ADULT,
        data_versions=b.versions(),
    )


@functools.cache
def efficacy_pediatric() -> PageView:
    """Efficacy — Pediatric: study WI203581."""
    b = _Builder(datasets.wi203581())
    ds = b.ds
    enrolled, low, high = (shown(ds, i, Quantity) for i in ("enrolled", "start-1p4", "start-1p8"))
    cycles = shown(ds, "cycles-median", Quantity)
    cr, flow, pcr = b.p("cr"), b.p("mrd-flow"), b.p("mrd-pcr")
    docr = shown(ds, "docr", Median)
    study = Section(
        id="study",
        heading="Study WI203581",
        statements=(
            b.statement(
                "design",
                f"Study WI203581 (ITCC-059) treated {fmt.number(enrolled.value)} children and adolescents "
                "aged 1 year and older with relapsed or refractory CD22-positive B-cell precursor ALL in a "
                f"single-arm, open-label design; {fmt.number(low.value)} started at 1.4 mg/m² per cycle and "
                f"{fmt.number(high.value)} at 1.8 mg/m² per cycle, for a median of "
                f"{fmt.quantity_text(cycles)}.",
                (enrolled, low, high, cycles),
            ),
        ),
    )
    efficacy = Section(
        id="efficacy",
        heading="Remission and MRD",
        statements=(
            b.statement("cr", f"CR was reached by {_pp(cr)} of patients.", (cr,)),
            b.statement(
                "docr",
                f"Median duration of CR was {fmt.median_text(docr)}.",
                (docr,),
                "NE: not estimable (too few events for an upper limit).",
            ),
            b.statement(
                "mrd",
                f"Among patients with CR, {_pp(flow)} were MRD-negative by flow cytometry and {_pp(pcr)} by "
                "RQ-PCR.",
                (flow, pcr),
            ),
        ),
        tables=(
            Table(
                id="efficacy",
                caption=f"Efficacy in study WI203581 (n = {cr.n})",
                columns=("Outcome", "Result"),
                rows=(
                    ("CR", _pp(cr)),
                    ("Median duration of CR", fmt.median_text(docr)),
                    ("MRD-negative among CR, flow cytometry", _pp(flow)),
                    ("MRD-negative among CR, RQ-PCR", _pp(pcr)),
                ),
                footnotes=(
                    "CR means complete remission with full blood-count recovery; the FDA analysis reports "
                    "CR only.",
                    "MRD negativity: leukemic cells below 1×10⁻⁴ of bone-marrow nucleated cells.",
                    "NE: not estimable.",
                ),
                references=("fda-2024-pediatric", "pi-2024"),
                record_ids=tuple(f"{ds.name}:{i}" for i in ("cr", "docr", "mrd-flow", "mrd-pcr")),
            ),
        ),
        figures=("cr-pediatric", "mrd-pediatric"),
    )
    return PageView(
        slug="efficacy-pediatric",
        title="Efficacy in children: study WI203581",
        sections=(study, efficacy),
        footnotes=(),
        abbreviations=(
            ("ALL", "acute lymphoblastic leukemia"),
            ("CI", "confidence interval"),
            ("CR", "complete remission"),
            ("MRD", "minimal residual disease"),
            ("NE", "not estimable"),
            ("RQ-PCR", "real-time quantitative polymerase chain reaction"),
        ),
        data_versions=b.versions(),
    )


@functools.cache
def safety_adult() -> PageView:
    """Safety — Adult: INO-VATE ALL."""
    b = _Builder(datasets.inovate_all())
    ds = b.ds
    exposure = [
        shown(ds, i, Quantity)
        for i in ("exposure-weeks-ino", "exposure-cycles-ino", "exposure-weeks-ic", "exposure-cycles-ic")
    ]
    vod, vod_hsct, vod_no = b.p("vod-ino"), b.p("vod-after-hsct-ino"), b.p("vod-no-hsct-ino")
    vod_ic = b.p("vod-ic")
    onset, latest = shown(ds, "vod-onset-after-hsct", Quantity), shown(ds, "vod-latest-no-hsct", Quantity)
    nrm_ino, nrm_ic = b.p("nrm-ino"), b.p("nrm-ic")
    ast, alt, bili = b.p("ast-g34-ino"), b.p("alt-g34-ino"), b.p("bili-g34-ino")
    plt, neut, fn = b.p("thrombocytopenia-ino"), b.p("neutropenia-ino"), b.p("febrile-neutropenia-ino")
    irr = b.p("irr-ino")
    qt_ino, qt_ic = b.p("qtcf-500-ino"), b.p("qtcf-500-ic")
    treated_ic = shown(ds, "treated-ic", Quantity)
    assert onset.range_low is not None and onset.range_high is not None
    sections = (
        Section(
            id="exposure",
            heading="Treatment exposure",
            statements=(
                b.statement(
                    "exposure",
                    f"BESPONSA was given for a median of {fmt.quantity_text(exposure[0])}, with a median of "
                    f"{fmt.quantity_text(exposure[1])} started; investigator's choice for a median of "
                    f"{fmt.quantity_text(exposure[2])}, with a median of {fmt.quantity_text(exposure[3])}.",
                    exposure,
                ),
            ),
        ),
        Section(
            id="vod",
            heading="Hepatotoxicity, including VOD",
            statements=(
                b.statement(
                    "vod",
                    f"VOD occurred in {_n_of(vod)} of BESPONSA patients, during or after treatment or after "
                    f"a later HSCT, and in {_n_of(vod_ic)} of investigator's-choice patients.",
                    (vod, vod_ic),
                ),
                b.statement(
                    "vod-hsct",
                    f"Of the BESPONSA patients who went on to HSCT, {_n_of(vod_hsct)} developed VOD, at a "
                    f"median of {fmt.number(onset.value)} days after HSCT (range "
                    f"{fmt.number(onset.range_low)}{fmt.DASH}{fmt.number(onset.range_high)}); without an "
                    f"HSCT in between, VOD occurred in {_n_of(vod_no)}, up to {fmt.quantity_text(latest)} "
                    "after the last dose.",
                    (vod_hsct, onset, vod_no, latest),
                ),
                b.statement(
                    "liver-labs",
                    f"Grade 3/4 increases in AST, ALT and total bilirubin occurred in {_n_of(ast)}, "
                    f"{_n_of(alt)} and {_n_of(bili)} of BESPONSA patients.",
                    (ast, alt, bili),
                ),
            ),
        ),
        Section(
            id="nrm",
            heading="Non-relapse mortality after HSCT",
            statements=(
                b.statement(
                    "nrm",
                    f"Among patients who had HSCT, non-relapse mortality was {_n_of(nrm_ino)} after "
                    f"BESPONSA and {_n_of(nrm_ic)} after investigator's choice.",
                    (nrm_ino, nrm_ic),
                ),
            ),
        ),
        Section(
            id="myelosuppression",
            heading="Myelosuppression, infusion reactions and QT",
            statements=(
                b.statement(
                    "myelosuppression",
                    f"With BESPONSA, thrombocytopenia occurred in {_n_of(plt)}, neutropenia in "
                    f"{_n_of(neut)} and febrile neutropenia in {_n_of(fn)} of patients.",
                    (plt, neut, fn),
                ),
                b.statement(
                    "irr",
                    f"Infusion-related reactions occurred in {_n_of(irr)} of BESPONSA patients, all grade 2.",
                    (irr,),
                ),
                b.statement(
                    "qt",
                    f"A QTcF above 500 ms was seen in {_n_of(qt_ino)} of BESPONSA patients and in "
                    f"{_n_of(qt_ic)} of investigator's-choice patients with ECG data.",
                    (qt_ino, qt_ic),
                ),
            ),
        ),
        Section(
            id="adverse-reactions",
            heading="Adverse reactions and serious adverse events",
            tables=(
                b.count_table(
                    "ar-10pct",
                    "Adverse reactions in 10% or more of adults treated with BESPONSA",
                    "Grade 3 or higher is shown where it was available (blood-count rows); — means not "
                    "reported here.",
                    "Graded with CTCAE version 3.0.",
                    first_column="Adverse reaction",
                ),
                b.count_table(
                    "serious-ar-2pct",
                    "Serious adverse reactions in 2% or more of adults treated with BESPONSA",
                    first_column="Serious adverse reaction",
                ),
                b.count_table(
                    "sae-final",
                    "Treatment-emergent serious adverse events in 2% or more of patients, final analysis",
                    "Number of patients (percent). Graded with CTCAE version 3.0.",
                    first_column="Serious adverse event",
                ),
            ),
        ),
    )
    return PageView(
        slug="safety-adult",
        title="Safety in adults: INO-VATE ALL",
        sections=sections,
        footnotes=(
            f"Safety population: {vod.n} patients treated with BESPONSA and {fmt.number(treated_ic.value)} "
            "with investigator's choice.",
        ),
        abbreviations=(
            ("ALT", "alanine aminotransferase"),
            ("AST", "aspartate aminotransferase"),
            ("CTCAE", "Common Terminology Criteria for Adverse Events"),
            ("HSCT", "hematopoietic stem-cell transplant"),
            ("QTcF", "QT interval corrected by Fridericia's formula"),
            ("VOD", "hepatic veno-occlusive disease (sinusoidal obstruction syndrome)"),
        ),
        data_versions=b.versions(),
    )


@functools.cache
def safety_pediatric() -> PageView:
    """Safety — Pediatric: study WI203581."""
    b = _Builder(datasets.wi203581())
    ds = b.ds
    vod, hsct, vod_hsct, nrm = b.p("vod"), b.p("hsct"), b.p("vod-after-hsct"), b.p("nrm")
    ast, alt, bili = b.p("ast-g34"), b.p("alt-g34"), b.p("bili-g34")
    plt, neut, inf = b.p("thrombocytopenia-g34"), b.p("neutropenia-g34"), b.p("infections")
    hem, hematoma, mouth, epi = b.p("hemorrhage"), b.p("hematoma"), b.p("mouth-hemorrhage"), b.p("epistaxis")
    irr, qt60, qt500 = b.p("irr"), b.p("qtcf-60"), b.p("qtcf-500")
    rows = (plt, neut, inf, hem, hematoma, mouth, epi, ast, alt, bili, irr, qt60, qt500)
    sections = (
        Section(
            id="vod",
            heading="Hepatotoxicity, including VOD, and HSCT",
            statements=(
                b.statement(
                    "vod", f"VOD occurred in {_n_of(vod)} of children treated with BESPONSA.", (vod,)
                ),
                b.statement(
                    "hsct",
                    f"HSCT followed in {_n_of(hsct)} of children; among them, {_n_of(vod_hsct)} developed "
                    f"VOD and non-relapse mortality was {_n_of(nrm)}.",
                    (hsct, vod_hsct, nrm),
                ),
                b.statement(
                    "liver-labs",
                    f"Grade 3/4 increases in AST, ALT and total bilirubin occurred in {_n_of(ast)}, "
                    f"{_n_of(alt)} and {_n_of(bili)} of patients.",
                    (ast, alt, bili),
                ),
            ),
        ),
        Section(
            id="other",
            heading="Myelosuppression, infections, bleeding, infusion reactions and QT",
            statements=(
                b.statement(
                    "myelosuppression",
                    f"Grade 3/4 thrombocytopenia occurred in {_n_of(plt)} and grade 3/4 neutropenia in "
                    f"{_n_of(neut)}; infections were reported in {_n_of(inf)}.",
                    (plt, neut, inf),
                ),
                b.statement(
                    "hemorrhage",
                    f"Bleeding was reported in {_n_of(hem)}, including hematoma in {_n_of(hematoma)}, mouth "
                    f"hemorrhage in {_n_of(mouth)} and epistaxis in {_n_of(epi)}.",
                    (hem, hematoma, mouth, epi),
                ),
                b.statement(
                    "irr-qt",
                    f"Infusion-related reactions occurred in {_n_of(irr)}. QTcF rose by more than 60 ms "
                    f"from baseline in {_n_of(qt60)} and exceeded 500 ms in {_n_of(qt500)} of patients with "
                    "ECG data.",
                    (irr, qt60, qt500),
                ),
            ),
            tables=(
                Table(
                    id="safety-pediatric",
                    caption=f"Selected adverse reactions in study WI203581 (n = {vod.n})",
                    columns=("Adverse reaction", "Patients, n/N (%)"),
                    rows=tuple((p.label, _n_of(p)) for p in rows),
                    footnotes=("QTcF rows use the patients with ECG data as the denominator.",),
                    references=("pi-2024",),
                    record_ids=tuple(f"{ds.name}:{p.id}" for p in rows),
                ),
            ),
        ),
    )
    return PageView(
        slug="safety-pediatric",
        title="Safety in children: study WI203581",
        sections=sections,
        footnotes=(f"Safety population: {vod.n} children and adolescents aged 1 year and older.",),
        abbreviations=(
            ("ALT", "alanine aminotransferase"),
            ("AST", "aspartate aminotransferase"),
            ("HSCT", "hematopoietic stem-cell transplant"),
            ("QTcF", "QT interval corrected by Fridericia's formula"),
            ("VOD", "hepatic veno-occlusive disease (sinusoidal obstruction syndrome)"),
        ),
        data_versions=b.versions(),
    )


# Figures built from reconstructed or exploratory data: the re-digitized survival curve and the post-hoc
# subgroup forest plot with intervals we computed. They are not promotional evidence, so no page view
# shows them; `besponsa evidence report` and the reviewers' claims panel list them for internal review.
INTERNAL_FIGURES: Mapping[str, str] = MappingProxyType(
    {
        "os-reconstructed": "Overall survival curve re-digitized from the published figure (illustrative).",
        "subgroups-adult": f"Subgroup results with intervals we computed ({SUBGROUP_CAVEAT.lower()}).",
    }
)

PAGES: Mapping[str, Callable[[], PageView]] = MappingProxyType(
    {
        "efficacy-adult": efficacy_adult,
        "efficacy-pediatric": efficacy_pediatric,
        "safety-adult": safety_adult,
        "safety-pediatric": safety_pediatric,
    }
)


def page(slug: str) -> PageView:
    """The page view for ``slug`` (a key of :data:`PAGES`). :raises KeyError: unknown slug."""
    if slug not in PAGES:
        raise KeyError(f"no evidence page {slug!r}; one of {', '.join(PAGES)}")
    return PAGES[slug]()
