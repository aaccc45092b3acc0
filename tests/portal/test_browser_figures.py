"""Evidence figures on a phone and a laptop (issue 12, item 5) in headless Chromium: at 390 px each figure
shows its phone layout, scaled to the column with no sideways scroll and every text at least 12 px; at
1366 px the wide layout shows and the phone one is out of the page and the accessibility tree; axe-core finds
nothing at either width."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import SiteServer
from tests.portal.test_browser_layout import viewport_page

pytestmark = pytest.mark.browser

EVIDENCE_PAGES = ["/efficacy/adult/", "/efficacy/pediatric/", "/safety/adult/", "/safety/pediatric/"]
FIGURES_ON = {"/efficacy/adult/": 3, "/efficacy/pediatric/": 2, "/safety/adult/": 0, "/safety/pediatric/": 0}

# For each figure: which drawing is displayed, how wide it renders against its column, and the smallest
# rendered size of its text: the computed font size (user units) times the text's scale on screen.
FIGURE_FACTS = """() => ({
  pageScrolls: document.documentElement.scrollWidth > document.documentElement.clientWidth,
  figures: [...document.querySelectorAll('figure.evidence-figure')].map(figure => {
    const box = figure.querySelector('.evidence-figure__image');
    const svgs = [...box.querySelectorAll('svg')];
    const shown = svgs.filter(svg => svg.getClientRects().length > 0);
    const hidden = svgs.filter(svg => svg.getClientRects().length === 0);
    const sizes = shown.flatMap(svg => [...svg.querySelectorAll('text')].map(text => {
      const m = text.getScreenCTM();
      return parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b);
    }));
    const svg = shown[0];
    return {
      id: figure.id,
      shown: shown.map(s => s.id),
      hiddenFromAT: hidden.every(s => getComputedStyle(s.parentElement).display === 'none'),
      texts: sizes.length,
      minText: Math.min(...sizes),
      svgRight: svg ? svg.getBoundingClientRect().right : null,
      boxRight: box.getBoundingClientRect().right,
      boxScrolls: box.scrollWidth > box.clientWidth,
      labelled: svg ? !!svg.querySelector('title') && !!svg.querySelector('desc')
        && svg.getAttribute('aria-labelledby').split(' ').every(id => document.getElementById(id)) : false,
      hasTable: !!figure.querySelector('details.figure-data table'),
    };
  }),
})"""


@pytest.mark.parametrize("path", EVIDENCE_PAGES)
def test_figures_fit_a_390_px_phone_with_text_of_12_px_or_more(
    browser: Any, site_server: SiteServer, axe_violations: Callable[[Any], list[dict[str, Any]]], path: str
) -> None:
    with viewport_page(browser, site_server, 390, 844) as page:
        page.goto(site_server.url(path))
        facts = page.evaluate(FIGURE_FACTS)
        violations = axe_violations(page)
    assert violations == []
    assert not facts["pageScrolls"], "the page scrolls sideways"
    assert len(facts["figures"]) == FIGURES_ON[path]
    for figure in facts["figures"]:
        assert len(figure["shown"]) == 1 and figure["shown"][0].endswith("-narrow"), figure
        assert figure["hiddenFromAT"], figure
        assert not figure["boxScrolls"] and figure["svgRight"] <= figure["boxRight"] + 0.5, figure
        assert figure["texts"] >= 5 and figure["minText"] >= 12.0, figure
        assert figure["labelled"] and figure["hasTable"], figure


@pytest.mark.parametrize("path", ["/efficacy/adult/", "/efficacy/pediatric/"])
def test_a_1366_px_laptop_shows_the_wide_figures(
    browser: Any, site_server: SiteServer, axe_violations: Callable[[Any], list[dict[str, Any]]], path: str
) -> None:
    with viewport_page(browser, site_server, 1366, 768) as page:
        page.goto(site_server.url(path))
        facts = page.evaluate(FIGURE_FACTS)
        violations = axe_violations(page)
    assert violations == []
    assert not facts["pageScrolls"]
    assert len(facts["figures"]) == FIGURES_ON[path]
    for figure in facts["figures"]:
        assert len(figure["shown"]) == 1 and not figure["shown"][0].endswith("-narrow"), figure
        assert figure["hiddenFromAT"] and not figure["boxScrolls"], figure
        assert figure["minText"] >= 12.0 and figure["labelled"], figure
