"""The neutral "being updated" page in a real browser: 503, the ISI, and no accessibility violations.

A throwaway page is published on the shared test server, its approval set to have lapsed, and the
page deleted again afterwards, so the other browser tests never meet it."""

from __future__ import annotations

from collections.abc import Callable
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
    site_server: SiteServer, hcp_page: Any, axe_violations: Callable[[Any], list[dict[str, Any]]]
) -> None:
    site_server.manage("shell", "-c", CREATE)
    try:
        response = hcp_page.goto(site_server.url("/compliance-lapsed-check/"))
        assert response.status == 503
        assert hcp_page.locator("h1").inner_text() == "This content is being updated"
        assert hcp_page.locator("#isi").count() == 1
        assert "Shown only while approved." not in hcp_page.content()
        assert axe_violations(hcp_page) == []
    finally:
        site_server.manage("shell", "-c", DELETE)
