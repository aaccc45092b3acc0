"""The report recomputes every published number; it passes now and fails when a confirmed number moves."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from besponsa.evidence import datasets, report
from besponsa.evidence.records import Status
from besponsa.evidence.report import Verdict


@pytest.fixture(scope="module")
def built() -> report.Report:
    return report.build()


def _check(r: report.Report, key: str, item: str) -> report.Check:
    matches = [c for c in r.checks if c.key == key and c.item == item]
    assert len(matches) == 1, (key, item, [c.item for c in r.checks if c.key == key])
    return matches[0]


def test_every_confirmed_number_agrees(built: report.Report) -> None:
    assert built.ok, report.format_text(built)
    assert not built.failures


def test_every_record_is_listed(built: report.Report) -> None:
    keys = {c.key for c in built.checks}
    for ds in datasets.all_datasets():
        for rid in ds.records:
            assert f"{ds.name}:{rid}" in keys


@pytest.mark.parametrize(
    ("key", "item", "recomputed"),
    [
        ("inovate-all:crcri-ino", "95% CI", "72.07–87.66"),
        ("inovate-all:crcri-ic", "95% CI", "21.02–38.85"),
        ("inovate-all:mrd-crcri-ino", "95% CI", "68.35–86.47"),
        ("inovate-all:mrd-crcri-ic", "95% CI", "13.75–46.75"),
        ("wi203581:cr", "95% CI", "28.14–55.87"),
        ("wi203581:mrd-flow", "95% CI", "77.16–99.88"),
        ("wi203581:mrd-pcr", "95% CI", "65.09–97.09"),
        ("inovate-all:crcri-diff", "97.5% CI", "38.44–64.31"),
        ("inovate-all:mrd-crcri-diff", "97.5% CI", "29.94–70.63"),
    ],
)
def test_published_intervals_are_recomputed(
    built: report.Report, key: str, item: str, recomputed: str
) -> None:
    check = _check(built, key, item)
    assert check.verdict is Verdict.AGREES
    assert check.recomputed == recomputed


def test_derived_counts_are_unique(built: report.Report) -> None:
    derived = [c for c in built.checks if c.item == "count (derived)"]
    assert len(derived) >= 10
    assert all(c.verdict is Verdict.AGREES and "," not in c.recomputed for c in derived)


def test_survival_claims(built: report.Report) -> None:
    boundary = _check(built, "inovate-all:os-final-hr", "significance boundary")
    assert boundary.verdict is Verdict.CONSISTENT and "not met (0.0105 > 0.0104)" in boundary.recomputed
    midpoint = _check(built, "inovate-all:os-final-hr", "HR is the midpoint of its CI (log scale)")
    assert midpoint.verdict is Verdict.CONSISTENT
    implied = _check(built, "inovate-all:os-final-hr", "one-sided P")
    assert implied.verdict is Verdict.NOT_RECOMPUTABLE and "0.011" in implied.recomputed
    assert _check(built, "inovate-all:os-final-median-ic", "median").verdict is Verdict.CONSISTENT


def test_the_labels_own_rounding_stands_and_the_report_says_so(built: report.Report) -> None:
    # PI 12.2 prints 4/162 as 3 %; 4/162 is 2.47 %. The label's statement is kept, not withheld.
    qtcf = _check(built, "inovate-all:qtcf-60-ino", "percent")
    assert qtcf.status is Status.CONFIRMED and qtcf.verdict is Verdict.LABEL_ROUNDING
    assert qtcf.recomputed == "2.5% (4/162)" and qtcf.published == "3%"
    text = report.format_text(built)
    assert "inovate-all:qtcf-60-ino: the label prints 3%; 2.5% (4/162)" in text
    assert "inovate-all:qtcf-60-ino" not in text.split("unconfirmed numbers (kept out of pages)")[1]
    assert built.ok


def test_unconfirmed_numbers_are_listed_and_never_fail(built: report.Report) -> None:
    unconfirmed = [c for c in built.checks if c.status is Status.UNCONFIRMED]
    assert unconfirmed
    text = report.format_text(built).split("unconfirmed numbers (kept out of pages)")[1]
    assert all(c.key in text for c in unconfirmed)
    assert built.ok


def test_json_shape(built: report.Report) -> None:
    data = report.to_json(built)
    assert data["ok"] is True
    assert {d["name"] for d in data["datasets"]} == {"inovate-all", "wi203581"}
    row = next(r for r in data["checks"] if r["id"] == "inovate-all:crcri-ino" and r["item"] == "95% CI")
    assert row == {
        "id": "inovate-all:crcri-ino",
        "item": "95% CI",
        "label": "CR/CRi",
        "published": "95% CI 72.1–87.7",
        "recomputed": "72.07–87.66",
        "status": "confirmed",
        "verdict": "agrees",
        "refs": ["kantarjian-nejm-2016", "pi-2024"],
        "method": "exact (Clopper–Pearson)",
        "note": "",
    }


PERTURBATIONS = [
    (
        "inovate_all.yaml",
        'percent: "80.7", ci: ["95", "72.1", "87.7"]',
        'percent: "80.7", ci: ["95", "72.3", "87.7"]',
        "inovate-all:crcri-ino",
    ),
    ("inovate_all.yaml", 'percent: "80.7"', 'percent: "80.9"', "inovate-all:crcri-ino"),
    ("inovate_all.yaml", 'estimate: "51.4"', 'estimate: "51.6"', "inovate-all:crcri-diff"),
    (
        "inovate_all.yaml",
        'p: "one-sided = 0.0076"',
        'p: "one-sided = 0.0066"',
        "inovate-all:gen-abl1like-test",
    ),
    (
        "inovate_all.yaml",
        'boundary: "one-sided = 0.0104",\n         boundary_met: false',
        'boundary: "one-sided = 0.0104",\n         boundary_met: true',
        "inovate-all:os-final-hr",
    ),
    ("inovate_all.yaml", 'estimate: "0.751"', 'estimate: "0.761"', "inovate-all:os-final-hr"),
    (
        "inovate_all.yaml",
        'count: 39, n: 109, percent: "35.8"',
        'count: 38, n: 109, percent: "35.8"',
        "inovate-all:cr-ino",
    ),
    ("inovate_all.yaml", 'cells: ["85 (51.8)"', 'cells: ["85 (52.8)"', "inovate-all:sae-final"),
    (
        "wi203581.yaml",
        'percent: "95.5", ci: ["95", "77.2", "99.9"]',
        'percent: "95.5", ci: ["95", "77.2", "98.9"]',
        "wi203581:mrd-flow",
    ),
    ("wi203581.yaml", 'value: "41"', 'value: "40"', "wi203581:enrolled"),
]


@pytest.mark.parametrize(
    ("file_name", "old", "new", "key"), PERTURBATIONS, ids=[p[3] + ":" + p[2][:12] for p in PERTURBATIONS]
)
def test_a_perturbed_confirmed_number_fails_the_report(
    edit_data: Callable[[str, str, str], Path], file_name: str, old: str, new: str, key: str
) -> None:
    folder = edit_data(file_name, old, new)
    r = report.build(folder=folder)
    assert not r.ok
    assert {c.key for c in r.failures} == {key}
    assert "FAILED" in report.format_text(r)


def test_a_perturbed_unconfirmed_number_does_not_fail(edit_data: Callable[[str, str, str], Path]) -> None:
    folder = edit_data("inovate_all.yaml", 'percent: "45.0"', 'percent: "47.0"')
    r = report.build(folder=folder)
    assert r.ok
    assert _check(r, "inovate-all:cri-ino", "percent").verdict is Verdict.DIFFERS


def test_a_boundary_without_a_p_value_on_its_side_differs(edit_data: Callable[[str, str, str], Path]) -> None:
    folder = edit_data(
        "inovate_all.yaml",
        'p: ["one-sided = 0.0105", "two-sided = 0.0210"]',
        'p: ["two-sided = 0.0210"]',
    )
    r = report.build(folder=folder)
    assert [c.item for c in r.failures] == ["significance boundary"]
