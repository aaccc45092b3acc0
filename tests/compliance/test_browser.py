"""The neutral "being updated" page in a real browser: 503, the ISI, and no accessibility violations.

Two throwaway pages are published on the shared test server (one with its approval set to have lapsed,
one for an editor to withdraw), and deleted again after the module, so the other browser tests never
meet them. Both are made by one `manage.py shell` and removed by another: each is a Django start-up."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import SiteServer

pytestmark = pytest.mark.browser

CREATE = """
import datetime
from besponsa.compliance.models import Approval, site_today
from besponsa.portal.models import ContentPage, HomePage
home = HomePage.objects.get()
page = ContentPage(title="Lapsed approval check", slug="compliance-lapsed-check",
                   summary="Shown only while approved.", job_code="PP-INO-USA-0999")
home.add_child(instance=page)
page.save_revision().publish()
Approval.objects.filter(page=page).update(approved_on=site_today() - datetime.timedelta(days=366),
                                          expires_on=site_today())
"""
DELETE = """
from besponsa.portal.models import ContentPage
ContentPage.objects.filter(slug="compliance-lapsed-check").delete()
"""


def test_an_expired_page_shows_the_neutral_page_with_the_isi(
    site_server: SiteServer,
    throwaway_pages: tuple[str, str],
    hcp_page: Any,
    axe_violations: Callable[[Any], list[dict[str, Any]]],
) -> None:
    response = hcp_page.goto(site_server.url("/compliance-lapsed-check/"))
    assert response.status == 503
    assert hcp_page.locator("h1").inner_text() == "This content is being updated"
    assert hcp_page.locator("#isi").count() == 1
    assert "Shown only while approved." not in hcp_page.content()
    assert axe_violations(hcp_page) == []


EDITOR_SESSION = """
from django.contrib.auth.models import Group, User
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from besponsa.portal.models import ContentPage, HomePage
user, _ = User.objects.get_or_create(username="browser-editor", defaults={"email": "be@example.test"})
user.groups.add(Group.objects.get(name="Content editors"))
home = HomePage.objects.get()
page = ContentPage(title="Withdrawal check", slug="compliance-withdrawal-check",
                   summary="Zanzibarian withdrawal probe.", job_code="PP-INO-USA-0998")
home.add_child(instance=page)
page.save_revision().publish()
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "besponsa.accounts.backends.EmailBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
try:
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice
    device = TOTPDevice.objects.create(user=user, name="browser test", confirmed=True)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
except ImportError:
    pass
session.create()
from besponsa.compliance.models import Approval
print("SESSION", session.session_key, Approval.objects.get(page=page).pk)
"""
CLEAN_UP = """
from django.contrib.auth.models import User
from besponsa.portal.models import ContentPage
ContentPage.objects.filter(slug="compliance-withdrawal-check").delete()
User.objects.filter(username="browser-editor").delete()
"""


@pytest.fixture(scope="module")
def throwaway_pages(site_server: SiteServer) -> Iterator[tuple[str, str]]:
    """Both pages and the editor; yields the editor's CMS session key and the withdrawal page's approval."""
    out = site_server.manage("shell", "-c", CREATE + EDITOR_SESSION)
    session_key, approval_id = out.split("SESSION ", 1)[1].split()
    yield session_key, approval_id
    site_server.manage("shell", "-c", DELETE + CLEAN_UP)


def test_an_editor_withdraws_an_approval_and_visitors_get_the_neutral_page_at_once(
    site_server: SiteServer,
    throwaway_pages: tuple[str, str],
    browser: Any,
    hcp_page: Any,
    axe_violations: Callable[[Any], list[dict[str, Any]]],
) -> None:
    session_key, approval_id = throwaway_pages
    visitor_url = site_server.url("/compliance-withdrawal-check/")
    assert hcp_page.goto(visitor_url).status == 200
    assert hcp_page.goto(visitor_url).status == 200  # now from the page cache
    results = hcp_page.goto(site_server.url("/search/?q=Zanzibarian"))
    assert results is not None and hcp_page.locator(".search-results a").count() == 1

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": session_key, "url": site_server.url("/")}])
    cms = context.new_page()
    cms.goto(site_server.url(f"/cms/compliance/approvals/{approval_id}/"))
    assert "Served" in cms.locator("main").inner_text()
    cms.fill("#id_withdraw-reason", "Superseded by the new label")
    cms.click("button[value=withdraw]")
    assert "Withheld" in cms.locator("main").inner_text()
    assert "Superseded by the new label" in cms.locator("main").inner_text()
    context.close()

    response = hcp_page.goto(visitor_url)
    assert response is not None and response.status == 503
    assert hcp_page.locator("h1").inner_text() == "This content is being updated"
    assert axe_violations(hcp_page) == []
    hcp_page.goto(site_server.url("/search/?q=Zanzibarian"))
    assert hcp_page.locator(".search-results a").count() == 0
    assert "compliance-withdrawal-check" not in hcp_page.goto(site_server.url("/sitemap.xml")).text()


def test_the_dosing_page_shows_claims_without_working_notes(site_server: SiteServer, hcp_page: Any) -> None:
    response = hcp_page.goto(site_server.url("/dosing/"))
    assert (
        response is not None and response.status == 200
    )  # Table 4 verified by the fixture's Medical reviewer
    text = hcp_page.locator("main").inner_text()
    assert "Dose modification by length of interruption" in text
    for note in ("UNCONFIRMED", "Confirmed in the 3/2024 PI", "From a secondary source", "not verified"):
        assert note not in text
