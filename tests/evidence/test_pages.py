"""Page views: only confirmed, recomputed numbers; statements, tables, figures and references."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from besponsa.evidence import datasets, figures, pages
from besponsa.evidence.errors import EvidenceDataError, UnconfirmedNumberError
from besponsa.evidence.records import Proportion
from besponsa.evidence.references import REFERENCES
from besponsa.evidence.selectors import shown

ALL_PAGES = [pages.efficacy_adult, pages.efficacy_pediatric, pages.safety_adult, pages.safety_pediatric]


@pytest.fixture(scope="module", params=ALL_PAGES, ids=lambda f: f.__name__)
def page(request: pytest.FixtureRequest) -> pages.PageView:
    builder: Callable[[], pages.PageView] = request.param
    return builder()


def test_page_shape(page: pages.PageView) -> None:
    assert page.title and page.sections and page.statements
    assert page.data_versions and all(version >= 1 for _, version in page.data_versions)
    assert len({s.id for s in page.statements}) == len(page.statements)
    for statement in page.statements:
        assert statement.text.endswith(".")
        assert set(statement.references) <= set(REFERENCES)
    for table in page.tables:
        assert table.caption and all(len(r) == len(table.columns) for r in table.rows)


def test_only_confirmed_numbers_reach_a_page(page: pages.PageView) -> None:
    by_name = {ds.name: ds for ds in datasets.all_datasets()}
    assert page.record_ids
    for key in page.record_ids:
        name, rid = key.split(":")
        assert by_name[name].records[rid].confirmed, key
    for figure_id in page.figure_ids:
        for key in figures.render(figure_id).record_ids:
            name, rid = key.split(":")
            assert by_name[name].records[rid].confirmed, key


def test_references_are_numbered_in_citation_order(page: pages.PageView) -> None:
    numbered = page.numbered_references()
    assert [n for n, _ in numbered] == list(range(1, len(numbered) + 1))
    assert all(REFERENCES[key].citable for key in page.references)
    first = page.statements[0].references[0]
    assert page.references[0] == first


def test_figures_exist(page: pages.PageView) -> None:
    assert set(page.figure_ids) <= set(figures.FIGURE_IDS)


@pytest.mark.parametrize(
    ("builder", "statement_id", "fragments"),
    [
        (
            pages.efficacy_adult,
            "crcri",
            [
                "80.7% (88/109; 95% CI 72.1–87.7)",
                "29.4% (32/109; 95% CI 21.0–38.8)",
                "51.4 percentage points (97.5% CI 38.4–64.3; one-sided P < 0.0001)",
            ],
        ),
        (
            pages.efficacy_adult,
            "mrd-crcri",
            ["78.4% (69/88; 95% CI 68.4–86.5)", "28.1% (9/32; 95% CI 13.7–46.7)"],
        ),
        (
            pages.efficacy_adult,
            "os-final",
            [
                "7.7 months (95% CI 6.0–9.2)",
                "6.2 months (95% CI 4.7–8.3)",
                "HR 0.751 (97.5% CI 0.568–0.993)",
                "one-sided P = 0.0105",
            ],
        ),
        (pages.efficacy_adult, "os-boundary", ["did not meet", "one-sided P = 0.0104"]),
        (pages.efficacy_pediatric, "cr", ["42% (22/53; 95% CI 28.1–55.9)"]),
        (
            pages.efficacy_pediatric,
            "mrd",
            ["95.5% (21/22; 95% CI 77.2–99.9)", "86.4% (19/22; 95% CI 65.1–97.1)"],
        ),
        (pages.efficacy_pediatric, "docr", ["8.2 months (95% CI 2.6–NE)"]),
        (pages.safety_adult, "vod", ["23/164 (14%)"]),
        (pages.safety_adult, "nrm", ["31/79 (39%)", "8/35 (23%)"]),
        (pages.safety_pediatric, "vod", ["8/53 (15%)"]),
        (pages.safety_pediatric, "hsct", ["26/53 (49%)", "5/26 (19%)", "7/26 (27%)"]),
    ],
)
def test_statements_carry_the_recomputed_numbers(
    builder: Callable[[], pages.PageView], statement_id: str, fragments: list[str]
) -> None:
    text = builder().statement(statement_id).text
    for fragment in fragments:
        assert fragment in text


def test_derived_counts_are_a_note_for_reviewers_not_a_footnote() -> None:
    statement = pages.efficacy_adult().statement("cr")
    assert pages.DERIVED_COUNT_NOTE in statement.review_notes
    assert pages.DERIVED_COUNT_NOTE not in statement.footnotes
    for view in (builder() for builder in pages.PAGES.values()):
        for table in view.tables:
            assert pages.DERIVED_COUNT_NOTE not in table.footnotes


def test_reconstructed_and_exploratory_figures_are_on_no_page_view() -> None:
    shown = {f for builder in pages.PAGES.values() for f in builder().figure_ids}
    assert set(pages.INTERNAL_FIGURES) == {"os-reconstructed", "subgroups-adult"}
    assert not shown & set(pages.INTERNAL_FIGURES)


def test_withheld_numbers_are_absent() -> None:
    text = " ".join(s.text for s in pages.safety_adult().statements)
    assert "4/162" not in text  # QTcF ≥ 60 ms: printed percentage does not reproduce
    efficacy = " ".join(s.text for s in pages.efficacy_adult().statements)
    assert "45.0%" not in efficacy  # CRi: unconfirmed


def test_shown_refuses_unconfirmed_numbers() -> None:
    with pytest.raises(UnconfirmedNumberError, match="cri-ino"):
        shown(datasets.inovate_all(), "cri-ino", Proportion)


def test_shown_refuses_numbers_that_disagree(edit_data: Callable[[str, str, str], Path]) -> None:
    folder = edit_data("inovate_all.yaml", 'ci: ["95", "72.1", "87.7"]', 'ci: ["95", "72.4", "87.7"]')
    ds = datasets.load("inovate-all", folder=folder)
    with pytest.raises(EvidenceDataError, match="disagrees with its recomputation"):
        shown(ds, "crcri-ino", Proportion)


def test_page_lookup() -> None:
    assert pages.page("safety-pediatric") is pages.safety_pediatric()
    with pytest.raises(KeyError, match="no evidence page"):
        pages.page("nope")
    with pytest.raises(KeyError, match="no statement"):
        pages.efficacy_adult().statement("nope")


def test_listing_a_pages_references_draws_no_figure(monkeypatch: pytest.MonkeyPatch) -> None:
    from besponsa.evidence import charts

    expected = {slug: view().references for slug, view in pages.PAGES.items()}
    figures.render.cache_clear()

    def refuse(draw: object) -> str:
        raise AssertionError("a figure was drawn")

    monkeypatch.setattr(charts, "svg", refuse)
    for slug, view in pages.PAGES.items():
        assert view().references == expected[slug]
        assert view().numbered_references()
    assert all(figures.describe(f).references for f in figures.FIGURE_IDS)


def test_tables_name_the_records_they_show() -> None:
    remission = next(t for t in pages.efficacy_adult().tables if t.id == "remission")
    assert remission.record_ids[:2] == ("inovate-all:crcri-ino", "inovate-all:crcri-ic")
    assert remission.record_ids[-1] == "inovate-all:crcri-test-one-sided"
    pediatric = next(t for t in pages.safety_pediatric().tables if t.id == "safety-pediatric")
    assert len(pediatric.record_ids) == len(pediatric.rows)
