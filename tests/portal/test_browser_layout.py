"""The brand shell on every screen (issue 12, items 3-5 and 7) in headless Chromium: the ISI tray at 320,
390, 768 and 1366 px and at 200 % zoom, the mobile menu, tables and figures on a phone, and axe-core on
every page at 390 and 1366 px."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from tests.conftest import SiteServer, confirm_hcp

pytestmark = pytest.mark.browser

# (width, height) in CSS px. 200 % zoom of a 1366×768 window is a 683×384 CSS-px viewport.
VIEWPORTS = {
    "320 phone": (320, 568),
    "390 phone": (390, 844),
    "768 tablet": (768, 1024),
    "1366 laptop": (1366, 768),
    "200% zoom": (683, 384),
}
PLAN_QUERY = urlencode(
    {
        "form": "plan",
        "height_cm": "165",
        "weight_kg": "62.5",
        "age_years": "34",
        "cycle": "2",
        "start_date": "2025-03-03",
        "best_response": "cr",
        "hsct_planned": "true",
    }
)

# The tools take values only in a POST body (never the address): a "?query" path here means "submit these
# values through the page's own form", as a person would, CSRF token included.
SUBMIT_FORM = """(pairs) => {
  const form = document.createElement('form');
  form.method = 'post';
  form.action = location.pathname;
  form.appendChild(document.querySelector('input[name=csrfmiddlewaretoken]').cloneNode());
  for (const [name, value] of pairs) {
    const input = document.createElement('input');
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
}"""


def open_path(page: Any, server: SiteServer, path: str) -> None:
    address, _, query = path.partition("?")
    page.goto(server.url(address))
    if query and address.startswith("/tools/"):
        with page.expect_navigation():
            page.evaluate(SUBMIT_FORM, parse_qsl(query))


@contextmanager
def viewport_page(browser: Any, server: SiteServer, width: int, height: int, **options: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    try:
        confirm_hcp(page, server)
        yield page
    finally:
        context.close()


def _settle(page: Any) -> None:
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def _tray(page: Any) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(
        """() => {
          const tray = document.querySelector('[data-isi-tray]');
          const warning = tray.querySelector('.isi-tray__warning').getBoundingClientRect();
          const box = tray.getBoundingClientRect();
          return {position: getComputedStyle(tray).position, top: box.top, bottom: box.bottom,
                  height: box.height, warningTop: warning.top, warningBottom: warning.bottom,
                  visible: getComputedStyle(tray).visibility === 'visible',
                  expanded: tray.querySelector('[data-isi-toggle]').getAttribute('aria-expanded'),
                  fullHidden: tray.querySelector('[data-isi-full]').hidden,
                  innerHeight: window.innerHeight,
                  scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth};
        }"""
    )
    return result


@pytest.mark.parametrize("name", list(VIEWPORTS))
def test_isi_tray_stays_collapsed_small_and_shows_the_boxed_warning_title(
    browser: Any, site_server: SiteServer, name: str
) -> None:
    width, height = VIEWPORTS[name]
    with viewport_page(browser, site_server, width, height) as page:
        page.goto(site_server.url("/efficacy/adult/"))
        _settle(page)
        tray = _tray(page)
        assert tray["position"] == "fixed" and tray["visible"]
        assert tray["bottom"] == pytest.approx(height, abs=1)  # at the foot of the window
        assert tray["height"] <= height / 3 + 1, tray  # never more than a third of the window
        assert tray["expanded"] == "false" and tray["fullHidden"]  # collapsed by default
        assert tray["top"] <= tray["warningTop"] and tray["warningBottom"] <= height + 0.5
        assert tray["scrollWidth"] <= tray["innerWidth"]  # no sideways page scroll
        # Expanded it reads the full ISI inside itself, still within a third of the window.
        page.locator("[data-isi-toggle]").click()
        _settle(page)
        expanded = _tray(page)
        assert expanded["expanded"] == "true" and not expanded["fullHidden"]
        assert expanded["height"] <= height / 3 + 1


@pytest.mark.parametrize("name", ["390 phone", "200% zoom"])
def test_keyboard_focus_is_never_hidden_behind_the_tray(
    browser: Any, site_server: SiteServer, name: str
) -> None:
    width, height = VIEWPORTS[name]
    with viewport_page(browser, site_server, width, height, reduced_motion="reduce") as page:
        page.goto(site_server.url("/dosing/"))
        for _ in range(30):
            page.keyboard.press("Tab")
            _settle(page)
            state = page.evaluate(
                """() => {
                  const el = document.activeElement, tray = document.querySelector('[data-isi-tray]');
                  if (tray.contains(el) || el === document.body) return null;
                  const r = el.getBoundingClientRect();
                  if (r.width === 0 && r.height === 0) return null;
                  return {bottom: r.bottom, trayTop: tray.getBoundingClientRect().top,
                          html: el.outerHTML.slice(0, 100)};
                }"""
            )
            if state is not None:
                assert state["bottom"] <= state["trayTop"] + 1, state["html"]


def test_isi_tray_yields_while_the_in_page_isi_is_in_view(browser: Any, site_server: SiteServer) -> None:
    with viewport_page(browser, site_server, 390, 844, reduced_motion="reduce") as page:
        page.goto(site_server.url("/about/"))
        page.locator("#isi").scroll_into_view_if_needed()
        page.wait_for_timeout(500)  # the observer's callback and the slide-away transition
        assert _yielding(page) and not _tray(page)["visible"]
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(500)
        assert not _yielding(page) and _tray(page)["visible"]


def _yielding(page: Any) -> bool:
    # page.evaluate, not wait_for_function: the site's CSP forbids the string evaluation the latter uses.
    return bool(page.evaluate("document.querySelector('[data-isi-tray]').classList.contains('is-yielding')"))


def test_mobile_menu_discloses_and_escape_closes_it(browser: Any, site_server: SiteServer) -> None:
    with viewport_page(browser, site_server, 390, 844) as page:
        page.goto(site_server.url("/dosing/"))
        menu_button = page.locator("[data-menu] > summary")
        main_nav = page.get_by_role("navigation", name="Main")
        assert menu_button.is_visible() and not main_nav.is_visible()
        menu_button.focus()
        page.keyboard.press("Enter")
        assert main_nav.is_visible()
        assert page.get_by_role("navigation", name="Utility").is_visible()
        current = main_nav.locator("[aria-current]")
        assert current.first.inner_text() == "Dosing"
        main_nav.get_by_role("link", name="Dosing").focus()  # focus moves on freely: nothing is trapped
        page.keyboard.press("Escape")
        assert not main_nav.is_visible()
        assert page.evaluate("document.activeElement.matches('[data-menu] > summary')")


def test_mobile_menu_works_without_javascript(browser: Any, site_server: SiteServer) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    try:
        confirm_hcp(page, site_server)
        page.goto(site_server.url("/tools/planner/"))
        main_nav = page.get_by_role("navigation", name="Main")
        assert not main_nav.is_visible()
        page.locator("[data-menu] > summary").click()
        assert main_nav.is_visible()
        assert main_nav.locator("[aria-current]").first.inner_text() == "Clinical tools"
    finally:
        context.close()


def test_wide_screens_show_the_menu_without_a_button(browser: Any, site_server: SiteServer) -> None:
    with viewport_page(browser, site_server, 1366, 768) as page:
        page.goto(site_server.url("/safety/pediatric/"))
        assert not page.locator("[data-menu] > summary").is_visible()
        main_nav = page.get_by_role("navigation", name="Main")
        assert main_nav.get_by_role("link", name="Safety", exact=True).is_visible()
        assert main_nav.locator("li.is-current > a").inner_text() == "Safety"


LAYOUT_CHECKS = """() => {
  const tables = [...document.querySelectorAll('main table')].map(t => {
    const wrap = t.closest('.table-wrap');
    const stacked = getComputedStyle(t).display === 'block';
    const overflow = t.getBoundingClientRect().right > document.documentElement.clientWidth + 1;
    const contained = !!wrap && wrap.scrollWidth > wrap.clientWidth;
    return {caption: (t.caption?.textContent || '').trim().slice(0, 50), stacked, overflow, contained};
  });
  const shown = svg => svg.getClientRects().length > 0;  // a figure's other layout is display:none
  const figures = [...document.querySelectorAll('.evidence-figure__image svg')].filter(shown).map(svg => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll('[font-size], [style*="font-size"]')]
      .map(el => parseFloat(el.getAttribute('font-size') || el.style.fontSize)).filter(n => n > 0);
    return {min: sizes.length ? Math.min(...sizes) * scale : null};
  });
  return {scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth, tables, figures};
}"""


PHONE_PAGES = ["/dosing/", "/efficacy/adult/", "/efficacy/pediatric/", "/safety/adult/"]


@pytest.mark.parametrize("path", [*PHONE_PAGES, "/tools/planner/?" + PLAN_QUERY])
def test_tables_and_figures_are_readable_on_a_390_px_phone(
    browser: Any, site_server: SiteServer, path: str
) -> None:
    with viewport_page(browser, site_server, 390, 844) as page:
        open_path(page, site_server, path)
        _settle(page)
        facts = page.evaluate(LAYOUT_CHECKS)
        assert facts["scrollWidth"] <= facts["width"], "the page scrolls sideways"
        assert facts["tables"], "expected tables on this page"
        for table in facts["tables"]:
            # Either stacked into labelled rows, or inside a scroll container, never off the page.
            assert table["stacked"] or not table["overflow"] or table["contained"], table
        for figure in facts["figures"]:
            assert figure["min"] is None or figure["min"] >= 11.99, figure


def _published_paths(server: SiteServer) -> list[str]:
    with urllib.request.urlopen(server.url("/sitemap.xml"), timeout=10) as response:
        xml = response.read().decode()
    paths = [urlsplit(loc).path for loc in re.findall(r"<loc>(.*?)</loc>", xml)]
    tools = ["/tools/", "/tools/dose/", "/tools/planner/", "/tools/planner/?" + PLAN_QUERY, "/tools/safety/"]
    return [*paths, *tools, "/isi/", "/search/?q=dose"]


@pytest.mark.parametrize("width", [390, 1366])
def test_every_page_is_axe_clean_at_phone_and_laptop_width(
    browser: Any, site_server: SiteServer, axe_violations: Callable[[Any], list[dict[str, Any]]], width: int
) -> None:
    problems: dict[str, list[str]] = {}
    with viewport_page(browser, site_server, width, 844 if width < 600 else 768) as page:
        for path in _published_paths(site_server):
            open_path(page, site_server, path)  # a tool path with values shows its result
            found = [f"{v['id']}: {v['help']} {v['nodes']}" for v in axe_violations(page)]
            if found:
                problems[path] = found
    assert problems == {}
