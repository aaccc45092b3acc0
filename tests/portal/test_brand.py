"""The brand shell and product pages (issue 12, and issue 11 item 7's footer furniture): what a visitor
reads in the footer, the NCCN notice, the menu's current section, the home page's stats, the card-grid
landing pages, the staff style guide and the self-hosted typeface."""

from __future__ import annotations

import dataclasses
import datetime
import re
import subprocess
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory

from besponsa.evidence import datasets, fmt
from besponsa.evidence.records import Proportion
from besponsa.evidence.selectors import shown
from besponsa.portal import highlights, nccn
from besponsa.portal.models import SiteContacts
from besponsa.portal.templatetags.portal_content import readable_svg
from besponsa.portal.views.styleguide import styleguide
from tests.portal.conftest import text_of

pytestmark = pytest.mark.django_db

# A content page, the ISI page (its own template) and a tool page (another app's template).
FOOTER_PAGES = ("/dosing/", "/isi/", "/tools/planner/")


def _footers(client: Client) -> list[str]:
    return [_footer(client.get(path).content.decode()) for path in FOOTER_PAGES]


def _footer(html: str) -> str:
    return html[html.index('<footer class="site-footer"') : html.index("</footer>")]


def _item(html: str, key: str) -> str:
    match = re.search(rf'<(p|li) [^>]*data-footer="{key}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"footer item {key!r} missing"
    return match.group(2)


def test_footer_has_the_pfizer_for_professionals_line_with_its_number(reader: Client) -> None:
    phone = SiteContacts.load().medical_information_phone
    for footer in _footers(reader):
        line = _item(footer, "professionals")
        assert "Pfizer for Professionals" in line
        assert f'href="tel:{phone}"' in line and phone in text_of(line)


def test_footer_says_the_site_is_for_us_healthcare_professionals_only(reader: Client) -> None:
    for footer in _footers(reader):
        assert "only for healthcare professionals in the United States" in text_of(_item(footer, "us-only"))


def test_footer_says_labeling_may_differ_in_other_countries(reader: Client) -> None:
    for footer in _footers(reader):
        text = text_of(_item(footer, "labeling"))
        assert "labeled differently in other countries" in text and "US" in text


def test_footer_says_the_information_is_educational(reader: Client) -> None:
    for footer in _footers(reader):
        assert "educational purposes" in text_of(_item(footer, "educational"))


def test_footer_links_the_full_prescribing_information_document(reader: Client) -> None:
    pi_url = SiteContacts.load().prescribing_information_url
    for footer in _footers(reader):
        line = _item(footer, "pi")
        assert "Please see full Prescribing Information, including BOXED WARNING" in text_of(line)
        href = re.search(r'href="([^"]+)"', line).group(1)  # type: ignore[union-attr]
        assert href == "/leaving/?to=" + quote(pi_url, safe="")
    leaving = reader.get(href)
    assert leaving.status_code == 200 and pi_url in leaving.content.decode()


def test_pages_citing_nccn_carry_its_permission_and_trademark_notice(reader: Client) -> None:
    html = reader.get("/nccn/").content.decode()
    block = html[html.index("data-nccn-notice") :]
    block = text_of(block[: block.index("</div>")])
    notice = nccn.notice()
    assert "referenced with permission" in block
    assert f"Version {notice.version}" in block and notice.guideline in block
    assert (
        f"© {notice.copyright_holder}" in block or f"{notice.copyright_holder} All rights reserved" in block
    )
    assert "no warranties" in block and "most recent and complete version" in block
    assert "registered trademarks of the National Comprehensive Cancer Network" in block
    assert "/leaving/?to=" + quote(notice.current_version_url, safe="") in html


def test_pages_not_citing_nccn_have_no_nccn_notice(reader: Client) -> None:
    assert "data-nccn-notice" not in reader.get("/dosing/").content.decode()


def test_nccn_notice_prints_the_access_date_and_year_once_recorded(
    reader: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded = dataclasses.replace(nccn.notice(), accessed=datetime.date(2026, 11, 2), copyright_year=2020)
    monkeypatch.setattr(nccn, "notice", lambda: recorded)
    text = text_of(reader.get("/nccn/").content.decode())
    assert "Accessed November 2, 2026." in text
    assert "© 2020 National Comprehensive Cancer Network, Inc." in text


SECTIONS = [
    ("/", "Home", "page"),
    ("/efficacy/pediatric/", "Efficacy", "true"),
    ("/safety/", "Safety", "true"),
    ("/support/videos/", "Savings &amp; Support", "true"),
    ("/tools/", "Clinical tools", "page"),
    ("/tools/planner/", "Clinical tools", "true"),
    ("/tools/dose/", "Clinical tools", "true"),
]


def test_menu_highlights_the_current_section_on_every_kind_of_page(reader: Client) -> None:
    for path, section, state in SECTIONS:
        html = reader.get(path).content.decode()
        nav = html[html.index('aria-label="Main"') : html.index("</nav>")]
        current = re.findall(r'<a href="([^"]+)" aria-current="(page|true)">([^<]+)<', nav)
        assert [(label, value) for _, value, label in current if label == section] == [(section, state)], path
        assert nav.count('class="is-current"') == 1, path


def test_home_stats_read_their_numbers_from_the_evidence(reader: Client) -> None:
    html = reader.get("/").content.decode()
    adult = datasets.inovate_all()
    for key in ("crcri-ino", "crcri-ic", "mrd-crcri-ino"):
        record = shown(adult, key, Proportion)
        assert record.percent is not None
        assert fmt.percent(record.percent) in text_of(html)
    for stat_id in ("adult-crcri", "adult-mrd", "adult-docr", "pediatric-cr"):
        stat = highlights.stat(stat_id)
        assert f'data-stat="{stat_id}"' in html
        assert f'<span class="stat__value">{stat.value}</span>' in html
    # The OS statement stands beside the key results.
    assert "did not meet the prespecified significance boundary" in text_of(html)


def test_a_changed_evidence_value_shows_in_the_stat(monkeypatch: pytest.MonkeyPatch) -> None:
    real = highlights.shown

    def changed(dataset: Any, record_id: str, kind: Any) -> Any:
        record = real(dataset, record_id, kind)
        return dataclasses.replace(record, percent=Decimal("12.3")) if record_id == "crcri-ino" else record

    monkeypatch.setattr(highlights, "shown", changed)
    assert highlights.stat("adult-crcri").value == "12.3%"


def test_home_is_a_product_page(reader: Client) -> None:
    html = reader.get("/").content.decode()
    assert html.count("<h1") == 1 and 'class="hero"' in html
    hero = html[html.index('class="hero"') : html.index("</section>", html.index('class="hero"'))]
    assert "1 year and older" in text_of(hero)
    for target in ("/efficacy/adult/", "/dosing/", "/tools/"):
        assert f'href="{target}"' in hero
    cards = re.findall(r'class="card__title"><a href="([^"]+)"', html)
    assert cards == ["/efficacy/adult/", "/safety/adult/", "/dosing/", "/tools/"]
    assert "Category 1" in html and "Approved for children 1 year and older" in html
    assert 'class="page-notes"' in html and "data-nccn-notice" in html  # Home cites the NCCN Guidelines


LANDING_PAGES = {
    "/efficacy/": ["/efficacy/adult/", "/efficacy/pediatric/"],
    "/safety/": ["/safety/adult/", "/safety/pediatric/", "/isi/"],
    "/support/": ["/support/events/", "/support/materials/", "/support/videos/"],
}


def test_section_landing_pages_are_card_grids(reader: Client) -> None:
    for path, children in LANDING_PAGES.items():
        html = reader.get(path).content.decode()
        cards = re.findall(r'class="card__title"><a href="([^"]+)"', html)
        assert 'class="card-grid"' in html and cards[: len(children)] == children, path


def test_style_guide_is_for_staff_only(client: Client, reader: Client, django_user_model: Any) -> None:
    assert client.get("/cms/site-styleguide/").status_code == 302  # to sign-in
    hcp = django_user_model.objects.create_user("hcp@example.com", "hcp@example.com", "x" * 16)
    request = RequestFactory().get("/cms/site-styleguide/")
    request.user = hcp
    with pytest.raises(PermissionDenied):
        styleguide(request)
    staff = django_user_model.objects.create_superuser("staff@example.com", "staff@example.com", "x" * 16)
    request.user = staff
    response = styleguide(request)
    body = response.content.decode()
    assert response.status_code == 200 and response["X-Robots-Tag"] == "noindex, nofollow"
    assert "--color-brand-600" in body and "--step-0" in body and "--space-4" in body
    for component in ("hero", "card-grid", "callout", "stat", "data-table", "evidence-figure", "tabs"):
        assert f'class="{component}' in body
    assert "site-styleguide" not in reader.get("/").content.decode()  # not linked publicly


def test_the_typeface_is_served_and_never_committed(reader: Client) -> None:
    response = reader.get("/static/portal/fonts/source-sans-3-latin-400.woff2")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"wOF2"  # type: ignore[attr-defined]
    css = reader.get("/static/portal/css/site.css")
    css_text = b"".join(css.streaming_content).decode()  # type: ignore[attr-defined]
    assert "font-display: swap" in css_text and "size-adjust" in css_text
    tracked = subprocess.run(
        ["git", "ls-files", "*.woff2", "*.woff", "*.ttf"], capture_output=True, text=True
    )
    assert tracked.stdout.strip() == ""


def test_data_table_cells_carry_their_column_label(reader: Client) -> None:
    html = reader.get("/dosing/").content.decode()
    table = re.search(r"<table[^>]*data-clinical-table=\"regimen\".*?</table>", html, re.S)
    assert table
    heads = re.findall(r'<th scope="col">([^<]+)</th>', table.group(0))
    first_row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", table.group(0), re.S).group(1)  # type: ignore[union-attr]
    assert re.findall(r'data-label="([^"]*)"', first_row) == heads[1:]


def test_figures_keep_their_text_at_12_px_or_more() -> None:
    svg = '<svg width="518.4pt" height="302.4pt" viewBox="0 0 518.4 302.4"><text font-size="9">a</text></svg>'
    out = str(readable_svg(svg))
    width = int(re.search(r'<svg width="(\d+)"', out).group(1))  # type: ignore[union-attr]
    assert width * 9 / 518.4 >= 12 and "302.4pt" not in out
