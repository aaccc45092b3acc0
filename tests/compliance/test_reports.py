"""The expiring-content report (30/60/90 days) and the approval-history CSV: content and access."""

from __future__ import annotations

import csv
import io

from django.test import Client

from besponsa.compliance import setup
from besponsa.compliance.models import Approval, ApprovalEvent
from besponsa.compliance.views import csv_safe
from besponsa.portal.models import ContentPage

from .conftest import Cast, MiniSite, days_from_today, login, make_user

REPORT = "/cms/compliance/expiring/"
HISTORY = "/cms/compliance/history.csv"


def add_page(site: MiniSite, slug: str, job_code: str, expires_in: int) -> ContentPage:
    page = ContentPage(title=f"Page {slug}", slug=slug, summary="A page.", job_code=job_code)
    site.home.add_child(instance=page)
    page.save_revision().publish()
    Approval.objects.filter(page=page).update(expires_on=days_from_today(expires_in))
    return page


def listed(client: Client, within: str) -> set[str]:
    response = client.get(REPORT, {"within": within})
    assert response.status_code == 200
    body = response.content.decode()
    return {
        code
        for code in ("PP-INO-USA-0710", "PP-INO-USA-0745", "PP-INO-USA-0780", "PP-INO-USA-0799")
        if code in body
    }


def test_the_report_lists_what_expires_within_30_60_or_90_days(site: MiniSite, cast: Cast) -> None:
    add_page(site, "ten", "PP-INO-USA-0710", 10)
    add_page(site, "forty-five", "PP-INO-USA-0745", 45)
    add_page(site, "eighty", "PP-INO-USA-0780", 80)
    add_page(site, "later", "PP-INO-USA-0799", 200)
    client = login(cast.editor)
    assert listed(client, "30") == {"PP-INO-USA-0710"}
    assert listed(client, "60") == {"PP-INO-USA-0710", "PP-INO-USA-0745"}
    assert listed(client, "90") == {"PP-INO-USA-0710", "PP-INO-USA-0745", "PP-INO-USA-0780"}
    body = client.get(REPORT, {"within": "30"}).content.decode()
    assert "10 days left" in body


def test_the_report_shows_expired_and_withheld_pages(site: MiniSite, cast: Cast) -> None:
    Approval.objects.filter(page=site.dosing).update(
        approved_on=days_from_today(-365), expires_on=days_from_today(0)
    )
    body = login(cast.medical).get(REPORT).content.decode()
    assert "Expired: withheld from HCPs" in body
    assert "the approval expired on" in body


def test_a_window_other_than_30_60_90_is_refused_with_a_reason(site: MiniSite, cast: Cast) -> None:
    response = login(cast.editor).get(REPORT, {"within": "365"})
    assert response.status_code == 400
    assert b"must be one of 30, 60, 90" in response.content


def test_the_report_is_in_the_reports_menu_and_needs_a_cms_sign_in(site: MiniSite, cast: Cast) -> None:
    assert Client().get(REPORT).status_code == 302
    dashboard = login(cast.editor).get("/cms/").content.decode()
    assert REPORT in dashboard and "Expiring approvals" in dashboard


def rows(response: object) -> list[dict[str, str]]:
    text = response.content.decode()  # type: ignore[attr-defined]
    return list(csv.DictReader(io.StringIO(text)))


def test_the_history_csv_of_a_job_code(site: MiniSite, cast: Cast) -> None:
    ApprovalEvent.objects.create(
        job_code="PP-INO-USA-0643",
        content_kind="page",
        object_id=site.dosing.pk,
        object_title="=cmd|' /C calc'!A0",
        action=ApprovalEvent.CHANGES_REQUESTED,
        step="Legal review",
        user=cast.legal,
        user_name="luis",
        comment="@SUM(1+1) and +1 and -1",
    )
    response = login(cast.regulatory).get(HISTORY, {"job_code": "PP-INO-USA-0643"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="approval-history-PP-INO-USA-0643.csv"' in response["Content-Disposition"]
    lines = rows(response)
    assert {row["job_code"] for row in lines} == {"PP-INO-USA-0643"}
    assert lines[0]["action"] == "Approval recorded (published)"  # the seed loader's approval
    assert lines[0]["user"] == "system"
    rejected = lines[-1]
    assert rejected["action"] == "Changes requested" and rejected["step"] == "Legal review"
    # Nothing that a spreadsheet would run as a formula.
    assert rejected["title"] == "'=cmd|' /C calc'!A0"
    assert rejected["comment"] == "'@SUM(1+1) and +1 and -1"


def test_csv_cells_that_could_start_a_formula_are_quoted() -> None:
    assert [csv_safe(v) for v in ("=1", "+1", "-1", "@x", "\t=1", "plain", None, 5)] == [
        "'=1",
        "'+1",
        "'-1",
        "'@x",
        "'\t=1",
        "plain",
        "",
        "5",
    ]


def test_the_history_csv_is_for_cms_staff_only(site: MiniSite, cast: Cast) -> None:
    anonymous = Client().get(HISTORY)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    visitor = make_user("hank")  # a signed-in site user without CMS access
    assert "text/csv" not in login(visitor).get(HISTORY).get("Content-Type", "")
    assert login(visitor).get(HISTORY).status_code in (302, 403)
    assert login(cast.editor).get(HISTORY).status_code == 200


def test_a_malformed_job_code_is_refused(site: MiniSite, cast: Cast) -> None:
    response = login(cast.editor).get(HISTORY, {"job_code": "PP-INO-USA-12"})
    assert response.status_code == 400
    assert b"job_code: not in the format PP-INO-USA-NNNN" in response.content


def test_every_group_member_can_read_the_history(site: MiniSite) -> None:
    for group in (setup.CONTENT_EDITORS, *setup.REVIEW_GROUPS):
        user = make_user(group.split()[0].lower() + "-reader", group)
        assert login(user).get(HISTORY).status_code == 200
