"""References, footnotes and abbreviations are generated from what a page cites and says."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.test import Client

from besponsa.portal.notes import (
    PageNotes,
    abbreviations_in,
    footnote_symbol,
    known_abbreviations,
    site_references,
)
from tests.portal.conftest import main_html, notes_html, text_of


def test_references_are_numbered_in_order_of_first_citation_and_reused() -> None:
    notes = PageNotes()
    assert [c.number for c in notes.cite(["kantarjian-nejm-2016", "pi-2024"])] == [1, 2]
    assert [c.number for c in notes.cite(["fda-2017", "kantarjian-nejm-2016"])] == [1, 3]
    assert [c.number for c in notes.cite(["pi-2024", "pi-2024"])] == [2]
    assert [(c.number, c.reference.key) for c in notes.references] == [
        (1, "kantarjian-nejm-2016"),
        (2, "pi-2024"),
        (3, "fda-2017"),
    ]


def test_unknown_or_uncitable_references_are_refused() -> None:
    notes = PageNotes()
    with pytest.raises(KeyError):
        notes.cite(["no-such-reference"])
    uncitable = next(key for key, ref in site_references().items() if not ref.citable)
    with pytest.raises(ValueError, match="cannot be cited"):
        notes.cite([uncitable])


def test_footnote_symbols_follow_the_sequence_and_repeat_for_the_same_text() -> None:
    assert [footnote_symbol(i) for i in range(8)] == ["*", "†", "‡", "§", "‖", "¶", "**", "††"]
    notes = PageNotes()
    assert notes.footnote("First note.") == "*"
    assert notes.footnote("Second note.") == "†"
    assert notes.footnote("First note.") == "*"
    assert [(f.symbol, f.text) for f in notes.footnotes] == [("*", "First note."), ("†", "Second note.")]


def test_abbreviations_match_whole_words_and_case() -> None:
    known = {"CR": "complete remission", "CRi": "complete remission with incomplete recovery", "ALL": "acute"}
    assert abbreviations_in("CRi was reached", known) == [("CRi", known["CRi"])]
    assert abbreviations_in("CR/CRi in all patients", known) == [("CR", known["CR"]), ("CRi", known["CRi"])]
    assert abbreviations_in("BCP-ALL", known) == [("ALL", "acute")]


@pytest.mark.parametrize("path", ["/", "/efficacy/adult/", "/safety/adult/", "/dosing/"])
def test_a_pages_reference_list_matches_its_citations(reader: Client, path: str) -> None:
    html = reader.get(path).content.decode()
    body, notes = main_html(html), notes_html(html)
    cited = [int(n) for n in re.findall(r'<a href="#ref-(\d+)"', body)]
    assert cited, f"{path} cites nothing"
    first_seen = list(dict.fromkeys(cited))
    assert first_seen == list(range(1, len(first_seen) + 1)), "numbers must follow first citation"
    listed = re.findall(r'<li id="ref-(\d+)" value="\d+">(.*?)</li>', notes, re.S)
    assert [int(n) for n, _ in listed] == first_seen, "every cited reference is listed once, nothing else"
    citations = {html_lib.unescape(text) for _, text in listed}
    assert citations <= {ref.citation for ref in site_references().values()}
    footnote_marks = re.findall(r'<a href="#fn-(\d+)"', body)
    listed_footnotes = re.findall(r'<li id="fn-(\d+)">', notes)
    assert sorted(set(footnote_marks), key=int) == listed_footnotes


def test_the_same_source_keeps_its_number_across_blocks_on_a_page(reader: Client) -> None:
    html = reader.get("/efficacy/adult/").content.decode()
    listed = dict(re.findall(r'<li id="ref-(\d+)" value="\d+">(.*?)</li>', notes_html(html), re.S))
    pi = next(
        n for n, text in listed.items() if html_lib.unescape(text) == site_references()["pi-2024"].citation
    )
    # The PI is cited by the opening claim, by evidence statements, tables and figures: always one number.
    assert len(re.findall(rf'<a href="#ref-{pi}"', main_html(html))) > 3
    assert sum(html_lib.unescape(t) == site_references()["pi-2024"].citation for t in listed.values()) == 1


@pytest.mark.parametrize("path", ["/", "/safety/adult/", "/contact/"])
def test_abbreviations_listed_are_exactly_those_on_the_page(reader: Client, path: str) -> None:
    html = reader.get(path).content.decode()
    listed = [html_lib.unescape(a) for a in re.findall(r"<dt>(.*?)</dt>", notes_html(html))]
    page_text = text_of(main_html(html))
    expected = [abbr for abbr, _ in abbreviations_in(page_text, known_abbreviations())]
    assert set(expected) <= set(listed)
    for abbr in listed:
        assert re.search(rf"(?<![A-Za-z0-9]){re.escape(abbr)}(?![A-Za-z0-9])", page_text), (path, abbr)
    if path == "/contact/":
        assert "QTcF" not in listed and "CRi" not in listed
    if path == "/safety/adult/":
        assert "QTcF" in listed and "VOD" in listed
