"""What every page carries (issue 2): navigation, the ISI, the footer; plus caching and the seed."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from besponsa.portal.models import SafetyInformation, SiteContacts
from besponsa.portal.navigation import MAIN_NAVIGATION, UTILITY_LINKS
from besponsa.portal.seed import seed_content

pytestmark = pytest.mark.django_db

SITE_MAP = [
    "/",
    "/about/",
    "/dosing/",
    "/efficacy/adult/",
    "/efficacy/pediatric/",
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
    "/isi/",
    "/search/",
    "/tools/",
]


@pytest.mark.postgres
@pytest.mark.parametrize("path", SITE_MAP)
def test_every_page_of_the_site_map_answers_with_the_shell(hcp_client: Client, path: str) -> None:
    response = hcp_client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    assert "intended only for US healthcare professionals" in html
    assert 'href="#main"' in html and '<main id="main"' in html
    assert "WARNING: Hepatotoxicity" in html  # the boxed warning, from the ISI snippet
    assert "1-800-438-1985" in html and "1-800-FDA-1088" in html and "1-800-505-4426" in html
    assert "/leaving/?to=https%3A%2F%2Fwww.fda.gov%2Fmedwatch" in html
    for item in (*MAIN_NAVIGATION, *UTILITY_LINKS):
        assert item.label.replace("&", "&amp;") in html


def test_content_pages_show_their_job_code(hcp_client: Client) -> None:
    assert "PP-INO-USA-0641" in hcp_client.get("/").content.decode()


def test_the_isi_has_one_source_and_a_publish_changes_every_page(hcp_client: Client) -> None:
    isi = SafetyInformation.current()
    assert isi is not None
    assert hcp_client.get("/about/").content.count(isi.boxed_warning_title.encode()) >= 2  # tray and full
    isi.boxed_warning_title = "WARNING: Hepatotoxicity (edited by the content team)"
    isi.save_revision().publish()
    for path in ("/about/", "/isi/", "/dosing/"):
        assert b"edited by the content team" in hcp_client.get(path).content


def test_a_draft_isi_is_not_shown(hcp_client: Client) -> None:
    isi = SafetyInformation.current()
    assert isi is not None
    isi.boxed_warning_title = "UNAPPROVED DRAFT"
    isi.save_revision()  # saved as a draft, not published
    assert b"UNAPPROVED DRAFT" not in hcp_client.get("/about/").content


def test_content_pages_are_served_from_the_cache_until_a_publish(hcp_client: Client) -> None:
    from besponsa.portal.models import ContentPage

    anonymous = Client()
    anonymous.cookies = hcp_client.cookies.__class__(
        {k: v for k, v in hcp_client.cookies.items() if k == "hcp_confirmed"}
    )
    first = anonymous.get("/about/")
    second = anonymous.get("/about/")
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert first.content == second.content
    page = ContentPage.objects.get(slug="about")
    page.title = "About BESPONSA (revised)"
    page.save_revision().publish()
    third = anonymous.get("/about/")
    assert third["X-Page-Cache"] == "miss" and b"About BESPONSA (revised)" in third.content


def test_signed_in_visitors_never_get_a_cached_page(hcp_client: Client) -> None:
    hcp_client.cookies["sessionid"] = "anything"
    hcp_client.get("/about/")
    assert "X-Page-Cache" not in hcp_client.get("/about/")


def test_seeding_twice_changes_nothing(seeded: None) -> None:
    from wagtail.models import Page

    before = Page.objects.count()
    report = seed_content()
    assert report.created == [] and report.updated == []
    assert Page.objects.count() == before


def test_search_finds_published_pages(hcp_client: Client) -> None:
    response = hcp_client.get("/search/?q=NCCN")
    assert response.status_code == 200
    assert b'href="/nccn/"' in response.content


def test_robots_and_sitemap(hcp_client: Client) -> None:
    robots = hcp_client.get("/robots.txt").content.decode()
    assert "Disallow: /cms/" in robots and "Sitemap: http://testserver/sitemap.xml" in robots
    sitemap = hcp_client.get("/sitemap.xml").content.decode()
    assert "/dosing/" in sitemap and "/efficacy/adult/" in sitemap


def _menu_marks(client: Client, path: str) -> list[tuple[str, str]]:
    html = client.get(path).content.decode()
    menu = html.split('<details class="menu"')[1].split("</details>")[0]
    return re.findall(r'<a href="([^"]+)" aria-current="(page|true)"', menu)


def test_each_page_marks_its_own_place_in_the_menu_whatever_was_shown_before(hcp_client: Client) -> None:
    # The menu is rendered once per page-cache generation and menu state, then reused (portal_shell).
    expected = {
        "/": [("/", "page")],
        "/efficacy/pediatric/": [("/efficacy/adult/", "true"), ("/efficacy/pediatric/", "page")],
        "/support/materials/": [
            ("/support/", "true"),
            ("/support/materials/", "page"),
            ("/support/materials/", "page"),
        ],
        "/tools/planner/": [("/tools/", "true")],
        "/search/?q=dose": [("/search/", "page")],
        "/no-such-page/": [],
    }
    for _ in range(2):
        for path, marks in expected.items():
            assert _menu_marks(hcp_client, path) == marks, path


def test_a_change_to_the_site_contacts_shows_in_the_menu_and_footer_of_the_next_page(
    hcp_client: Client,
) -> None:
    assert b'href="tel:1-800-438-1985"' in hcp_client.get("/tools/").content
    contacts = SiteContacts.load()
    contacts.adverse_event_phone = "1-800-555-0100"
    contacts.patient_site_url = "https://patients.example.org/"
    contacts.copyright_holder = "Example Holder Inc."
    contacts.save()
    html = hcp_client.get("/tools/").content.decode()
    assert 'href="tel:1-800-555-0100"' in html and "1-800-438-1985" not in html  # footer
    assert "/leaving/?to=https%3A%2F%2Fpatients.example.org%2F" in html  # menu
    assert "Example Holder Inc. All rights reserved." in html


def test_a_shell_piece_kept_per_generation_cannot_hold_a_block_a_page_would_replace() -> None:
    from django.template import TemplateSyntaxError, engines

    with pytest.raises(TemplateSyntaxError, match="must not wrap a block"):
        engines["django"].from_string(
            '{% load portal_shell %}{% per_generation "x" %}{% block title %}{% endblock %}'
            "{% endper_generation %}"
        )
