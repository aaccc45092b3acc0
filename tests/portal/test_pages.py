"""Every seeded page, as an HCP sees it: status, job code, the ISI, numbers from evidence/ and clinical/."""

from __future__ import annotations

import dataclasses
import html as html_lib
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client

from besponsa.clinical import modifications, regimen
from besponsa.evidence import figures, pages
from besponsa.portal.models import SafetyInformation
from tests.portal.conftest import main_html, notes_html, published_pages, text_of

EXPECTED_PATHS = {
    "/",
    "/about/",
    "/dosing/",
    "/efficacy/",
    "/efficacy/adult/",
    "/efficacy/pediatric/",
    "/safety/",
    "/safety/adult/",
    "/safety/pediatric/",
    "/support/",
    "/support/events/",
    "/support/materials/",
    "/support/videos/",
    "/support/patient-support/",
    "/support/ordering/",
    "/nccn/",
    "/prescribing-information/",
    "/indication/",
    "/contact/",
}


def _table(html: str, key: str) -> list[list[str]]:
    """Rows of the clinical table `key` as lists of cell texts (header row excluded)."""
    match = re.search(rf'<table[^>]*data-clinical-table="{key}".*?</table>', html, re.S)
    assert match, f"no clinical table {key!r} on the page"
    body = match.group(0).split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [
        [html_lib.unescape(c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
        for r in rows
    ]


def test_every_page_of_the_site_map_is_served_with_its_job_code_and_the_isi(reader: Client) -> None:
    live = published_pages()
    assert {p.url for p in live} >= EXPECTED_PATHS
    isi = SafetyInformation.current()
    assert isi is not None
    codes = [p.job_code for p in live if p.url in EXPECTED_PATHS]
    assert len(set(codes)) == len(codes), "job codes must be unique"
    for page in live:
        if page.url not in EXPECTED_PATHS:
            continue  # e.g. /tools/, owned by the tools app
        response = reader.get(page.url)
        assert response.status_code == 200, page.url
        html = response.content.decode()
        assert re.fullmatch(r"PP-INO-USA-\d{4}", page.job_code), page.url
        assert page.job_code in html, page.url
        assert 'id="isi"' in html and html_lib.escape(isi.boxed_warning_title) in html, page.url
        body = main_html(html)
        assert "[[" not in body, f"unfilled placeholder on {page.url}"
        assert len(text_of(body)) > 200, f"{page.url} has almost no content"


def test_efficacy_adult_shows_the_recomputed_intervals_figures_and_data_tables(reader: Client) -> None:
    html = reader.get("/efficacy/adult/").content.decode()
    text = text_of(main_html(html))
    view = pages.efficacy_adult()
    assert "72.1–87.7" in text and "21.0–38.8" in text and "68.4–86.5" in text
    for statement in view.statements:
        assert statement.text in text, statement.id
    for table in view.tables:
        assert table.caption in text
    for figure_id in view.figure_ids:
        figure = figures.render(figure_id)
        assert f'id="fig-{figure_id}"' in html
        assert figure.caption in text
        assert figure.table.caption in text
        for row in figure.table.rows:
            assert all(cell in text for cell in row), (figure_id, row)
    assert 'style="' not in main_html(html)  # inline SVG stays CSP-safe


def test_pediatric_efficacy_shows_its_intervals(reader: Client) -> None:
    text = text_of(main_html(reader.get("/efficacy/pediatric/").content.decode()))
    for interval in ("28.1–55.9", "77.2–99.9", "65.1–97.1"):
        assert interval in text


@pytest.mark.parametrize(
    "path,view", [("/safety/adult/", "safety-adult"), ("/safety/pediatric/", "safety-pediatric")]
)
def test_safety_pages_show_their_evidence_after_the_boxed_warning(
    reader: Client, path: str, view: str
) -> None:
    body = main_html(reader.get(path).content.decode())
    text = text_of(body)
    for statement in pages.page(view).statements:
        assert statement.text in text, statement.id
    assert text.index("Boxed warning") < text.index(pages.page(view).statements[0].text)


def test_dosing_tables_equal_the_clinical_module(reader: Client) -> None:
    html = reader.get("/dosing/").content.decode()
    rows = _table(html, "regimen")
    assert len(rows) == len(regimen.REGIMEN_TABLE)
    for cells, row in zip(rows, regimen.REGIMEN_TABLE, strict=True):
        days = dict(row.days)
        assert cells[0] == row.applies_to
        assert [Decimal(c) for c in cells[1:4]] == [days[1], days[8], days[15]]
        assert Decimal(cells[4]) == row.total_mg_per_m2
    for key, data in (
        ("hematologic", modifications.HEMATOLOGIC_TABLE),
        ("nonhematologic", modifications.NONHEMATOLOGIC_TABLE),
        ("interruption", modifications.INTERRUPTION_TABLE),
    ):
        table = _table(html, key)
        assert [(r[0], r[1]) for r in table] == [(d.condition, d.action) for d in data]
    durations = [r[0] for r in _table(html, "duration")]
    assert durations == [rule.text for rule in regimen.DURATION_RULES]
    for tool in ("/tools/dose/", "/tools/planner/", "/tools/modifications/"):
        assert f'href="{tool}"' in html


def test_table_4_shows_claims_and_is_served_only_once_medical_verified_it(reader: Client) -> None:
    # Table 4 is unconfirmed in clinical/: the seeded fixture records a Medical reviewer's verification,
    # without which the page is withheld (docs/compliance.md). The status is for reviewers, not the page.
    html = reader.get("/dosing/").content.decode()
    caption = re.search(r'<caption id="clin-interruption-caption">(.*?)</caption>', html, re.S)
    assert caption and "UNCONFIRMED" not in caption.group(1) and '<th scope="col">Status</th>' not in html
    assert len(_table(html, "interruption")) == len(modifications.INTERRUPTION_TABLE)


def test_a_changed_clinical_value_changes_the_dosing_page(reader: Client, monkeypatch: Any) -> None:
    first = regimen.REGIMEN_TABLE[0]
    changed = dataclasses.replace(first, days=((1, Decimal("0.7")), *first.days[1:]))
    monkeypatch.setattr(regimen, "REGIMEN_TABLE", (changed, *regimen.REGIMEN_TABLE[1:]))
    cells = _table(reader.get("/dosing/").content.decode(), "regimen")[0]
    assert cells[1] == "0.7"
    assert Decimal(cells[4]) == changed.total_mg_per_m2 != first.total_mg_per_m2


def test_prescribing_information_links_to_dailymed_through_the_leaving_notice(reader: Client) -> None:
    html = reader.get("/prescribing-information/").content.decode()
    link = re.search(r'href="(/leaving/\?to=[^"]*dailymed[^"]*)"', html)
    assert link, "no DailyMed link through the leaving notice"
    notice = reader.get(html_lib.unescape(link.group(1)))
    assert notice.status_code == 200
    assert "3/2024" in text_of(main_html(html))


def test_no_clinical_number_is_typed_in_the_dosing_content() -> None:
    """The Dosing page's numbers come from besponsa.clinical: its seed file holds none of its own."""
    from besponsa.portal.seed import CONTENT_DIR

    text = (CONTENT_DIR / "pages" / "dosing.yaml").read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    # Allowed: reference keys, PI table names, "Cycle 1" as a name, and placeholders filled from clinical/.
    stripped = re.sub(r"pi-\d+|Tables? \d+( to \d+)?|Cycle 1|\[\[[a-z_]+:[a-z0-9_]+\]\]", "", text)
    assert re.findall(r"\d+", stripped) == []


def test_a_second_uncached_render_of_an_evidence_page_is_byte_identical(reader: Client) -> None:
    # Figures, evidence checks and the page's text are memoized across renders (issue 18); an approval
    # fingerprints what the page shows, so a memoized render must equal the first one exactly.
    from besponsa.portal import pagecache
    from besponsa.portal.templatetags.portal_content import visible_text

    visible_text.cache_clear()
    first = reader.get("/efficacy/adult/")
    pagecache.clear()
    for store in caches.all():
        store.clear()
    second = reader.get("/efficacy/adult/")
    assert first.status_code == second.status_code == 200
    assert visible_text.cache_info().hits >= 1
    assert main_html(second.content.decode()) == main_html(first.content.decode())
    assert notes_html(second.content.decode()) == notes_html(first.content.decode())
