"""Issue 11 in a real browser, as the MLR team and a visitor meet it, on a freshly installed site.

One server per module (`fresh_site`: what `migrate` and `seed_content` make of an empty database, the
session's seeded state; no label fact verified yet). Edith writes (Content editors), Maria, Luis and
Rita review (Medical, Legal, Regulatory reviewers); each has a CMS session that passed the second
factor. The tests run in file order on that one site: the ISI review comes last because a new ISI
withholds every page approved with the old one.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

from tests.conftest import confirm_hcp

from .conftest import FreshSite

pytestmark = pytest.mark.browser

NEUTRAL_TITLE = "This content is being updated"


@pytest.fixture(scope="module")
def visitor(browser: Any, fresh_site: FreshSite) -> Any:
    """An HCP's browser that has passed the gate."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    confirm_hcp(page, fresh_site.server)
    yield page
    context.close()


@pytest.fixture
def cms(browser: Any, fresh_site: FreshSite) -> Any:
    """Opens a signed-in CMS page for a member of the cast; closes them all after the test."""
    opened: list[Any] = []

    def open_as(username: str) -> Any:
        page = fresh_site.cms(browser, username)
        opened.append(page)
        return page

    yield open_as
    for page in opened:
        page.context.close()


def messages(page: Any) -> str:
    found = page.locator(".messages")
    return str(found.inner_text()) if found.count() else ""


def more_actions(page: Any, action: str) -> None:
    """The editor's footer: open "More actions", choose `action`, wait for the answer."""
    page.get_by_role("button", name="More actions").click()
    with page.expect_navigation():
        page.get_by_role("button", name=action, exact=True).click()


def approve_in_turn(cms: Any, edit_url: str) -> None:
    """Medical, Legal and Regulatory approve from the editor, each as themselves."""
    for username in ("maria", "luis", "rita"):
        reviewer = cms(username)
        reviewer.goto(edit_url)
        more_actions(reviewer, "Approve")
        assert "Not approved" not in messages(reviewer) and "permission" not in messages(reviewer)


def audit_log(page: Any, job_code: str = "") -> list[dict[str, str]]:
    """The approval history export (CSV), as the signed-in user downloads it."""
    query = f"?job_code={job_code}" if job_code else ""
    response = page.context.request.get(page.url.split("/cms/")[0] + "/cms/compliance/history.csv" + query)
    assert response.status == 200
    return list(csv.DictReader(io.StringIO(response.text())))


def publish_isi_outside_the_page(fresh_site: FreshSite, revision_id: int | None = None) -> tuple[int, int]:
    """A new ISI revision goes live (or an earlier one again); returns (before, after) revision ids."""
    code = (
        "from besponsa.portal.models import SafetyInformation\n"
        "isi = SafetyInformation.current()\n"
        "before = isi.live_revision_id\n"
        f"revision_id = {revision_id!r}\n"
        "if revision_id is None:\n"
        "    isi.tray_summary += ' A new sentence in the tray.'\n"
        "    isi.save_revision().publish()\n"
        "else:  # the earlier revision live again, and the latest draft again (what the editor opens)\n"
        "    earlier = isi.revisions.get(pk=revision_id)\n"
        "    earlier.publish()\n"
        "    earlier.as_object().save_revision()\n"
        "isi.refresh_from_db()\n"
        "print('REVISIONS', before, isi.live_revision_id)\n"
    )
    out = fresh_site.server.manage("shell", "-c", code)
    before, after = out.split("REVISIONS ", 1)[1].split()
    return int(before), int(after)


# --- 1. Approval pins the content -------------------------------------------------------------------


def test_a_page_whose_isi_changed_since_approval_is_withheld_and_the_cms_says_why(
    fresh_site: FreshSite, visitor: Any, cms: Any
) -> None:
    """What a page shows beyond its own revision (here the ISI shown with it) is pinned by its approval:
    a new ISI revision, published outside the page, withholds it until it is approved again."""
    url = fresh_site.url("/efficacy/adult/")
    assert visitor.goto(url).status == 200
    assert visitor.goto(url).status == 200  # the second answer comes from the page cache
    approved_with, live = publish_isi_outside_the_page(fresh_site)
    try:
        response = visitor.goto(url)
        assert response.status == 503
        assert visitor.locator("h1").inner_text() == NEUTRAL_TITLE
        assert "A new sentence in the tray." in visitor.locator("[data-isi-summary]").inner_text()

        editor = cms("edith")
        editor.goto(fresh_site.url(f"/cms/pages/{fresh_site.page_ids['/efficacy/adult/']}/edit/"))
        why = f"the live ISI is revision {live} (approved with revision {approved_with})"
        assert f"Withheld from visitors: what the page shows changed since it was approved: {why}." in (
            messages(editor)
        )
        editor.goto(fresh_site.url("/cms/compliance/approvals/"))
        row = editor.locator("tr", has_text="PP-INO-USA-0645")
        assert "Withheld" in row.inner_text() and why in row.inner_text()
    finally:
        publish_isi_outside_the_page(fresh_site, approved_with)
    assert visitor.goto(url).status == 200  # the ISI it was approved with is live again


# --- 3. Fresh install: a page walks author → Medical → Legal → Regulatory ------------------------------


def test_a_page_walks_author_medical_legal_regulatory_in_the_cms(
    fresh_site: FreshSite, visitor: Any, cms: Any
) -> None:
    page_id = fresh_site.page_ids["/about/"]
    edit_url = fresh_site.url(f"/cms/pages/{page_id}/edit/")
    author = cms("edith")
    author.goto(edit_url)
    author.fill("input[name=title]", "About BESPONSA, revised")

    # A job code another page holds is refused when the change is submitted, not at the last step.
    author.get_by_role("tab", name="Promote").click()
    author.fill("input[name=job_code]", "PP-INO-USA-0641")
    more_actions(author, "Submit to MLR review")
    error = author.locator("#panel-child-promote-child-job_code-errors").inner_text()
    assert "Not submitted to MLR review" in error and "already used by the page" in error
    medical = cms("maria")
    medical.goto(fresh_site.url("/cms/"))
    assert "About BESPONSA, revised" not in medical.locator("main").inner_text()

    author.get_by_role("tab", name="Promote").click()
    author.fill("input[name=job_code]", "PP-INO-USA-0661")
    more_actions(author, "Submit to MLR review")
    assert "has been submitted for moderation" in messages(author)

    # Medical finds it on the dashboard, opens it and compares it with the live version.
    medical.goto(fresh_site.url("/cms/"))
    queue = medical.locator("section", has_text="Awaiting your review")
    with medical.expect_navigation():
        queue.get_by_role("link", name="About BESPONSA, revised").click()
    assert "Under MLR review" in messages(medical)
    with medical.expect_navigation():
        medical.get_by_role("link", name="Compare with live version").click()
    assert ", revised" in medical.locator("main .addition").all_inner_texts()
    medical.go_back()
    with medical.expect_navigation():
        medical.get_by_role("link", name="Compare with previous revision").click()
    assert medical.locator("main h1").inner_text().startswith("Compare")

    # "Request changes" needs a comment; with one, the author is emailed it.
    medical.goto(edit_url)
    medical.get_by_role("button", name="More actions").click()
    medical.get_by_role("button", name="Request changes").click()
    dialog = medical.locator(".modal")
    dialog.locator("textarea[name=comment]").wait_for()
    dialog.get_by_role("button", name="Request changes").click()
    assert dialog.locator(".error-message").inner_text().strip() == "This field is required."
    comment = "Cite the label section for the mechanism of action."
    dialog.locator("textarea[name=comment]").fill(comment)
    with medical.expect_navigation(url=fresh_site.url("/cms/")):
        dialog.get_by_role("button", name="Request changes").click()
    email = fresh_site.mail_to("edith@example.test")
    assert "rejected during" in email and f'"{comment}"' in email

    author.goto(edit_url)
    more_actions(author, "Resubmit to Medical review")
    approve_in_turn(cms, edit_url)

    assert visitor.goto(fresh_site.url("/about/")).status == 200
    assert visitor.locator("h1").inner_text() == "About BESPONSA, revised"
    history = [
        (row["action"], row["step"], row["user"])
        for row in audit_log(author, "PP-INO-USA-0661")
        if row["action"] in {"Approved", "Changes requested"}
    ]
    assert history == [
        ("Changes requested", "Medical review", "Maria <maria>"),
        ("Approved", "Medical review", "Maria <maria>"),
        ("Approved", "Legal review", "Luis <luis>"),
        ("Approved", "Regulatory review", "Rita <rita>"),
    ]


# --- 5. Claims, not working notes; an unconfirmed fact waits for Medical's verification ----------------

TABLE_4_SECTION = "PI 2.3 Table 4"


def test_an_unconfirmed_fact_blocks_approval_until_medical_records_its_verification(
    fresh_site: FreshSite, visitor: Any, cms: Any
) -> None:
    """The seeded Dosing page shows PI Table 4, still marked unconfirmed: visitors get the neutral page
    and no review step can approve it until a Medical reviewer records what they read in the label."""
    assert visitor.goto(fresh_site.url("/dosing/")).status == 503
    page_id = fresh_site.page_ids["/dosing/"]
    edit_url = fresh_site.url(f"/cms/pages/{page_id}/edit/")
    author = cms("edith")
    author.goto(edit_url)
    author.fill("input[name=title]", "Dosing and administration, revised")
    more_actions(author, "Submit to MLR review")

    medical = cms("maria")
    medical.goto(edit_url)
    assert "Withheld from visitors: it shows label facts still marked unconfirmed" in messages(medical)
    more_actions(medical, "Approve")
    assert (
        "Not approved. This revision cannot be approved: it shows label facts still marked unconfirmed"
        in (messages(medical))
    )

    medical.goto(edit_url)
    with medical.expect_navigation():
        medical.get_by_role("link", name="Claims and references").click()
    panel_url = medical.url
    unverified = medical.locator("tr.claim--unverified")
    assert unverified.count() == 4  # the four rows of Table 4
    assert unverified.filter(has_text="Not verified: blocks approval of this page.").count() == 4
    # Reviewer-only notes: each claim's status, and where each fact comes from.
    reviewer_notes = {
        text.strip()
        for text in medical.locator("tbody td:nth-child(5) p").all_inner_texts()
        if text.strip() and not text.startswith("Not verified")
    }
    assert "Confirmed in the 3/2024 PI" in reviewer_notes

    # A verification names the label section read; without it nothing is recorded.
    first = unverified.first
    first.locator("input[name=label_section]").fill("")
    with medical.expect_navigation():
        first.get_by_role("button", name="Record verification").click()
    assert "Nothing was recorded. label_section:" in medical.locator("main").inner_text()
    for _ in range(4):
        medical.goto(panel_url)
        row = medical.locator("tr.claim--unverified").first
        row.locator("input[name=label_section]").fill(TABLE_4_SECTION)
        row.locator("input[name=label_version]").fill("3/2024")
        with medical.expect_navigation():
            row.get_by_role("button", name="Record verification").click()
        assert "Verification recorded." in messages(medical)
    assert medical.locator("tr.claim--unverified").count() == 0
    verified = medical.locator("tbody tr", has_text="Verified against PI 2.3 Table 4 (3/2024) by Maria")
    assert verified.count() == 4

    # Each verification is in the audit log: who, when, against which label section.
    records = [row for row in audit_log(medical) if row["action"] == "Fact verified against the label"]
    assert len(records) == 4
    assert {row["user"] for row in records} == {"Maria <maria>"}
    assert all(f"Verified against {TABLE_4_SECTION} (3/2024)" in row["comment"] for row in records)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row["occurred_at_utc"]) for row in records)

    # Now Medical can approve; the review moves on to Legal.
    medical.goto(edit_url)
    more_actions(medical, "Approve")
    assert "Not approved" not in messages(medical)
    legal = cms("luis")
    legal.goto(fresh_site.url("/cms/"))
    assert "Dosing and administration, revised" in legal.locator("main").inner_text()

    # Visitors get the page again: the claims, none of the reviewers' notes.
    assert visitor.goto(fresh_site.url("/dosing/")).status == 200
    public = visitor.locator("main").inner_text()
    assert "Dose modification by length of interruption" in public
    for note in (*reviewer_notes, "Not verified", "Verified against", "Claims and references"):
        assert note not in public, note


# --- 3. Fresh install: the ISI walks author → Medical → Legal → Regulatory ----------------------------


def test_the_isi_walks_author_medical_legal_regulatory_in_the_cms_and_is_published(
    fresh_site: FreshSite, visitor: Any, cms: Any
) -> None:
    edit_url = fresh_site.url(f"/cms/snippets/portal/safetyinformation/edit/{fresh_site.isi_id}/")
    author = cms("edith")
    author.goto(edit_url)
    tray = author.locator("textarea[name=tray_summary]")
    tray.fill(tray.input_value() + " Revised for review.")
    more_actions(author, "Submit to MLR review")
    assert "has been submitted for moderation" in messages(author)

    medical = cms("maria")
    medical.goto(edit_url)
    with medical.expect_navigation():
        medical.get_by_role("link", name="Compare with live version").click()
    assert " Revised for review." in medical.locator("main .addition").all_inner_texts()

    approve_in_turn(cms, edit_url)

    # Regulatory could publish it on a fresh install: visitors read the new ISI.
    assert visitor.goto(fresh_site.url("/isi/")).status == 200
    assert visitor.locator("[data-isi-summary]").inner_text().endswith(" Revised for review.")
    history = [
        (row["step"], row["user"])
        for row in audit_log(author, "PP-INO-USA-0658")
        if row["action"] == "Approved"
    ]
    assert history[-3:] == [
        ("Medical review", "Maria <maria>"),
        ("Legal review", "Luis <luis>"),
        ("Regulatory review", "Rita <rita>"),
    ]
    # Pages approved with the previous ISI wait for their own approval with this one.
    assert visitor.goto(fresh_site.url("/efficacy/adult/")).status == 503
