"""Links in blocks are chosen pages or checked paths: a typo is refused when saved, and a page visitors
cannot see now is never a dead link."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from besponsa.compliance import rules
from besponsa.compliance.models import Approval
from besponsa.portal.blocks import BodyBlock, LinksBlock, SiteLinkBlock
from besponsa.portal.models import ContentPage
from tests.portal.conftest import main_html, text_of


def _links(*items: dict[str, Any]) -> str:
    block = LinksBlock()
    value = block.to_python({"title": "Related pages", "items": [{"description": "", **i} for i in items]})
    return str(block.render(value))


def _hrefs(html: str) -> list[str]:
    """The links to other addresses (not the page's own reference and footnote anchors)."""
    return [href for href in re.findall(r'<a[^>]* href="([^"]*)"', html) if not href.startswith("#")]


def _refusal(value: dict[str, Any], block: SiteLinkBlock | None = None) -> dict[str, str]:
    """The message the CMS shows beside each field of a refused link."""
    block = block or SiteLinkBlock()
    with pytest.raises(ValidationError) as refused:
        block.clean(block.to_python(value))
    return {name: " ".join(error.messages) for name, error in refused.value.block_errors.items()}


def test_a_chosen_page_links_to_its_address(seeded: None) -> None:
    dosing = ContentPage.objects.get(slug="dosing")
    assert _hrefs(_links({"label": "Dosing", "page": dosing.pk})) == ["/dosing/"]


def test_a_path_to_a_route_that_is_no_page_links_there_and_the_route_answers(reader: Client) -> None:
    html = _links({"label": "Cycle planner", "url": "/tools/planner/"})
    assert _hrefs(html) == ["/tools/planner/"] and "Cycle planner" in text_of(html)
    assert reader.get("/tools/planner/").status_code == 200


@pytest.mark.parametrize(
    "path,message",
    [
        ("/tools/planer/", "is no address on this site"),
        ("/efficacy/adults/", "is no address on this site"),
        ("https://example.com/", "must start with a single “/”"),
        ("//example.com/dosing/", "must start with a single “/”"),
        ("/\\example.com/", "must start with a single “/”"),
        ("dosing/", "must start with a single “/”"),
        ("/leaving/?to=https%3A%2F%2Fexample.com%2F", "not an allowed outside destination"),
    ],
)
def test_a_path_that_is_not_an_address_of_this_site_is_refused(seeded: None, path: str, message: str) -> None:
    errors = _refusal({"label": "Somewhere", "url": path})
    assert set(errors) == {"url"} and message in errors["url"]


def test_a_link_needs_exactly_one_of_page_and_path(seeded: None) -> None:
    dosing = ContentPage.objects.get(slug="dosing")
    both = _refusal({"label": "Dosing", "page": dosing.pk, "url": "/tools/dose/"})
    assert both == {"url": "Choose a page or enter a path, not both: clear one of them."}
    neither = _refusal({"label": "Dosing"})
    assert neither == {"page": "Choose a page, or enter a path for an address that is not a page."}
    # An optional link (stats, evidence statement) may be left empty, but not half filled.
    optional = SiteLinkBlock(required=False)
    assert optional.clean(optional.to_python({"label": "", "url": ""}))["url"] == ""
    assert set(_refusal({"label": "See more"}, optional)) == {"page"}


def test_a_typed_page_address_is_saved_as_the_chosen_page(seeded: None) -> None:
    block = SiteLinkBlock()
    cleaned = block.clean(block.to_python({"label": "Dosing", "url": "/dosing/"}))
    assert cleaned["page"].pk == ContentPage.objects.get(slug="dosing").pk and cleaned["url"] == ""
    tool = block.clean(block.to_python({"label": "Planner", "url": "/tools/planner/"}))
    assert tool["page"] is None and tool["url"] == "/tools/planner/"


def _home_links(reader: Client) -> tuple[list[str], list[str], str]:
    """The hero's buttons (primary first), the cards' links and the text of Home."""
    html = main_html(reader.get("/").content.decode())
    buttons = re.findall(r'class="(button[^"]*)" href="([^"]+)"', html)
    cards = re.findall(r'class="card__title"><a href="([^"]+)"', html)
    return (
        [f"{href} {'primary' if 'primary' in kind else ''}".strip() for kind, href in buttons],
        cards,
        text_of(html),
    )


def test_a_withdrawn_unpublished_or_deleted_page_is_left_out_not_linked(reader: Client) -> None:
    buttons, cards, text = _home_links(reader)
    assert buttons == ["/efficacy/adult/ primary", "/dosing/", "/tools/"]
    assert cards == ["/efficacy/adult/", "/safety/adult/", "/dosing/", "/tools/"]
    assert "Dosing and administration" in text
    dosing = ContentPage.objects.get(slug="dosing")
    rules.withdraw(Approval.objects.get(page=dosing), user=None, reason="Label update pending")
    buttons, cards, text = _home_links(reader)
    assert buttons == ["/efficacy/adult/ primary", "/tools/"]
    assert cards == ["/efficacy/adult/", "/safety/adult/", "/tools/"]
    assert "Dosing and administration" not in text  # the card is gone, not a title leading nowhere
    ContentPage.objects.get(slug="safety").get_children().get(slug="adult").specific.unpublish()
    _, cards, text = _home_links(reader)
    assert cards == ["/efficacy/adult/", "/tools/"] and "Safety profile" not in text
    # Deleted: the stored page id finds nothing; the next button becomes the primary one.
    ContentPage.objects.get(slug="efficacy").get_children().get(slug="adult").delete()
    buttons, cards, _ = _home_links(reader)
    assert buttons == ["/tools/ primary"] and cards == ["/tools/"]


def test_links_stored_before_pages_could_be_chosen_still_render(seeded: None) -> None:
    """Stored JSON as the typed-path blocks saved it: {label, url} links and a bare evidence link."""
    old = [
        {"type": "links", "value": {"title": "Related pages", "items": [
            {"label": "Dosing", "url": "/dosing/", "description": "the regimen"},
            {"label": "Cycle planner", "url": "/tools/planner/", "description": ""},
            {"label": "A typo", "url": "/dosnig/", "description": ""},
        ]}},
        {"type": "evidence_statement", "value": {
            "view": "efficacy-adult", "statements": ["crcri"], "link": "/efficacy/adult/"}},
        {"type": "stats", "value": {"title": "Key results", "stats": ["adult-crcri"], "view": None,
            "statements": [], "link": {"label": "More adult results", "url": "/efficacy/adult/"}}},
        {"type": "cards", "value": {"title": "", "items": [
            {"label": "Safety profile", "url": "/safety/adult/", "text": "The boxed warning first."}]}},
        {"type": "hero", "value": {"headline": "BESPONSA", "product": "", "text": "<p>For adults.</p>",
            "references": [], "actions": [{"label": "Clinical tools", "url": "/tools/"}]}},
    ]  # fmt: skip
    body = BodyBlock()
    html = str(body.render(body.to_python(old)))
    assert _hrefs(html) == [
        "/dosing/",
        "/tools/planner/",
        "/efficacy/adult/",
        "/efficacy/adult/",
        "/safety/adult/",
        "/tools/",
    ]
    text = text_of(html)
    for shown in ("the regimen", "See the full results and their sources", "More adult results"):
        assert shown in text
    assert "A typo" not in text  # a path that leads nowhere is left out rather than linked
    # Saved again in the CMS, the bare evidence link becomes a link block choosing its page.
    statement = body.child_blocks["evidence_statement"]
    saved = statement.get_prep_value(statement.clean(statement.to_python(old[1]["value"])))["link"]
    adult = ContentPage.objects.get(slug="efficacy").get_children().get(slug="adult")
    assert saved == {"label": "", "page": adult.pk, "url": ""}


def test_a_rich_text_link_to_a_page_visitors_cannot_see_keeps_its_words_without_an_address(
    reader: Client,
) -> None:
    safety = ContentPage.objects.get(slug="adult", url_path__contains="/safety/")
    assert '<a href="/safety/adult/">safety pages</a>' in main_html(reader.get("/dosing/").content.decode())

    safety.unpublish()
    body = main_html(reader.get("/dosing/").content.decode())
    assert "/safety/adult/" not in body and "<a>safety pages</a>" in body

    safety.get_latest_revision().publish()
    assert '<a href="/safety/adult/">safety pages</a>' in main_html(reader.get("/dosing/").content.decode())
