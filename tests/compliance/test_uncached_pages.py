"""Pages rendered from the database (a query parameter keeps the page cache out): the route, the approval
check and the page body are kept once per page-cache generation, so a visitor must still see every
withdrawal, move and privacy change on the next request, and a CMS preview of a draft must neither show
the live page's words nor leave its own where visitors get them."""

from __future__ import annotations

from typing import Any

from django.test import RequestFactory
from wagtail.models import PageViewRestriction

from besponsa.compliance import rules
from besponsa.compliance.models import Approval
from besponsa.portal.models import ContentPage
from tests.compliance.conftest import Cast, MiniSite, hcp_client


def _publish_body(page: ContentPage, words: str) -> None:
    page.body = [("paragraph", f"<p>{words}</p>")]  # type: ignore[assignment]
    page.save_revision().publish()  # no user: the seed loader's publish, approved from today


def _preview_of_draft(page: ContentPage, words: str, visitor: Any) -> bytes:
    """What the CMS preview shows of a draft of `page` that says `words` (saved, not published)."""
    draft = ContentPage.objects.get(pk=page.pk)
    draft.body = [("paragraph", f"<p>{words}</p>")]  # type: ignore[assignment]
    draft.save_revision()
    cookie = f"hcp_confirmed={visitor.cookies['hcp_confirmed'].value}"
    editor_request = RequestFactory().get("/cms/", HTTP_COOKIE=cookie)
    response = draft.get_latest_revision_as_object().make_preview_request(editor_request)
    assert response.status_code == 200
    return bytes(response.content)


def test_a_withdrawal_withholds_a_page_rendered_from_the_database_on_the_next_request(
    site: MiniSite, cast: Cast
) -> None:
    visitor = hcp_client()
    assert visitor.get("/dosing/?visit=1").status_code == 200
    assert visitor.get("/dosing/?visit=2").status_code == 200
    rules.withdraw(Approval.objects.get(page=site.dosing), user=cast.regulatory, reason="Under legal review")
    withheld = visitor.get("/dosing/?visit=3")
    assert withheld.status_code == 503 and b"This content is being updated" in withheld.content


def test_a_renamed_page_is_served_at_its_new_address_and_no_longer_at_the_old_one(site: MiniSite) -> None:
    visitor = hcp_client()
    assert visitor.get("/dosing/?visit=1").status_code == 200
    site.dosing.slug = "dose"
    site.dosing.save_revision().publish()
    assert visitor.get("/dosing/?visit=2").status_code == 404
    moved = visitor.get("/dose/?visit=3")
    assert moved.status_code == 200 and b"How BESPONSA is dosed." in moved.content


def test_a_page_given_a_password_asks_for_it_on_the_next_request_and_opens_with_it(site: MiniSite) -> None:
    visitor = hcp_client()
    assert visitor.get("/dosing/?visit=1").status_code == 200
    restriction = PageViewRestriction.objects.create(
        page=site.dosing, restriction_type=PageViewRestriction.PASSWORD, password="sesame"
    )
    asked = visitor.get("/dosing/?visit=2")
    action = f"/_util/authenticate_with_password/{restriction.pk}/{site.dosing.pk}/"
    assert asked.status_code == 200 and action.encode() in asked.content
    assert b"How BESPONSA is dosed." not in asked.content
    answered = visitor.post(action, {"password": "sesame", "return_url": "/dosing/"})
    assert answered.status_code == 302 and answered["Location"] == "/dosing/"
    opened = visitor.get("/dosing/?visit=3")
    assert opened.status_code == 200 and b"How BESPONSA is dosed." in opened.content


def test_a_preview_of_a_draft_shows_its_own_words_and_visitors_keep_the_live_ones(site: MiniSite) -> None:
    _publish_body(site.dosing, "The approved words.")
    visitor = hcp_client()
    before = visitor.get("/dosing/?visit=1").content  # the live body, as kept for this generation
    assert b"The approved words." in before

    preview = _preview_of_draft(site.dosing, "The draft words.", visitor)
    assert b"The draft words." in preview and b"The approved words." not in preview

    after = visitor.get("/dosing/?visit=2").content
    assert after == before


def test_a_preview_before_any_visitor_leaves_nothing_for_visitors(site: MiniSite) -> None:
    _publish_body(site.dosing, "The approved words.")
    visitor = hcp_client()
    preview = _preview_of_draft(site.dosing, "The draft words.", visitor)
    assert b"The draft words." in preview

    served = visitor.get("/dosing/?visit=1").content
    assert b"The approved words." in served and b"The draft words." not in served
    assert b"The draft words." in _preview_of_draft(site.dosing, "The draft words.", visitor)
