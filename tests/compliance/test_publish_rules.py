"""Nothing is published without a valid, unique job code; pages are published only by the workflow;
revisions compare and revert for pages and the ISI; the groups and workflow set themselves up."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Workflow, WorkflowPage, WorkflowState
from wagtail.test.utils.form_data import rich_text

from besponsa.compliance import setup
from besponsa.compliance.models import Approval, MLRApprovalTask
from besponsa.compliance.rules import job_code_problem
from besponsa.portal.models import ContentPage, SafetyInformation
from besponsa.portal.validators import JOB_CODE, validate_job_code

from .conftest import Cast, MiniSite, edit_form, login, make_user
from .test_workflow import act, current_task, submit


def publish_directly(site: MiniSite, **changes: str) -> tuple[object, list[str]]:
    boss = User.objects.filter(username="boss").first() or make_user("boss", superuser=True)
    client = login(boss)
    url = reverse("wagtailadmin_pages:edit", args=[site.dosing.pk])
    response = client.post(
        url, {**edit_form(site.dosing, **changes), "action-publish": "Publish"}, follow=True
    )
    messages = [str(m) for m in response.context["messages"]] if response.context else []
    return response, messages


def test_publishing_without_a_job_code_is_refused_and_the_draft_kept(site: MiniSite) -> None:
    _, messages = publish_directly(site, title="No code", job_code="")
    assert any("not published: it has no job code" in m for m in messages), messages
    site.dosing.refresh_from_db()
    assert site.dosing.title == "Dosing" and site.dosing.job_code == "PP-INO-USA-0643"
    assert site.dosing.get_latest_revision().content["title"] == "No code"


def test_a_job_code_already_used_elsewhere_is_refused(site: MiniSite) -> None:
    _, messages = publish_directly(site, title="Stolen code", job_code="PP-INO-USA-0658")
    assert any('"PP-INO-USA-0658" is already used by the ISI' in m for m in messages), messages
    _, messages = publish_directly(site, title="Stolen code", job_code="PP-INO-USA-0641")
    assert any('already used by the page "Home"' in m for m in messages), messages
    site.dosing.refresh_from_db()
    assert site.dosing.title == "Dosing"


def test_a_valid_page_is_still_published_only_through_the_workflow(site: MiniSite) -> None:
    _, messages = publish_directly(site, title="Shortcut")
    assert any("pages are published by the MLR review" in m for m in messages), messages
    site.dosing.refresh_from_db()
    assert site.dosing.title == "Dosing"


def test_job_code_rules() -> None:
    assert (
        job_code_problem("")
        == "it has no job code. Add one in the format PP-INO-USA-NNNN (four digits), e.g. PP-INO-USA-0641"
    )
    assert "not in the format" in (job_code_problem("PP-XYZ-USA-0001") or "")
    assert "not in the format" in (job_code_problem("PP-INO-USA-001") or "")


@pytest.mark.parametrize("code", ["PP-XYZ-USA-0001", "PP-INO-USA-001", "pp-ino-usa-0641"])
def test_the_editor_form_refuses_a_job_code_that_could_not_be_published(code: str) -> None:
    # One rule: the field validator (editor's form) and the publish check agree.
    with pytest.raises(ValidationError, match="PP-INO-USA-NNNN"):
        validate_job_code(code)
    validate_job_code("PP-INO-USA-0641")


def test_the_workflow_cannot_approve_a_revision_without_a_valid_unique_job_code(
    site: MiniSite, cast: Cast
) -> None:
    # The editor refuses the submission itself (see test_fresh_install); a revision that reaches review
    # some other way (a script starting the workflow) is still refused at every step.
    site.dosing.job_code = ""
    site.dosing.save_revision(user=cast.editor)
    Workflow.objects.get(name=setup.WORKFLOW_NAME).start(site.dosing, cast.editor)
    response = act(login(cast.medical), site.dosing, "approve")
    assert "refused" in response["Location"]
    notice = login(cast.medical).get(response["Location"]).content.decode()
    assert "This revision cannot be approved because it has no job code" in notice
    assert current_task(site.dosing).task.name == "Medical review"


def test_a_missing_or_duplicate_job_code_is_refused_at_submission(site: MiniSite, cast: Cast) -> None:
    for code, reason in (("", "it has no job code"), ("PP-INO-USA-0641", "already used by the page")):
        response = login(cast.editor).post(
            reverse("wagtailadmin_pages:edit", args=[site.dosing.pk]),
            {**edit_form(site.dosing, job_code=code), "action-submit": "1"},
        )
        assert response.status_code == 200
        assert "Not submitted to MLR review" in response.content.decode()
        assert reason in response.content.decode()
    assert not WorkflowState.objects.filter(object_id=str(site.dosing.pk)).exists()


def test_the_isi_cannot_be_published_without_a_job_code(site: MiniSite) -> None:
    boss = make_user("boss", superuser=True)
    isi = site.isi
    data = {
        "title": isi.title,
        "job_code": "",
        "boxed_warning_title": isi.boxed_warning_title,
        "boxed_warning": rich_text(isi.boxed_warning),
        "tray_summary": isi.tray_summary,
        "indication": rich_text(isi.indication),
        "warnings_and_precautions": rich_text(isi.warnings_and_precautions),
        "adverse_reactions": rich_text(isi.adverse_reactions),
        "specific_populations": rich_text(isi.specific_populations),
        "action-publish": "publish",
    }
    url = reverse("wagtailsnippets_portal_safetyinformation:edit", args=[isi.pk])
    response = login(boss).post(url, data, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("not published: it has no job code" in m for m in messages), messages
    assert SafetyInformation.current().job_code == "PP-INO-USA-0658"

    # Issue 17 item 3: even with a good job code, the ISI goes live only through the MLR workflow.
    data["job_code"] = "PP-INO-USA-0659"
    login(boss).post(url, data)
    assert SafetyInformation.current().job_code == "PP-INO-USA-0658"
    assert not Approval.objects.filter(isi=isi, source=Approval.ISI_PUBLISH).exists()


def test_page_revisions_compare_and_revert(site: MiniSite, cast: Cast) -> None:
    first = site.dosing.live_revision
    submit(login(cast.editor), site.dosing, title="Dosing, second version")
    second = site.dosing.get_latest_revision()
    client = login(make_user("boss", superuser=True))
    compare = client.get(
        reverse("wagtailadmin_pages:revisions_compare", args=[site.dosing.pk, first.pk, second.pk])
    )
    assert compare.status_code == 200
    assert b"Dosing, second version" in compare.content
    revert = client.get(reverse("wagtailadmin_pages:revisions_revert", args=[site.dosing.pk, first.pk]))
    assert revert.status_code == 200
    assert b'value="Dosing"' in revert.content


def test_isi_revisions_compare(site: MiniSite) -> None:
    first = site.isi.live_revision
    site.isi.tray_summary = "A changed tray summary."
    second = site.isi.save_revision()
    client = login(make_user("boss", superuser=True))
    url = reverse(
        "wagtailsnippets_portal_safetyinformation:revisions_compare", args=[site.isi.pk, first.pk, second.pk]
    )
    response = client.get(url)
    assert response.status_code == 200
    assert b"Tray summary:" in response.content
    assert b'<span class="addition">A changed tray</span>' in response.content
    revert = client.get(
        reverse("wagtailsnippets_portal_safetyinformation:revisions_revert", args=[site.isi.pk, first.pk])
    )
    assert revert.status_code == 200


def test_groups_and_workflow_are_set_up_and_setup_is_idempotent(db: object) -> None:
    call_command("setup_compliance")
    call_command("setup_compliance")
    for name in (setup.CONTENT_EDITORS, *setup.REVIEW_GROUPS):
        assert Group.objects.filter(name=name).count() == 1
    workflow = Workflow.objects.get(name=setup.WORKFLOW_NAME)
    steps = [
        (wt.task.name, [g.name for g in wt.task.specific.groups.all()])
        for wt in workflow.workflow_tasks.all()
    ]
    assert steps == [
        ("Medical review", [setup.MEDICAL]),
        ("Legal review", [setup.LEGAL]),
        ("Regulatory review", [setup.REGULATORY]),
    ]
    assert MLRApprovalTask.objects.count() == 3
    assert WorkflowPage.objects.get(page__depth=1).workflow == workflow


def test_seed_files_give_every_page_and_the_isi_a_unique_job_code() -> None:
    import yaml

    from besponsa.portal.seed import CONTENT_DIR

    codes = [yaml.safe_load((CONTENT_DIR / "isi.yaml").read_text())["job_code"]]
    tree = yaml.safe_load((CONTENT_DIR / "pages.yaml").read_text())
    codes.append(tree["home"]["job_code"])
    pending = list(tree.get("children", []))
    while pending:
        spec = pending.pop()
        codes.append(spec.get("job_code"))
        pending.extend(spec.get("children", []))
    assert all(code and JOB_CODE.fullmatch(code) for code in codes), codes
    assert len(codes) == len(set(codes)), sorted(codes)


def test_published_seed_pages_are_recorded_once(site: MiniSite) -> None:
    call_command("setup_compliance")
    assert Approval.objects.filter(page=site.dosing).count() == 1
    page = ContentPage.objects.get(pk=site.dosing.pk)
    assert Approval.objects.get(page=page).revision_id == page.live_revision_id


def test_bulk_publish_cannot_skip_the_review(site: MiniSite) -> None:
    site.dosing.title = "Bulk-published draft"
    site.dosing.save_revision()
    boss = User.objects.filter(username="boss").first() or make_user("boss", superuser=True)
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"]) + f"?id={site.dosing.pk}"
    response = login(boss).post(url, {}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("pages are published by the MLR review" in m for m in messages), messages
    site.dosing.refresh_from_db()
    assert site.dosing.title == "Dosing"
