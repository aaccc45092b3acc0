"""Efficacy page views: adults (INO-VATE ALL) and children (study WI203581).

Sentences are our own words; numbers are printed as the source printed them, which the report has checked
against the recomputed values (for example the exact 95% CI 72.1–87.7 for 88/109).
"""

from __future__ import annotations

import functools

from besponsa.evidence import datasets, fmt
from besponsa.evidence.records import (
    ARM_LABELS,
    Arm,
    ComparisonTest,
    Difference,
    HazardRatio,
    Median,
    Milestone,
    Quantity,
)
from besponsa.evidence.views import DERIVED_COUNT_NOTE, PageBuilder, PageView, Section, abbreviations, n_of

__all__ = ["ABBREVIATIONS_ADULT", "efficacy_adult", "efficacy_pediatric"]


def __dir__() -> list[str]:
    return __all__


_pp = fmt.proportion_text  # "80.7% (88/109; 95% CI 72.1–87.7)"


ABBREVIATIONS_ADULT = abbreviations("ALL", "CI", "CR", "CRi", "HR", "HSCT", "MRD", "Ph")


@functools.cache
def efficacy_adult() -> PageView:
    """Efficacy — Adult: INO-VATE ALL."""
    b = PageBuilder(datasets.inovate_all())
    total, n_ino, n_ic = (b.get(i, Quantity) for i in ("randomized-total", "randomized-ino", "randomized-ic"))
    first218 = b.get("first218-total", Quantity)
    n218, n326 = fmt.number(first218.value), fmt.number(total.value)
    baseline = [
        b.p(i)
        for i in ("prior-regimens-1", "prior-regimens-2", "ph-negative", "first-remission-lt12", "prior-hsct")
    ]
    age = b.get("age-median", Quantity)
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
            b.table(
                "baseline",
                f"Baseline characteristics, all {fmt.number(total.value)} randomized patients",
                ("Characteristic", f"All patients (n = {fmt.number(total.value)})"),
                (
                    (age.label, fmt.quantity_text(age)),
                    *(
                        (p.label, f"{p.count} ({fmt.percent(p.percent)})")
                        for p in baseline
                        if p.percent is not None
                    ),
                ),
                (age, *baseline),
                references=age.provenance.refs,
            ),
        ),
    )

    crcri_ino, crcri_ic = b.pair("crcri")
    cr_ino, cr_ic = b.pair("cr")
    diff = b.get("crcri-diff", Difference)
    test = b.get("crcri-test-one-sided", ComparisonTest)
    cycle1, cycle2 = b.p("response-cycle1"), b.p("response-cycle2")
    assert diff.ci is not None
    mrd_ino, mrd_ic = b.pair("mrd-crcri")
    mrd_cr_ino, mrd_cr_ic = b.pair("mrd-cr")
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
                f"Among BESPONSA responders, {n_of(cycle1)} responded during cycle 1 and {n_of(cycle2)} "
                "during cycle 2.",
                (cycle1, cycle2),
            ),
        ),
        tables=(
            b.table(
                table_id="remission",
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
                    fmt.MRD_ADULT_NOTE,
                ),
                references=("kantarjian-nejm-2016", "pi-2024", "fda-2017"),
                records=(
                    crcri_ino,
                    crcri_ic,
                    cr_ino,
                    cr_ic,
                    mrd_ino,
                    mrd_ic,
                    mrd_cr_ino,
                    mrd_cr_ic,
                    diff,
                    test,
                ),
            ),
        ),
        figures=("cr-cri-adult",),
        review_notes=(DERIVED_COUNT_NOTE,),
    )

    mrd_diff = b.get("mrd-crcri-diff", Difference)
    mrd_test = b.get("mrd-crcri-test", ComparisonTest)
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

    docr_ino, docr_ic = b.get("docr-ino", Median), b.get("docr-ic", Median)
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

    any_ino, any_ic = b.pair("hsct-any")
    direct_ino, direct_ic = b.pair("hsct-direct")
    direct_test = b.get("hsct-direct-test", ComparisonTest)
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

    med_ino, med_ic = b.get("os-final-median-ino", Median), b.get("os-final-median-ic", Median)
    hr = b.get("os-final-hr", HazardRatio)
    two_ino, two_ic = b.get("os-final-24mo-ino", Milestone), b.get("os-final-24mo-ic", Milestone)
    n_med_ino, n_med_ic = b.get("os-nejm-median-ino", Median), b.get("os-nejm-median-ic", Median)
    n_hr = b.get("os-nejm-hr", HazardRatio)
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
            b.table(
                table_id="os",
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
                records=(n_med_ino, n_med_ic, n_hr, med_ino, med_ic, hr, two_ino, two_ic),
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
    b = PageBuilder(datasets.wi203581())
    enrolled, low, high = (b.get(i, Quantity) for i in ("enrolled", "start-1p4", "start-1p8"))
    cycles = b.get("cycles-median", Quantity)
    cr, flow, pcr = b.p("cr"), b.p("mrd-flow"), b.p("mrd-pcr")
    docr = b.get("docr", Median)
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
            b.table(
                table_id="efficacy",
                caption=f"Efficacy in study WI203581 (n = {cr.n})",
                columns=("Outcome", "Result"),
                rows=(
                    ("CR", _pp(cr)),
                    ("Median duration of CR", fmt.median_text(docr)),
                    ("MRD-negative among CR, flow cytometry", _pp(flow)),
                    ("MRD-negative among CR, RQ-PCR", _pp(pcr)),
                ),
                footnotes=(
                    fmt.CR_PEDIATRIC_NOTE,
                    fmt.MRD_PEDIATRIC_NOTE,
                    "NE: not estimable.",
                ),
                references=("fda-2024-pediatric", "pi-2024"),
                records=(cr, docr, flow, pcr),
            ),
        ),
        figures=("cr-pediatric", "mrd-pediatric"),
    )
    return PageView(
        slug="efficacy-pediatric",
        title="Efficacy in children: study WI203581",
        sections=(study, efficacy),
        footnotes=(),
        abbreviations=abbreviations("ALL", "CI", "CR", "MRD", "NE", "RQ-PCR"),
        data_versions=b.versions(),
    )
