"""The groups, their permissions and the MLR workflow; approvals for content already published.

Idempotent: run after every migrate (post_migrate) and by `manage.py setup_compliance`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowContentType,
    WorkflowMixin,
    WorkflowPage,
    WorkflowTask,
)

from besponsa.accounts.groups import ensure_group
from besponsa.compliance.models import Approval, MLRApprovalTask

CONTENT_EDITORS = "Content editors"
MEDICAL = "Medical reviewers"
LEGAL = "Legal reviewers"
REGULATORY = "Regulatory reviewers"
REVIEW_GROUPS = (MEDICAL, LEGAL, REGULATORY)
WORKFLOW_NAME = "MLR review"
# The three steps, in order: (task name, group).
STEPS = (("Medical review", MEDICAL), ("Legal review", LEGAL), ("Regulatory review", REGULATORY))

# Model permissions (app_label.codename) per group. Page permissions are set on the tree root below.
COMMON = ("wagtailadmin.access_admin", "compliance.view_approval", "compliance.view_approvalevent")
GROUP_PERMISSIONS: dict[str, tuple[str, ...]] = {
    # Editors and Regulatory may set, shorten and withdraw an approval (audited; see docs/compliance.md).
    CONTENT_EDITORS: (
        *COMMON,
        "portal.add_safetyinformation",
        "portal.change_safetyinformation",
        "compliance.change_approval",
    ),
    # Medical reviewers record that an unconfirmed fact reads so in the label (see docs/compliance.md).
    MEDICAL: (*COMMON, "compliance.add_factverification", "compliance.view_factverification"),
    LEGAL: (*COMMON, "compliance.view_factverification"),
    # The ISI snippet has no workflow of its own (see docs/compliance.md): only Regulatory publishes it.
    REGULATORY: (
        *COMMON,
        "portal.change_safetyinformation",
        "portal.publish_safetyinformation",
        "compliance.change_approval",
        "compliance.view_factverification",
    ),
}
# Page permissions on the tree root. Wagtail publishes the approved revision as the last approver, so
# the last step's group (Regulatory) holds "publish"; publishing outside the workflow is refused by
# the before_publish_page hook.
PAGE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    CONTENT_EDITORS: ("add_page", "change_page"),
    REGULATORY: ("publish_page",),
}


@dataclass
class SetupReport:
    created: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return ", ".join(self.created) if self.created else "nothing to do: groups and workflow in place"


@transaction.atomic
def ensure_groups_and_workflow() -> SetupReport:
    report = SetupReport()
    groups: dict[str, Group] = {}
    for name, permissions in GROUP_PERMISSIONS.items():
        groups[name], created = ensure_group(name, permissions)
        if created:
            report.created.append(f"group {name}")

    root = Page.get_first_root_node()
    if root is not None:
        for group_name, codenames in PAGE_PERMISSIONS.items():
            for codename in codenames:
                permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
                GroupPagePermission.objects.get_or_create(
                    group=groups[group_name], page=root, permission=permission
                )

    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    if created:
        report.created.append(f"workflow {WORKFLOW_NAME}")
    for order, (task_name, group_name) in enumerate(STEPS):
        task = MLRApprovalTask.objects.filter(name=task_name).first()
        if task is None:
            task = MLRApprovalTask.objects.create(name=task_name)
            report.created.append(f"step {task_name}")
        task.groups.add(groups[group_name])
        WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": order})

    # Wagtail's own migration assigns its "Moderators approval" workflow to the root; ours replaces it.
    if root is not None and not WorkflowPage.objects.filter(page=root, workflow=workflow).exists():
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
        report.created.append("workflow assigned to every page")

    # Should the ISI snippet gain Wagtail's WorkflowMixin, it goes through the same review.
    from django.contrib.contenttypes.models import ContentType

    from besponsa.portal.models import SafetyInformation

    if issubclass(SafetyInformation, WorkflowMixin):
        content_type = ContentType.objects.get_for_model(SafetyInformation)
        if not WorkflowContentType.objects.filter(content_type=content_type).exists():
            WorkflowContentType.objects.create(content_type=content_type, workflow=workflow)
            report.created.append("workflow assigned to the ISI")
    return report


@transaction.atomic
def approve_unrecorded_system_content() -> list[str]:
    """Approval records for live content that was published by the seed loader (no user) before this
    app was installed. Content published by a person never gets an approval here: it must go through
    the MLR workflow. Returns the job codes recorded."""
    from besponsa.compliance import fingerprint, rules
    from besponsa.portal.models import SafetyInformation

    recorded: list[str] = []
    for model in rules.job_code_models():
        for page in model.objects.live().filter(compliance_approval__isnull=True).order_by("path"):
            revision = page.live_revision
            if revision is None or revision.user_id is not None:
                continue
            if rules.job_code_problem(page.job_code, page_id=page.pk) is None:
                rules.record_approval(page, revision, Approval.SYSTEM)
                recorded.append(page.job_code)
    # Approvals of loader-published pages recorded before approvals pinned their content: pin what the
    # approved revision shows now (seed content is reviewed with its data). A person's approval is never
    # pinned after the fact: that page stays withheld until it is approved again.
    for approval in Approval.objects.filter(
        page__isnull=False, fingerprint__isnull=True, source=Approval.SYSTEM, withdrawn_at__isnull=True
    ).select_related("revision"):
        revision = approval.revision
        if revision is None or revision.user_id is not None:
            continue
        assert approval.page is not None
        page = approval.page.specific
        if page.live_revision_id == revision.pk:
            approval.fingerprint = fingerprint.of_page(
                revision.as_object(), revision.pk, fingerprint.live_isi_revision()
            )
            approval.save(update_fields=["fingerprint", "recorded_at"])
            recorded.append(f"{approval.job_code} (pinned)")
    for isi in SafetyInformation.objects.filter(live=True, compliance_approval__isnull=True):
        revision = isi.live_revision
        if revision is None or revision.user_id is not None:
            continue
        if rules.job_code_problem(isi.job_code, isi_id=isi.pk) is None:
            rules.record_approval(isi, revision, Approval.SYSTEM)
            recorded.append(isi.job_code)
    return recorded
