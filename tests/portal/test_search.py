"""/search/: published pages, evidence numbers indexed, matches marked, input escaped."""

from __future__ import annotations

import re

from django.test import Client

from besponsa.portal.search import extract, highlight, terms_of


def test_highlight_escapes_before_marking() -> None:
    marked = highlight("VOD <b>risk</b> & vod", ["vod"])
    assert marked == "<mark>VOD</mark> &lt;b&gt;risk&lt;/b&gt; &amp; <mark>vod</mark>"
    assert terms_of("  a VOD  ") == ["VOD"]
    long = "word " * 200 + "target " + "word " * 200
    piece = extract(long, ["target"])
    assert "<mark>target</mark>" in piece and len(piece) < 320


def test_evidence_numbers_are_searchable_and_marked(reader: Client, django_db_blocker: object) -> None:
    from django.core.management import call_command

    call_command("update_index", verbosity=0)
    response = reader.get("/search/", {"q": "72.1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/efficacy/adult/"' in html
    assert "<mark>72.1</mark>" in html
    html = reader.get("/search/", {"q": "dosing"}).content.decode()
    first = re.search(r'<ol class="search-results"[^>]*>\s*<li><a href="([^"]+)"', html)
    assert first and first.group(1) == "/dosing/", "a page titled with the query comes first"
    html = reader.get("/search/", {"q": "NDC"}).content.decode()
    assert 'href="/support/ordering/"' in html and "<mark>NDC</mark>" in html


def test_a_query_with_markup_is_shown_as_text(reader: Client) -> None:
    html = reader.get("/search/", {"q": '<img src=x onerror="alert(1)">'}).content.decode()
    assert "<img src=x" not in html
    assert re.search(r"&lt;img src=x", html)
