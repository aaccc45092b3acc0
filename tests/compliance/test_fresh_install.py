"""A fresh install works for every step: the documented permissions after `migrate` on an empty database,
and author → Medical → Legal → Regulatory for a page and for the ISI, as separate people in the CMS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from wagtail.models import WorkflowState

from besponsa.compliance.models import Approval, ApprovalEvent
from besponsa.portal.models import SafetyInformation

from .conftest import Cast, MiniSite, approve_in_editor, edit_form, hcp_client, login

DOCS = Path(settings.BASE_DIR) / "docs" / "compliance.md"

DUMP = """
import json
from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission
names = ("Content editors", "Medical reviewers", "Legal reviewers", "Regulatory reviewers")
out = {}
for group in Group.objects.filter(name__in=names):
    model = sorted(f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all())
    root_grants = GroupPagePermission.objects.filter(group=group, page__depth=1)
    pages = sorted(g.permission.codename for g in root_grants)
    out[group.name] = [model, pages]
print(json.dumps(out))
"""


def documented_permissions() -> dict[str, list[list[str]]]:
    lines = DOCS.read_text(encoding="utf-8").split("<!-- permission-table", 1)[1].splitlines()[1:]
    rows = []
    for line in lines:
        if not line.startswith("|"):
            break
        rows.append(line)
    table: dict[str, list[list[str]]] = {}
    for row in rows[2:]:  # skip the header and the rule
        group, model, pages = (cell.strip() for cell in row.strip().split("|")[1:-1])
        table[group] = [
            sorted(p.strip() for p in model.split(",") if p.strip()),
            sorted(p.strip() for p in pages.split(",") if p.strip()),
        ]
    return table


def test_migrate_on_an_empty_database_gives_each_group_exactly_the_documented_permissions(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}", "BESPONSA_ENV": "test"}
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, capture_output=True, timeout=600)
    dump = subprocess.run(
        [*manage, "shell", "-v0", "-c", DUMP],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = json.loads(dump.stdout.strip().splitlines()[-1])
    documented = documented_permissions()
    assert set(documented) == {
        "Content editors",
        "Medical reviewers",
        "Legal reviewers",
        "Regulatory reviewers",
    }
    assert found == documented
    assert "portal.publish_safetyinformation" in found["Regulatory reviewers"][0]


def workflow_state(obj: Any) -> WorkflowState:
    return WorkflowState.objects.get(object_id=str(obj.pk), status__in=["in_progress", "needs_changes"])


def act_on_page(client: Client, page: Any, action: str, comment: str = "") -> Any:
    task_state = workflow_state(page).current_task_state
    assert task_state is not None
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])
    return client.post(url, {"comment": comment})


def test_a_page_walks_author_medical_legal_regulatory_with_compare_and_a_commented_send_back(
    site: MiniSite, cast: Cast
) -> None:
    page = site.dosing
    author = login(cast.editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])

    # A job code held by another page is refused at submission: nothing goes to review.
    refused = author.post(edit_url, {**edit_form(page, job_code="PP-INO-USA-0641"), "action-submit": "1"})
    assert refused.status_code == 200
    assert "Not submitted to MLR review" in refused.content.decode()
    assert "already used by the page" in refused.content.decode()
    assert not WorkflowState.objects.filter(object_id=str(page.pk)).exists()

    submitted = author.post(edit_url, {**edit_form(page, title="Dosing, revised"), "action-submit": "1"})
    assert submitted.status_code == 302

    # Medical opens the editor, finds "compare with live" and "compare with previous", and opens both.
    medical = login(cast.medical)
    editor_html = medical.get(edit_url).content.decode()
    assert "Compare with live version" in editor_html and "Compare with previous revision" in editor_html
    live_url = editor_html.split("Compare with live version")[0].rsplit('href="', 1)[1].split('"')[0]
    compare = medical.get(live_url)
    assert compare.status_code == 200 and "Dosing, revised" in compare.content.decode()

    # "Request changes" without a comment is not accepted; with one, the author's email carries it.
    act_on_page(medical, page, "reject", "")
    assert workflow_state(page).status == "in_progress"
    mail.outbox.clear()
    act_on_page(medical, page, "reject", "Cite the dosing table in the second paragraph.")
    assert workflow_state(page).status == "needs_changes"
    to_author = [m for m in mail.outbox if cast.editor.email in m.to]
    assert to_author and "Cite the dosing table in the second paragraph." in to_author[0].body

    author.post(edit_url, {**edit_form(page, title="Dosing, revised"), "action-submit": "1"})
    for reviewer in (cast.medical, cast.legal, cast.regulatory):
        response = act_on_page(login(reviewer), page, "approve")
        assert response.status_code == 302 and "refused" not in response["Location"]
    page.refresh_from_db()
    assert page.title == "Dosing, revised"
    assert Approval.objects.get(page=page).source == Approval.WORKFLOW
    assert b"Dosing, revised" in hcp_client().get("/dosing/").content


def isi_form(user: Any, isi: SafetyInformation, **changes: str) -> dict[str, str]:
    """What the ISI editor posts: every field as its widget submits it (rich text as Draftail JSON)."""
    form_class = SafetyInformation.snippet_viewset.get_edit_handler().get_form_class()  # type: ignore[attr-defined]
    form = form_class(instance=isi, for_user=user)
    data = {}
    for name, field in form.fields.items():
        value = changes.get(name, form[name].value())
        data[name] = field.widget.format_value(value) or ""
    return data


def test_the_isi_walks_author_medical_legal_regulatory_and_is_published(site: MiniSite, cast: Cast) -> None:
    isi = site.isi
    author = login(cast.editor)
    edit_url = reverse("wagtailsnippets_portal_safetyinformation:edit", args=[isi.pk])
    data = isi_form(cast.editor, isi, tray_summary="A revised tray summary for review.")
    response = author.post(edit_url, {**data, "action-submit": "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    state = workflow_state(isi)

    medical = login(cast.medical)
    editor_html = medical.get(edit_url).content.decode()
    assert "Compare with live version" in editor_html
    live_url = editor_html.split("Compare with live version")[0].rsplit('href="', 1)[1].split('"')[0]
    compare = medical.get(live_url)
    assert compare.status_code == 200
    assert '<span class="addition">A revised tray</span>' in compare.content.decode()

    for reviewer in (cast.medical, cast.legal, cast.regulatory):
        state.refresh_from_db()
        task_state = state.current_task_state
        assert task_state is not None
        url = reverse(
            "wagtailsnippets_portal_safetyinformation:workflow_action",
            args=[isi.pk, "approve", task_state.pk],
        )
        response = login(reviewer).post(url, {"comment": ""})
        assert response.status_code == 302 and "refused" not in response["Location"]
    isi.refresh_from_db()
    assert isi.tray_summary == "A revised tray summary for review."
    approval = Approval.objects.get(isi=isi)
    assert approval.source == Approval.WORKFLOW and approval.revision_id == isi.live_revision_id
    assert b"A revised tray summary for review." in hcp_client().get("/isi/").content
    steps = list(
        ApprovalEvent.objects.filter(content_kind="isi", action=ApprovalEvent.APPROVED).values_list(
            "step", "user"
        )
    )
    assert steps == [
        ("Medical review", cast.medical.pk),
        ("Legal review", cast.legal.pk),
        ("Regulatory review", cast.regulatory.pk),
    ]


def test_permission_changes_are_in_the_audit_log(site: MiniSite, cast: Cast) -> None:
    from django.contrib.auth.models import Group, Permission

    legal = Group.objects.get(name="Legal reviewers")
    legal.permissions.add(Permission.objects.get(codename="change_approval"))
    legal.permissions.remove(Permission.objects.get(codename="change_approval"))
    comments = list(
        ApprovalEvent.objects.filter(action=ApprovalEvent.PERMISSION_CHANGED, object_title="Legal reviewers")
        .order_by("pk")
        .values_list("comment", flat=True)
    )
    assert comments[-2:] == ["granted compliance.change_approval", "withdrawn compliance.change_approval"]


def test_reviewers_approve_the_isi_from_its_editor_without_restarting_the_review(
    site: MiniSite, cast: Cast
) -> None:
    """The snippet editor saves its form before a review action; unchanged, that is no new revision, so
    the review moves on instead of starting again on a revision the reviewer wrote."""
    isi = site.isi
    edit_url = reverse("wagtailsnippets_portal_safetyinformation:edit", args=[isi.pk])
    data = isi_form(cast.editor, isi, tray_summary="Tray summary approved from the editor.")
    assert login(cast.editor).post(edit_url, {**data, "action-submit": "1"}).status_code == 302
    under_review = workflow_state(isi).current_task_state
    assert under_review is not None
    for reviewer in (cast.medical, cast.legal, cast.regulatory):
        isi.refresh_from_db()
        latest = isi.get_latest_revision_as_object()
        response = login(reviewer).post(edit_url, approve_in_editor(isi_form(reviewer, latest)), follow=True)
        messages = [str(m) for m in response.context["messages"]]
        assert not any(m.startswith("Not approved") for m in messages), messages
        if reviewer is not cast.regulatory:  # Medical and Legal may not open the ISI listing
            assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    isi.refresh_from_db()
    assert isi.tray_summary == "Tray summary approved from the editor."
    assert isi.live_revision_id == under_review.revision_id  # the revision the author submitted
    assert Approval.objects.get(isi=isi).source == Approval.WORKFLOW
