"""Every published page (from sitemap.xml) in headless Chromium after the gate: status 200, the ISI and a
job code, axe-core clean, no console errors (CSP violations included), headings in order, and every table
with a caption and header cells."""

from __future__ import annotations

import itertools
import re
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import SiteServer

pytestmark = pytest.mark.browser

PAGE_CHECKS = """() => {
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h => Number(h.tagName[1]));
  const tables = [...document.querySelectorAll('table')].map(t => ({
    id: t.id || t.querySelector('caption')?.textContent?.slice(0, 60) || '(no id)',
    caption: (t.querySelector(':scope > caption')?.textContent || '').trim().length > 0,
    headers: t.querySelectorAll('th[scope]').length > 0,
  }));
  return {
    headings,
    tables,
    isi: !!document.querySelector('#isi') && !!document.querySelector('#isi-tray'),
    footer: (document.querySelector('.site-footer')?.innerText || ''),
    h1: document.querySelectorAll('h1').length,
  };
}"""


def _published_paths(server: SiteServer) -> list[str]:
    with urllib.request.urlopen(server.url("/sitemap.xml"), timeout=10) as response:
        xml = response.read().decode()
    return [urlsplit(loc).path for loc in re.findall(r"<loc>(.*?)</loc>", xml)]


def test_every_published_page_passes_the_crawl(
    hcp_page: Any, site_server: SiteServer, axe_violations: Callable[[Any], list[dict[str, Any]]]
) -> None:
    paths = _published_paths(site_server)
    assert "/efficacy/adult/" in paths and "/dosing/" in paths and len(paths) >= 19
    console: list[str] = []
    hcp_page.on("console", lambda msg: console.append(msg.text) if msg.type == "error" else None)
    hcp_page.on("pageerror", lambda error: console.append(str(error)))
    problems: dict[str, list[str]] = {}
    for path in paths:
        console.clear()
        response = hcp_page.goto(site_server.url(path))
        found: list[str] = []
        if response is None or response.status != 200:
            found.append(f"status {response.status if response else 'none'}")
        facts = hcp_page.evaluate(PAGE_CHECKS)
        if not facts["isi"]:
            found.append("no ISI")
        # The footer carries the page's own job code and the ISI's: two different codes.
        if len(set(re.findall(r"PP-INO-USA-\d{4}", facts["footer"]))) < 2:
            found.append("the footer lacks the page's job code")
        levels = facts["headings"]
        if facts["h1"] != 1 or not levels or levels[0] != 1:
            found.append(f"expected one h1 first, got {levels[:3]}")
        for before, after in itertools.pairwise(levels):
            if after > before + 1:
                found.append(f"heading level skipped: h{before} then h{after}")
                break
        for table in facts["tables"]:
            if not (table["caption"] and table["headers"]):
                found.append(f"table {table['id']!r} without caption or header cells")
        violations = axe_violations(hcp_page)
        found += [f"axe {v['id']}: {v['help']} {v['nodes']}" for v in violations]
        found += [f"console: {text}" for text in console]
        if found:
            problems[path] = found
    assert problems == {}
