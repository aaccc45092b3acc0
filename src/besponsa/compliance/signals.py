"""Signal receivers: the approval history, approval records, the author's notification, cache bumps."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, TaskState, WorkflowState
from wagtail.signals import (
    page_published,
    published,
    task_approved,
    task_rejected,
    workflow_submitted,
)

from besponsa.compliance import rules
from besponsa.compliance.models import Approval, ApprovalEvent, site_today


def _content(workflow_state: WorkflowState) -> Any:
    content = workflow_state.content_object
    return content.specific if isinstance(content, Page) else content


def on_workflow_submitted(sender: Any, instance: WorkflowState, user: Any = None, **kwargs: Any) -> None:
    content = _content(instance)
    rules.record_event(
        content,
        ApprovalEvent.SUBMITTED,
        user=user,
        revision=content.get_latest_revision(),
        step=instance.workflow.name,
    )


def on_task_approved(sender: Any, instance: TaskState, user: Any = None, **kwargs: Any) -> None:
    content = _content(instance.workflow_state)
    rules.record_event(
        content,
        ApprovalEvent.APPROVED,
        user=user,
        revision=instance.revision,
        step=instance.task.name,
        comment=instance.comment or "",
    )
    if instance.comment:
        notify_authors(instance, user, approved=True)
    workflow_state = instance.workflow_state
    workflow_state.refresh_from_db(fields=["status"])
    if workflow_state.status == WorkflowState.STATUS_APPROVED and instance.revision is not None:
        # The last step: Wagtail has just published this revision. It is approved from today.
        rules.record_approval(content, instance.revision, Approval.WORKFLOW, user=user)


def on_task_rejected(sender: Any, instance: TaskState, user: Any = None, **kwargs: Any) -> None:
    content = _content(instance.workflow_state)
    rules.record_event(
        content,
        ApprovalEvent.CHANGES_REQUESTED,
        user=user,
        revision=instance.revision,
        step=instance.task.name,
        comment=instance.comment or "",
    )
    notify_authors(instance, user, approved=False)


def on_page_published(sender: Any, instance: Page, revision: Any = None, **kwargs: Any) -> None:
    """A page published without a person (the seed loader publishing the reviewed files in content/)
    is approved from today. A person's publish is never approved here: that needs the workflow."""
    if revision is None or revision.user_id is not None:
        return
    if rules.job_code_problem(getattr(instance, "job_code", ""), page_id=instance.pk) is None:
        rules.record_approval(instance, revision, Approval.SYSTEM)


def on_snippet_published(
    sender: Any, instance: Any, revision: Any = None, user: Any = None, **kwargs: Any
) -> None:
    from besponsa.portal.models import SafetyInformation

    if not isinstance(instance, SafetyInformation) or revision is None:
        return
    if rules.job_code_problem(instance.job_code, isi_id=instance.pk) is not None:
        return
    source = Approval.SYSTEM if revision.user_id is None and user is None else Approval.ISI_PUBLISH
    rules.record_approval(instance, revision, source, user=user)


def _recipients(task_state: TaskState, actor: Any, approved: bool) -> list[str]:
    """The author(s): who submitted the change and who wrote the revision, never the reviewer.

    On "request changes" Wagtail itself emails the submitter, comment included (its rejection
    notification), so we add only the revision's writer when that is someone else."""
    workflow_state = task_state.workflow_state
    people = []
    if approved:
        people.append(workflow_state.requested_by)
    revision = task_state.revision
    if revision is not None and revision.user_id not in (None, workflow_state.requested_by_id):
        people.append(revision.user)
    actor_pk = getattr(actor, "pk", None)
    return sorted({p.email for p in people if p is not None and p.email and p.pk != actor_pk})


def notify_authors(task_state: TaskState, actor: Any, *, approved: bool) -> None:
    recipients = _recipients(task_state, actor, approved)
    if not recipients:
        return
    content = _content(task_state.workflow_state)
    title = str(getattr(content, "title", content))
    step = task_state.task.name
    verdict = "approved" if approved else "sent back for changes"
    reviewer = rules._user_name(actor)
    lines = [
        f'"{title}" was {verdict} at the {step} step by {reviewer}.',
        "",
        "Comment:",
        task_state.comment or "(no comment)",
        "",
        f"Job code on the reviewed revision: {rules.revision_job_code(task_state.revision) or 'none'}",
    ]
    send_mail(
        subject=f'[MLR] {step}: "{title}" {verdict}',
        message="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )


# --- the page cache ------------------------------------------------------------------------------
#
# An approval created, shortened, withdrawn or deleted changes what may be served: every cached page
# goes stale at once. Lapses need no signal: a cached page carries the earliest approval expiry of
# what it shows (`cache_not_after`) and is never served from that instant on.


def expiry_instant(day: datetime.date) -> float:
    """The moment an approval lapses (epoch seconds): the start of its expiry date in the site's zone."""
    from besponsa.portal.pagecache import expiry_instant as instant

    return instant(day).timestamp()


def _approvals_changed(**kwargs: Any) -> None:
    from besponsa.portal.pagecache import bump_generation

    bump_generation()


def setup_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    if getattr(sender, "label", None) != "compliance":
        return
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from wagtail.snippets.models import create_extra_permissions

    from besponsa.compliance.setup import ensure_groups_and_workflow

    # Our post_migrate runs before later apps' (wagtail.admin's access_admin, and the snippets app's
    # publish/lock permissions of the ISI): create them all now, so a fresh install gets every grant.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    create_extra_permissions(apps.get_app_config("wagtailsnippets"), using=using)
    ensure_groups_and_workflow()
    from besponsa.compliance import surfaces

    surfaces.record_missing()


# --- the audit log of permission changes -------------------------------------------------------------


def _acting_user() -> Any:
    from besponsa.accounts.audit import current_request

    request = current_request.get()
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def _record_access(group: Any, comment: str) -> None:
    user = _acting_user()
    ApprovalEvent.objects.create(
        content_kind="access",
        object_id=group.pk,
        object_title=group.name[:255],
        action=ApprovalEvent.PERMISSION_CHANGED,
        user=user,
        user_name=rules._user_name(user),
        comment=comment,
    )


def on_group_permissions_changed(
    sender: Any, instance: Any, action: str, pk_set: set[int] | None, reverse: bool = False, **kwargs: Any
) -> None:
    from django.contrib.auth.models import Group, Permission

    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    if reverse:  # permission.group_set.add(...): instance is the permission
        groups = (
            Group.objects.filter(pk__in=pk_set or set())
            if action != "pre_clear"
            else instance.group_set.all()
        )
        perms = [instance]
    else:
        groups = [instance]
        perms = (
            list(Permission.objects.filter(pk__in=pk_set or set()))
            if action != "pre_clear"
            else list(instance.permissions.all())
        )
    verb = "granted" if action == "post_add" else "withdrawn"
    for group in groups:
        for perm in sorted(perms, key=lambda p: (p.content_type.app_label, p.codename)):
            _record_access(group, f"{verb} {perm.content_type.app_label}.{perm.codename}")


def on_page_permission_saved(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if created:
        _record_access(
            instance.group,
            f"granted page permission {instance.permission.codename} on page {instance.page_id}",
        )


def on_page_permission_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    codename = instance.permission.codename
    _record_access(instance.group, f"withdrawn page permission {codename} on page {instance.page_id}")


def connect() -> None:
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed
    from wagtail.models import GroupPagePermission

    m2m_changed.connect(
        on_group_permissions_changed, sender=Group.permissions.through, dispatch_uid="compliance-group-perms"
    )
    post_save.connect(
        on_page_permission_saved, sender=GroupPagePermission, dispatch_uid="compliance-gpp-saved"
    )
    post_delete.connect(
        on_page_permission_deleted, sender=GroupPagePermission, dispatch_uid="compliance-gpp-deleted"
    )
    workflow_submitted.connect(on_workflow_submitted, dispatch_uid="compliance-workflow-submitted")
    task_approved.connect(on_task_approved, dispatch_uid="compliance-task-approved")
    task_rejected.connect(on_task_rejected, dispatch_uid="compliance-task-rejected")
    page_published.connect(on_page_published, dispatch_uid="compliance-page-published")
    published.connect(on_snippet_published, dispatch_uid="compliance-snippet-published")
    post_save.connect(_approvals_changed, sender=Approval, dispatch_uid="compliance-approval-saved")
    post_delete.connect(_approvals_changed, sender=Approval, dispatch_uid="compliance-approval-deleted")


__all__ = ["connect", "expiry_instant", "setup_after_migrate", "site_today"]
