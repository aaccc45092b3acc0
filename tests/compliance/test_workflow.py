"""The MLR workflow through the CMS: submit, three approvals by three groups, publish; who may approve;
comments reaching the author; the audit log and the approval history."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse
from wagtail.models import PageLogEntry, TaskState, Workflow, WorkflowState

from besponsa.compliance import setup
from besponsa.compliance.models import Approval, ApprovalEvent, default_expiry, site_today
from besponsa.compliance.setup import WORKFLOW_NAME
from besponsa.portal.models import ContentPage

from .conftest import Cast, MiniSite, approve_in_editor, edit_form, hcp_client, login, make_user


def submit(client: Client, page: ContentPage, **changes: str) -> WorkflowState:
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    response = client.post(url, {**edit_form(page, **changes), "action-submit": "Submit to MLR review"})
    assert response.status_code == 302, response.content[:2000]
    return WorkflowState.objects.get(object_id=str(page.pk), status="in_progress")


def current_task(page: ContentPage) -> TaskState:
    state = WorkflowState.objects.get(object_id=str(page.pk), status__in=["in_progress", "needs_changes"])
    assert state.current_task_state is not None
    return state.current_task_state


def act(client: Client, page: ContentPage, action: str, comment: str = "") -> Any:
    task_state = current_task(page)
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])
    return client.post(url, {"comment": comment})


def test_the_three_groups_approve_in_turn_and_the_last_approval_publishes(site: MiniSite, cast: Cast) -> None:
    page = site.dosing
    submit(login(cast.editor), page, title="Dosing and administration (revised)")
    assert current_task(page).task.name == "Medical review"
    # Nothing is live yet: HCPs still see the approved version.
    assert b"Dosing and administration (revised)" not in hcp_client().get("/dosing/").content

    for reviewer, step in ((cast.medical, "Medical review"), (cast.legal, "Legal review")):
        assert current_task(page).task.name == step
        response = act(login(reviewer), page, "approve", f"{step} fine")
        assert response.status_code == 302
        assert "refused" not in response["Location"]
    assert current_task(page).task.name == "Regulatory review"
    response = act(login(cast.regulatory), page, "approve", "")
    assert response.status_code == 302 and "refused" not in response["Location"]

    page.refresh_from_db()
    assert page.title == "Dosing and administration (revised)"
    assert WorkflowState.objects.get(object_id=str(page.pk)).status == "approved"
    approval = Approval.objects.get(page=page)
    assert approval.source == Approval.WORKFLOW
    assert approval.revision_id == page.live_revision_id
    assert approval.approved_on == site_today()
    assert approval.expires_on == default_expiry(site_today())

    response = hcp_client().get("/dosing/")
    assert response.status_code == 200
    assert b"Dosing and administration (revised)" in response.content
    assert approval.expires_on.isoformat().encode() in response.content


def test_each_step_is_done_by_its_own_group(site: MiniSite, cast: Cast) -> None:
    submit(login(cast.editor), site.dosing, title="Dosing v2")
    # A Legal reviewer cannot act on the Medical step, and a superuser outside the group cannot either.
    # (Wagtail answers a refused admin action by sending the user to the dashboard with a message.)
    assert act(login(cast.legal), site.dosing, "approve")["Location"] == "/cms/"
    boss = make_user("boss", superuser=True)
    assert act(login(boss), site.dosing, "approve")["Location"] == "/cms/"
    assert current_task(site.dosing).status == "in_progress"
    assert current_task(site.dosing).task.name == "Medical review"


def test_an_author_cannot_approve_their_own_change(site: MiniSite, cast: Cast) -> None:
    author = make_user("mark", setup.CONTENT_EDITORS, setup.MEDICAL)
    submit(login(author), site.dosing, title="Dosing edited by a medical reviewer")
    response = act(login(author), site.dosing, "approve", "looks fine to me")
    assert response.status_code == 302
    assert response["Location"] == reverse("compliance_approval_refused", args=[current_task(site.dosing).pk])
    task = current_task(site.dosing)
    assert task.status == "in_progress" and task.task.name == "Medical review"

    notice = login(author).get(response["Location"])
    assert notice.status_code == 403
    assert b"You submitted this change for review, so you cannot approve it" in notice.content
    refused = ApprovalEvent.objects.get(action=ApprovalEvent.REFUSED)
    assert refused.user == author and refused.job_code == "PP-INO-USA-0643"

    # Another Medical reviewer can, and the author's own task list does not offer it to them.
    assert not task.task.specific.get_task_states_user_can_moderate(author).exists()
    assert act(login(cast.medical), site.dosing, "approve").status_code == 302
    assert current_task(site.dosing).task.name == "Legal review"


def test_the_writer_of_the_revision_cannot_approve_it_even_if_someone_else_submitted(
    site: MiniSite, cast: Cast
) -> None:
    writer = make_user("wanda", setup.CONTENT_EDITORS, setup.MEDICAL)
    site.dosing.title = "Written by Wanda"
    site.dosing.save_revision(user=writer)
    Workflow.objects.get(name=WORKFLOW_NAME).start(site.dosing, cast.editor)
    response = act(login(writer), site.dosing, "approve")
    assert "refused" in response["Location"]
    assert b"You wrote this revision" in login(writer).get(response["Location"]).content


def test_one_person_cannot_approve_two_steps(site: MiniSite, cast: Cast) -> None:
    both = make_user("morgan", setup.MEDICAL, setup.LEGAL)
    submit(login(cast.editor), site.dosing, title="Dosing v3")
    act(login(both), site.dosing, "approve")
    assert current_task(site.dosing).task.name == "Legal review"
    response = act(login(both), site.dosing, "approve")
    assert "refused" in response["Location"]
    assert b"You already approved the" in login(both).get(response["Location"]).content
    assert current_task(site.dosing).task.name == "Legal review"


def test_request_changes_sends_the_comment_to_the_author(site: MiniSite, cast: Cast) -> None:
    submit(login(cast.editor), site.dosing, title="Dosing v4")
    # The Medical reviewers hear that something waits for them.
    assert any(cast.medical.email in message.to for message in mail.outbox)
    mail.outbox.clear()
    act(login(cast.medical), site.dosing, "approve")
    comment = "Please cite Table 2 for the Day 8 dose."
    response = act(login(cast.legal), site.dosing, "reject", comment)
    assert response.status_code == 302

    assert WorkflowState.objects.get(object_id=str(site.dosing.pk)).status == "needs_changes"
    to_author = [message for message in mail.outbox if cast.editor.email in message.to]
    assert to_author, [m.subject for m in mail.outbox]
    assert any(comment in message.body for message in to_author)
    # The page HCPs see is unchanged.
    site.dosing.refresh_from_db()
    assert site.dosing.title == "Dosing"


def test_approve_with_comment_reaches_the_author_too(site: MiniSite, cast: Cast) -> None:
    submit(login(cast.editor), site.dosing, title="Dosing v5")
    mail.outbox.clear()
    act(login(cast.medical), site.dosing, "approve", "Approved; next time round the doses as Table 1 does.")
    to_author = [m for m in mail.outbox if m.to == [cast.editor.email]]
    assert len(to_author) == 1
    assert "Medical review" in to_author[0].subject
    assert "round the doses as Table 1 does" in to_author[0].body
    assert all(cast.medical.email not in m.to for m in to_author)


def test_the_audit_log_and_the_history_record_who_approved_what(site: MiniSite, cast: Cast) -> None:
    submit(login(cast.editor), site.dosing, title="Dosing v6")
    act(login(cast.medical), site.dosing, "approve", "medical ok")
    act(login(cast.legal), site.dosing, "approve", "legal ok")
    act(login(cast.regulatory), site.dosing, "approve", "regulatory ok")

    approvals = PageLogEntry.objects.filter(page=site.dosing, action="wagtail.workflow.approve")
    assert {entry.user for entry in approvals} == {cast.medical, cast.legal, cast.regulatory}
    assert PageLogEntry.objects.filter(page=site.dosing, action="wagtail.publish").exists()

    events = ApprovalEvent.objects.filter(job_code="PP-INO-USA-0643").order_by("occurred_at", "pk")
    summary = [(e.action, e.step, e.user_id, e.comment) for e in events][-5:]
    assert summary == [
        (ApprovalEvent.SUBMITTED, "MLR review", cast.editor.pk, ""),
        (ApprovalEvent.APPROVED, "Medical review", cast.medical.pk, "medical ok"),
        (ApprovalEvent.APPROVED, "Legal review", cast.legal.pk, "legal ok"),
        (ApprovalEvent.APPROVED, "Regulatory review", cast.regulatory.pk, "regulatory ok"),
        (ApprovalEvent.APPROVAL_RECORDED, "", cast.regulatory.pk, ""),
    ]


def test_approving_from_the_editor_follows_the_same_rules(site: MiniSite, cast: Cast) -> None:
    author = make_user("mona", setup.CONTENT_EDITORS, setup.MEDICAL)
    submit(login(author), site.dosing, title="Dosing from the editor")
    url = reverse("wagtailadmin_pages:edit", args=[site.dosing.pk])
    # A reviewer who is not in the page editors' group can still open the page under review.
    assert login(cast.medical).get(url).status_code == 200
    page = ContentPage.objects.get(pk=site.dosing.pk)
    form = approve_in_editor(edit_form(page, title="Dosing from the editor"))
    response = login(author).post(url, form, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("Not approved. You submitted this change") for m in messages), messages
    assert current_task(site.dosing).task.name == "Medical review"

    # An approval that goes through says nothing of the next step; the reviewer, who may not open the
    # page tree, is taken back to the review queue on the dashboard.
    response = login(cast.medical).post(url, form, follow=True)
    assert current_task(site.dosing).task.name == "Legal review"
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    messages = [str(m) for m in response.context["messages"]]
    assert not any(m.startswith("Not approved") or "permission" in m for m in messages), messages


def test_the_isi_is_assigned_the_mlr_workflow(db: object) -> None:
    from besponsa.compliance.setup import ensure_groups_and_workflow
    from besponsa.portal.models import SafetyInformation

    ensure_groups_and_workflow()
    isi = SafetyInformation(
        boxed_warning_title="WARNING",
        boxed_warning="<p>x</p>",
        tray_summary="x",
        indication="<p>x</p>",
        warnings_and_precautions="<p>x</p>",
        adverse_reactions="<p>x</p>",
        specific_populations="<p>x</p>",
    )
    workflow = isi.get_workflow()
    assert workflow is not None
    assert [task.name for task in workflow.tasks] == ["Medical review", "Legal review", "Regulatory review"]
