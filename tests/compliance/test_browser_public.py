"""Issue 11 as a visitor sees it in a real browser: only approved-style evidence on the efficacy pages
(point 6), and the site furniture of the brand's site (point 7). Read-only, on the shared test server."""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.parse import quote

import pytest
import yaml

from besponsa.cli import evidence as evidence_cli
from tests.conftest import ROOT, SiteServer

pytestmark = pytest.mark.browser

EFFICACY_PAGES = ("/efficacy/", "/efficacy/adult/", "/efficacy/pediatric/")


def evidence(*argv: str) -> str:
    """`besponsa evidence …`, run through its own interface."""
    out, err = io.StringIO(), io.StringIO()
    assert evidence_cli.run(list(argv), out, err) == 0, err.getvalue()
    return out.getvalue()


def internal_figures() -> dict[str, dict[str, Any]]:
    """The figures `besponsa evidence report` lists for internal review, each as `figure --json` gives it."""
    report = evidence("report")
    section = report.split("internal-review figures", 1)[1].split("\nOK:", 1)[0].split("\nFAILED:", 1)[0]
    ids = [line.strip().split(":", 1)[0] for line in section.splitlines()[1:] if line.startswith("    ")]
    return {figure_id: json.loads(evidence("figure", figure_id, "--json")) for figure_id in ids}


def test_efficacy_pages_show_no_reconstructed_or_exploratory_figure_while_the_report_keeps_them(
    site_server: SiteServer, hcp_page: Any
) -> None:
    internal = internal_figures()
    # The re-digitized survival curve and the post-hoc subgroups with computed intervals.
    assert set(internal) == {"os-reconstructed", "subgroups-adult"}
    assert all(figure["caption"] and figure["title"] for figure in internal.values())
    figures_shown = 0
    for path in EFFICACY_PAGES:
        response = hcp_page.goto(site_server.url(path))
        assert response is not None and response.status == 200, path
        figures_shown += hcp_page.locator("figure.evidence-figure").count()
        text = hcp_page.locator("main").inner_text()
        for figure_id, figure in internal.items():
            assert hcp_page.locator(f"#figure-{figure_id}").count() == 0, (path, figure_id)
            assert figure["title"] not in text and figure["caption"] not in text, (path, figure_id)
        for phrase in ("re-digitized", "reconstructed", "post hoc", "post-hoc"):
            assert phrase not in text.lower(), (path, phrase)
    assert figures_shown > 0  # the approved figures are still there


SITE = yaml.safe_load((ROOT / "content" / "site.yaml").read_text(encoding="utf-8"))["contacts"]
NCCN = yaml.safe_load((ROOT / "content" / "nccn.yaml").read_text(encoding="utf-8"))
PI_LINK = "Please see full Prescribing Information, including BOXED WARNING"
# A content page, the ISI page (its own template) and a tool page (another app's template).
FOOTER_PAGES = ("/dosing/", "/isi/", "/tools/planner/")


def test_the_footer_furniture_is_what_a_visitor_sees_on_every_kind_of_page(
    site_server: SiteServer, hcp_page: Any
) -> None:
    phone = SITE["medical_information_phone"]
    for path in FOOTER_PAGES:
        hcp_page.goto(site_server.url(path))
        footer = hcp_page.locator("footer.site-footer")
        professionals = footer.locator("[data-footer=professionals]")
        assert professionals.is_visible(), path
        assert professionals.inner_text().startswith("Pfizer for Professionals"), path
        number = professionals.get_by_role("link", name=phone)
        assert number.get_attribute("href") == f"tel:{phone}", path
        statements = {
            "us-only": "This site is intended only for healthcare professionals in the United States.",
            "labeling": "labeled differently in other countries",
            "educational": "provided for educational purposes",
        }
        for key, words in statements.items():
            item = footer.locator(f"[data-footer={key}]")
            assert item.is_visible() and words in item.inner_text(), (path, key)
        assert footer.locator("[data-footer=pi]").get_by_role("link", name=PI_LINK).is_visible(), path

    # The PI link leads, through the leaving notice, to the Prescribing Information document.
    with hcp_page.expect_navigation():
        hcp_page.locator("footer [data-footer=pi]").get_by_role("link", name=PI_LINK).click()
    assert hcp_page.locator("h1").inner_text() == "You are leaving this site"
    assert hcp_page.locator(".leaving__url").inner_text() == SITE["prescribing_information_url"]
    onward = hcp_page.get_by_role("link", name="Continue to")
    assert onward.get_attribute("href") == SITE["prescribing_information_url"]


def test_a_page_citing_nccn_shows_its_permission_and_trademark_notice(
    site_server: SiteServer, hcp_page: Any
) -> None:
    hcp_page.goto(site_server.url("/nccn/"))
    notice = hcp_page.locator("[data-nccn-notice]")
    assert notice.is_visible()
    text = notice.inner_text()
    assert "referenced with permission" in text
    assert f"for {NCCN['guideline']}, Version {NCCN['version']}." in text
    assert f"{NCCN['copyright_holder']} All rights reserved." in text
    assert "no warranties" in text and "registered trademarks of the National Comprehensive" in text
    current = notice.get_by_role("link", name="online at NCCN.org")
    assert current.get_attribute("href") == "/leaving/?to=" + quote(NCCN["current_version_url"], safe="")
    # The year and the access date are printed as MLR recorded them in content/nccn.yaml, never guessed.
    if NCCN["copyright_year"] is None:
        assert f"© {NCCN['copyright_holder']}" in text
    else:
        assert f"© {NCCN['copyright_year']} {NCCN['copyright_holder']}" in text
    assert ("Accessed" in text) is (NCCN["accessed"] is not None)
    hcp_page.goto(site_server.url("/dosing/"))
    assert hcp_page.locator("[data-nccn-notice]").count() == 0  # only where NCCN is cited
