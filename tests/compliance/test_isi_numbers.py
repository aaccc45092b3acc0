"""The ISI's numbers have one source: every number in content/isi.yaml is the value evidence/ or clinical/
holds for it. Where the label's own rounding differs from the arithmetic (QTcF 4/162 printed as 3%), the
label's printed statement stands."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.utils.html import strip_tags

from besponsa.clinical import product, regimen, reproductive
from besponsa.evidence import datasets, fmt

ISI_FILE = Path(settings.BASE_DIR) / "content" / "isi.yaml"
# Numbers that name or define something rather than report a result: the age in the indication, Day-100
# mortality, the QTcF thresholds, the adverse-reaction cut-offs, toxicity grades, CD22 and the study name.
DEFINITIONS = (
    "1 year",
    "Day-100",
    "60 ms",
    "500 ms",
    "20% or more",
    "2% or more",
    "Grade 3 or 4",
    "grade 2",
    "CD22",
    "WI203581",
)


def isi_text() -> str:
    data = yaml.safe_load(ISI_FILE.read_text(encoding="utf-8"))
    fields = ("tray_summary", "boxed_warning", "indication", "warnings_and_precautions", "adverse_reactions")
    text = " ".join(strip_tags(str(data[name])) for name in (*fields, "specific_populations"))
    return re.sub(r"\s+", " ", text)


def _pct(p: Any) -> str:
    return f"{p.percent}%"


def _n(q: Any) -> str:
    return fmt.number(q.value)


def expected_phrases() -> list[str]:
    adult, child = datasets.inovate_all(), datasets.wi203581()
    a, c = adult.records, child.records
    obs = next(f for f in product.PRODUCT_FACTS if f.key == "observation_after_infusion")
    return [
        f"VOD occurred in {a['vod-ino'].count} of {a['vod-ino'].n} patients ({_pct(a['vod-ino'])})",
        f"it occurred in {a['vod-after-hsct-ino'].count} of {a['vod-after-hsct-ino'].n} "
        f"({_pct(a['vod-after-hsct-ino'])})",
        f"up to {_n(a['vod-latest-no-hsct'])} days after the last dose",
        f"transplant to onset was {_n(a['vod-onset-after-hsct'])} days",
        f"VOD occurred in {c['vod'].count} of {c['vod'].n} patients ({_pct(c['vod'])})",
        f"in {c['vod-after-hsct'].count} of the {c['vod-after-hsct'].n} ({_pct(c['vod-after-hsct'])})",
        f"occurred in {_pct(a['ast-g34-ino'])}, {_pct(a['alt-g34-ino'])} and "
        f"{_pct(a['bili-g34-ino'])} of adults",
        f"and in {_pct(c['ast-g34'])}, {_pct(c['alt-g34'])} and {_pct(c['bili-g34'])} of children",
        f"the recommended duration is {regimen.HSCT_RECOMMENDED_CYCLES} cycles",
        f"mortality was {a['nrm-ino'].count} of {a['nrm-ino'].n} ({_pct(a['nrm-ino'])}) with BESPONSA",
        f"and {a['nrm-ic'].count} of {a['nrm-ic'].n} ({_pct(a['nrm-ic'])}) with investigator's choice",
        f"In children, {c['hsct'].count} of {c['hsct'].n} ({_pct(c['hsct'])}) underwent HSCT",
        f"among them was {c['nrm'].count} of {c['nrm'].n} ({_pct(c['nrm'])})",
        f"thrombocytopenia occurred in {_pct(a['thrombocytopenia-ino'])}, neutropenia in "
        f"{_pct(a['neutropenia-ino'])} and febrile neutropenia in {_pct(a['febrile-neutropenia-ino'])}",
        f"grade 3 or 4 thrombocytopenia occurred in {_pct(c['thrombocytopenia-g34'])} and grade 3 or 4 "
        f"neutropenia in {_pct(c['neutropenia-g34'])}",
        f"reactions occurred in {_pct(a['irr-ino'])} of adults",
        f"and {_pct(c['irr'])} of children",
        f"for at least {format(obs.amount.normalize(), 'f')} hour after it ends",
        # The label prints 4/162 as 3%; the arithmetic (2.47%) would round to 2%. The label stands.
        f"60 ms or more from baseline occurred in {_pct(a['qtcf-60-ino'])} of adults",
        f"more than 60 ms occurred in {_pct(c['qtcf-60'])} and a QTcF above 500 ms in {_pct(c['qtcf-500'])}",
        f"for at least {reproductive.CONTRACEPTION_FEMALE_MONTHS} months after the last dose",
        f"for at least {reproductive.CONTRACEPTION_MALE_MONTHS} months after the last dose",
        f"for {reproductive.BREASTFEEDING_MONTHS} months after the last dose",
    ]


def test_every_number_in_the_isi_comes_from_evidence_or_clinical() -> None:
    text = isi_text()
    missing = [phrase for phrase in expected_phrases() if phrase not in text]
    assert not missing, "ISI statements that do not match the data:\n" + "\n".join(missing)
    rest = text
    for phrase in (*expected_phrases(), *DEFINITIONS):
        rest = rest.replace(phrase, " ")
    unsourced = re.findall(r".{0,30}\d.{0,10}", rest)
    assert not unsourced, f"numbers in the ISI with no source: {unsourced}"


def test_the_labels_own_rounding_stands_for_qtcf() -> None:
    qt = datasets.inovate_all().records["qtcf-60-ino"]
    assert (qt.count, qt.n, qt.percent) == (4, 162, Decimal("3"))  # printed by the label
    arithmetic = (Decimal(qt.count) * 100 / Decimal(qt.n)).quantize(Decimal("1"))
    assert arithmetic == Decimal("2")  # the arithmetic differs; the ISI keeps the label's 3%
    assert "occurred in 3% of adults" in isi_text()
