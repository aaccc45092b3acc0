"""Editors set, shorten and withdraw approvals in the CMS; the page is withheld at once everywhere."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.management import call_command

from besponsa.compliance.models import Approval, ApprovalEvent, site_today
from tests.compliance.conftest import Cast, MiniSite, days_from_today, hcp_client, login


def _cached_client() -> Any:
    """A visitor with only the gate cookie: their page views go through the page cache."""
    client = hcp_client()
    client.cookies = client.cookies.__class__(
        {k: v for k, v in client.cookies.items() if k == "hcp_confirmed"}
    )
    return client


def test_a_withdrawal_withholds_the_page_at_once_even_if_it_was_cached(
    site: MiniSite, cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    visitor = _cached_client()
    assert visitor.get("/dosing/").status_code == 200
    assert visitor.get("/dosing/")["X-Page-Cache"] == "hit"
    approval = Approval.objects.get(page=site.dosing)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(cast.editor).post(
            f"/cms/compliance/approvals/{approval.pk}/",
            {"action": "withdraw", "withdraw-reason": "Claim under legal review"},
        )
    assert response.status_code == 302
    withheld = visitor.get("/dosing/")
    assert withheld.status_code == 503 and b"This content is being updated" in withheld.content
    event = ApprovalEvent.objects.get(action=ApprovalEvent.WITHDRAWN)
    assert (event.job_code, event.user, event.comment) == (
        "PP-INO-USA-0643",
        cast.editor,
        "Claim under legal review",
    )
    listing = login(cast.medical).get("/cms/compliance/approvals/").content.decode()
    assert "Withheld</strong>: the approval was withdrawn" in listing
    assert "Claim under legal review" in listing


def _results(client: Any, query: str) -> str:
    html = client.get(f"/search/?q={query}").content.decode()
    return (
        html.split('<ol class="search-results"', 1)[1].split("</ol>", 1)[0]
        if "search-results" in html
        else ""
    )


def test_a_withheld_page_leaves_search_results_and_the_sitemap(site: MiniSite, cast: Cast) -> None:
    visitor = hcp_client()
    assert "/dosing/" in _results(visitor, "dosed")
    assert b"/dosing/" in visitor.get("/sitemap.xml").content
    approval = Approval.objects.get(page=site.dosing)
    login(cast.regulatory).post(
        f"/cms/compliance/approvals/{approval.pk}/",
        {"action": "withdraw", "withdraw-reason": "Superseded"},
    )
    assert "/dosing/" not in _results(visitor, "dosed")
    assert "0 results" in visitor.get("/search/?q=dosed").content.decode()
    assert b"/dosing/" not in visitor.get("/sitemap.xml").content
    assert b"localhost/</loc>" in visitor.get("/sitemap.xml").content  # the home page is still listed


def test_a_page_made_private_leaves_search_results_and_the_sitemap(site: MiniSite) -> None:
    """Issue 17 item 4: search and the sitemap list only pages an anonymous visitor would be served."""
    from wagtail.models import PageViewRestriction

    visitor = hcp_client()
    assert "/dosing/" in _results(visitor, "dosed")
    PageViewRestriction.objects.create(page=site.dosing, restriction_type=PageViewRestriction.LOGIN)
    assert "/dosing/" not in _results(visitor, "dosed")
    assert b"/dosing/" not in visitor.get("/sitemap.xml").content
    assert visitor.get("/dosing/").status_code == 302  # to sign in: the page itself is not served either


def test_a_withdrawal_needs_a_reason_and_changes_nothing_without_one(site: MiniSite, cast: Cast) -> None:
    approval = Approval.objects.get(page=site.dosing)
    response = login(cast.editor).post(
        f"/cms/compliance/approvals/{approval.pk}/", {"action": "withdraw", "withdraw-reason": " "}
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    approval.refresh_from_db()
    assert not approval.withdrawn
    assert hcp_client().get("/dosing/").status_code == 200


def test_reviewers_without_the_permission_cannot_change_an_approval(site: MiniSite, cast: Cast) -> None:
    approval = Approval.objects.get(page=site.dosing)
    response = login(cast.medical).post(
        f"/cms/compliance/approvals/{approval.pk}/", {"action": "withdraw", "withdraw-reason": "x"}
    )
    assert response.status_code in (302, 403)  # Wagtail sends a refused CMS user back to the dashboard
    assert not Approval.objects.get(pk=approval.pk).withdrawn
    assert not ApprovalEvent.objects.filter(action=ApprovalEvent.WITHDRAWN).exists()


def test_shortening_the_expiry_to_today_withholds_the_page(
    site: MiniSite, cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    approval = Approval.objects.get(page=site.dosing)
    Approval.objects.filter(pk=approval.pk).update(approved_on=days_from_today(-30))
    visitor = _cached_client()
    visitor.get("/dosing/")
    editor = login(cast.editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            f"/cms/compliance/approvals/{approval.pk}/",
            {
                "action": "expiry",
                "expiry-expires_on": site_today().isoformat(),
                "expiry-reason": "Label update",
            },
        )
    assert response.status_code == 302
    assert visitor.get("/dosing/").status_code == 503
    event = ApprovalEvent.objects.get(action=ApprovalEvent.EXPIRY_CHANGED)
    assert f"→ {site_today().isoformat()}. Label update" in event.comment and event.user == cast.editor


@pytest.mark.parametrize(
    ("expires_on", "message"),
    [
        (lambda a: a.approved_on, "is not after the approval date"),
        (lambda a: a.expires_on + datetime.timedelta(days=1), "12 months after the approval"),
    ],
)
def test_an_expiry_date_outside_the_approval_is_refused(
    site: MiniSite, cast: Cast, expires_on: Any, message: str
) -> None:
    approval = Approval.objects.get(page=site.dosing)
    before = approval.expires_on
    response = login(cast.editor).post(
        f"/cms/compliance/approvals/{approval.pk}/",
        {"action": "expiry", "expiry-expires_on": expires_on(approval).isoformat(), "expiry-reason": "r"},
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert Approval.objects.get(pk=approval.pk).expires_on == before


def test_the_isi_approval_cannot_be_withdrawn(site: MiniSite, cast: Cast) -> None:
    approval = Approval.objects.get(isi=site.isi)
    response = login(cast.regulatory).post(
        f"/cms/compliance/approvals/{approval.pk}/", {"action": "withdraw", "withdraw-reason": "no"}
    )
    assert (
        response.status_code == 400 and "safety information must always be shown" in response.content.decode()
    )


def test_check_expiry_notes_a_lapse_once_and_refreshes_the_cache_only_then(
    site: MiniSite, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from besponsa.portal import pagecache

    bumps: list[int] = []
    monkeypatch.setattr(pagecache, "bump_generation", lambda: bumps.append(1))
    approval = Approval.objects.get(page=site.dosing)
    Approval.objects.filter(pk=approval.pk).update(approved_on=days_from_today(-365), expires_on=site_today())
    first, second = io.StringIO(), io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("check_expiry", stdout=first)
    assert first.getvalue().startswith("LAPSED\tPP-INO-USA-0643")
    assert len(bumps) == 1
    with django_capture_on_commit_callbacks(execute=True):
        call_command("check_expiry", stdout=second)
    assert second.getvalue() == ""
    assert len(bumps) == 1
    assert ApprovalEvent.objects.filter(action=ApprovalEvent.LAPSED).count() == 1
