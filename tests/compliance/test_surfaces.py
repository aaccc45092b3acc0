"""Pages outside the CMS get their job codes, approval and expiry dates from approval records."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from besponsa.compliance import rules, surfaces
from besponsa.compliance.models import Approval, site_today
from besponsa.portal.validators import JOB_CODE
from tests.compliance.conftest import Cast, MiniSite, hcp_client, login


def test_migrate_records_an_approval_for_every_page_outside_the_cms(db: object) -> None:
    declared = surfaces.declared()
    approvals = {a.surface: a for a in Approval.objects.filter(surface__isnull=False)}
    assert set(approvals) == set(declared)
    for key, spec in declared.items():
        assert approvals[key].job_code == spec["job_code"] and not approvals[key].is_expired()
    codes = [spec["job_code"] for spec in declared.values()]
    assert len(set(codes)) == len(codes)
    assert all(JOB_CODE.fullmatch(code) for code in codes)


def test_the_gate_tools_search_and_error_pages_show_their_approved_job_code(site: MiniSite) -> None:
    visitor = hcp_client()
    pages = {
        "gate": Client().get("/hcp-confirm/"),
        "tools-index": visitor.get("/tools/"),
        "tools-dose": visitor.get("/tools/dose/"),
        "search": visitor.get("/search/?q=vod"),
        "errors": visitor.get("/no-such-page/"),
    }
    for key, response in pages.items():
        approval = Approval.objects.get(surface=key)
        html = response.content.decode()
        expected = f"Job code {approval.job_code}, approved"
        assert expected in html, key
        assert approval.expires_on.isoformat() in html, key


def test_a_withdrawn_surface_is_withheld_like_a_cms_page(site: MiniSite, cast: Cast) -> None:
    gate = Approval.objects.get(surface="gate")
    response = login(cast.regulatory).post(
        f"/cms/compliance/approvals/{gate.pk}/", {"action": "withdraw", "withdraw-reason": "New wording"}
    )
    assert response.status_code == 302
    withheld = Client().get("/hcp-confirm/")
    assert withheld.status_code == 503 and "no-store" in withheld["Cache-Control"]


def test_a_lapsed_tool_approval_withholds_the_tool_and_its_downloads(site: MiniSite) -> None:
    planner = Approval.objects.get(surface="tools-planner")
    yesterday = site_today() - datetime.timedelta(days=1)
    Approval.objects.filter(pk=planner.pk).update(
        approved_on=yesterday - datetime.timedelta(days=300), expires_on=yesterday
    )
    visitor = hcp_client()
    assert visitor.get("/tools/planner/").status_code == 503
    assert visitor.post("/tools/planner/plan.pdf", {}).status_code == 503
    assert visitor.get("/tools/dose/").status_code == 200  # other tools keep their own approvals
    course = visitor.get("/tools/course/")
    assert course.status_code == 200
    assert Approval.objects.get(surface="tools-course").job_code in course.content.decode()


def test_a_page_cannot_take_the_job_code_of_a_tool(site: MiniSite) -> None:
    problem = rules.job_code_problem("PP-INO-USA-0702", page_id=site.dosing.pk)
    assert problem is not None and "Dose calculator" in problem


def test_a_withdrawal_is_seen_on_the_very_next_request(site: MiniSite, cast: Cast) -> None:
    visitor = hcp_client()
    planner = Approval.objects.get(surface="tools-planner")
    page = visitor.get("/tools/planner/")
    assert page.status_code == 200 and f"Job code {planner.job_code}, approved" in page.content.decode()
    rules.withdraw(planner, user=cast.regulatory, reason="New wording")
    assert visitor.get("/tools/planner/").status_code == 503
    assert visitor.get("/tools/dose/").status_code == 200  # other tools keep their own approvals


def test_a_lapse_is_seen_on_the_first_request_of_the_expiry_date(
    site: MiniSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    search = Approval.objects.get(surface="search")
    search.expires_on = site_today() + datetime.timedelta(days=1)
    search.save()
    visitor = hcp_client()
    assert visitor.get("/search/?q=vod").status_code == 200
    tomorrow = site_today() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert visitor.get("/search/?q=vod").status_code == 503  # nothing was saved: the date alone
    assert visitor.get("/tools/planner/").status_code == 200  # other pages keep their own approvals
