from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from wagtail.models import Page

from besponsa.portal.models import SitePage


@pytest.fixture
def seeded(verified_site: None) -> None:
    """The seeded site, its shown label facts verified by Medical (tests/conftest.py `verified_site`)."""


@pytest.fixture
def reader(client: Client, seeded: None) -> Client:
    """A client that has answered the HCP question."""
    response = client.post("/hcp-confirm/", {"answer": "yes", "next": "/"})
    assert response.status_code == 302
    return client


def published_pages() -> list[Any]:
    # Every site page type (the services app adds the materials and events listings).
    pages = [page for page in Page.objects.live().specific() if isinstance(page, SitePage)]
    return sorted(pages, key=lambda p: p.url_path)


def main_html(html: str) -> str:
    """The page's own content: <main> without the generated end matter."""
    main = html[html.index("<main") : html.index("</main>")]
    notes = main.find('<section class="page-notes"')
    return main if notes < 0 else main[:notes]


def notes_html(html: str) -> str:
    main = html[html.index("<main") : html.index("</main>")]
    notes = main.find('<section class="page-notes"')
    return "" if notes < 0 else main[notes:]


def text_of(html: str) -> str:
    import html as html_lib

    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))
