"""Safety page views: adults (INO-VATE ALL) and children (study WI203581)."""

from __future__ import annotations

import functools

from besponsa.evidence import datasets, fmt
from besponsa.evidence.records import Quantity
from besponsa.evidence.views import PageBuilder, PageView, Section, abbreviations, n_of

__all__ = ["safety_adult", "safety_pediatric"]


def __dir__() -> list[str]:
    return __all__


@functools.cache
def safety_adult() -> PageView:
    """Safety — Adult: INO-VATE ALL."""
    b = PageBuilder(datasets.inovate_all())
    exposure = [
        b.get(i, Quantity)
        for i in ("exposure-weeks-ino", "exposure-cycles-ino", "exposure-weeks-ic", "exposure-cycles-ic")
    ]
    vod, vod_hsct, vod_no = b.p("vod-ino"), b.p("vod-after-hsct-ino"), b.p("vod-no-hsct-ino")
    vod_ic = b.p("vod-ic")
    onset, latest = b.get("vod-onset-after-hsct", Quantity), b.get("vod-latest-no-hsct", Quantity)
    nrm_ino, nrm_ic = b.p("nrm-ino"), b.p("nrm-ic")
    ast, alt, bili = b.p("ast-g34-ino"), b.p("alt-g34-ino"), b.p("bili-g34-ino")
    plt, neut, fn = b.p("thrombocytopenia-ino"), b.p("neutropenia-ino"), b.p("febrile-neutropenia-ino")
    irr = b.p("irr-ino")
    qt_ino, qt_ic = b.p("qtcf-500-ino"), b.p("qtcf-500-ic")
    treated_ic = b.get("treated-ic", Quantity)
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
                    f"VOD occurred in {n_of(vod)} of BESPONSA patients, during or after treatment or after "
                    f"a later HSCT, and in {n_of(vod_ic)} of investigator's-choice patients.",
                    (vod, vod_ic),
                ),
                b.statement(
                    "vod-hsct",
                    f"Of the BESPONSA patients who went on to HSCT, {n_of(vod_hsct)} developed VOD, at a "
                    f"median of {fmt.number(onset.value)} days after HSCT (range "
                    f"{fmt.number(onset.range_low)}{fmt.DASH}{fmt.number(onset.range_high)}); without an "
                    f"HSCT in between, VOD occurred in {n_of(vod_no)}, up to {fmt.quantity_text(latest)} "
                    "after the last dose.",
                    (vod_hsct, onset, vod_no, latest),
                ),
                b.statement(
                    "liver-labs",
                    f"Grade 3/4 increases in AST, ALT and total bilirubin occurred in {n_of(ast)}, "
                    f"{n_of(alt)} and {n_of(bili)} of BESPONSA patients.",
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
                    f"Among patients who had HSCT, non-relapse mortality was {n_of(nrm_ino)} after "
                    f"BESPONSA and {n_of(nrm_ic)} after investigator's choice.",
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
                    f"With BESPONSA, thrombocytopenia occurred in {n_of(plt)}, neutropenia in "
                    f"{n_of(neut)} and febrile neutropenia in {n_of(fn)} of patients.",
                    (plt, neut, fn),
                ),
                b.statement(
                    "irr",
                    f"Infusion-related reactions occurred in {n_of(irr)} of BESPONSA patients, all grade 2.",
                    (irr,),
                ),
                b.statement(
                    "qt",
                    f"A QTcF above 500 ms was seen in {n_of(qt_ino)} of BESPONSA patients and in "
                    f"{n_of(qt_ic)} of investigator's-choice patients with ECG data.",
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
        abbreviations=abbreviations("ALT", "AST", "CTCAE", "HSCT", "QTcF", "VOD"),
        data_versions=b.versions(),
    )


@functools.cache
def safety_pediatric() -> PageView:
    """Safety — Pediatric: study WI203581."""
    b = PageBuilder(datasets.wi203581())
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
                b.statement("vod", f"VOD occurred in {n_of(vod)} of children treated with BESPONSA.", (vod,)),
                b.statement(
                    "hsct",
                    f"HSCT followed in {n_of(hsct)} of children; among them, {n_of(vod_hsct)} developed "
                    f"VOD and non-relapse mortality was {n_of(nrm)}.",
                    (hsct, vod_hsct, nrm),
                ),
                b.statement(
                    "liver-labs",
                    f"Grade 3/4 increases in AST, ALT and total bilirubin occurred in {n_of(ast)}, "
                    f"{n_of(alt)} and {n_of(bili)} of patients.",
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
                    f"Grade 3/4 thrombocytopenia occurred in {n_of(plt)} and grade 3/4 neutropenia in "
                    f"{n_of(neut)}; infections were reported in {n_of(inf)}.",
                    (plt, neut, inf),
                ),
                b.statement(
                    "hemorrhage",
                    f"Bleeding was reported in {n_of(hem)}, including hematoma in {n_of(hematoma)}, mouth "
                    f"hemorrhage in {n_of(mouth)} and epistaxis in {n_of(epi)}.",
                    (hem, hematoma, mouth, epi),
                ),
                b.statement(
                    "irr-qt",
                    f"Infusion-related reactions occurred in {n_of(irr)}. QTcF rose by more than 60 ms "
                    f"from baseline in {n_of(qt60)} and exceeded 500 ms in {n_of(qt500)} of patients with "
                    "ECG data.",
                    (irr, qt60, qt500),
                ),
            ),
            tables=(
                b.table(
                    table_id="safety-pediatric",
                    caption=f"Selected adverse reactions in study WI203581 (n = {vod.n})",
                    columns=("Adverse reaction", "Patients, n/N (%)"),
                    rows=tuple((p.label, n_of(p)) for p in rows),
                    footnotes=("QTcF rows use the patients with ECG data as the denominator.",),
                    references=("pi-2024",),
                    records=rows,
                ),
            ),
        ),
    )
    return PageView(
        slug="safety-pediatric",
        title="Safety in children: study WI203581",
        sections=sections,
        footnotes=(f"Safety population: {vod.n} children and adolescents aged 1 year and older.",),
        abbreviations=abbreviations("ALT", "AST", "HSCT", "QTcF", "VOD"),
        data_versions=b.versions(),
    )
