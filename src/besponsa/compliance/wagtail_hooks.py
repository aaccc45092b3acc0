"""Wagtail hooks: fail-closed serving, publish refusal, admin URLs and the report menu item."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, re_path, reverse
from wagtail import hooks
from wagtail.admin import messages as wagtail_messages
from wagtail.admin.menu import MenuItem
from wagtail.models import Page, TaskState
from wagtail.permission_policies.pages import PagePermissionPolicy

from besponsa.compliance import compare, rules, views


@hooks.register("before_serve_page")
def fail_closed(page: Page, request: HttpRequest, serve_args: Any, serve_kwargs: Any) -> HttpResponse | None:
    """A page without a job code, without an approval of its live revision, or past its expiry date
    is never shown: the neutral page (503, not cacheable) stands in for it. Decided once per page-cache
    generation and day (`rules.serving_problem_now`): a withdrawal or a lapse is seen on the next request."""
    if rules.serving_problem_now(page) is None:
        return None
    return views.unavailable(request)


def _refuse(request: HttpRequest, message: str, edit_url: str) -> HttpResponse:
    messages.error(request, message)
    return redirect(edit_url)


@hooks.register("before_publish_page")
def refuse_page_publish(request: HttpRequest, page: Page) -> HttpResponse | None:
    """Publishing from the editor: the draft is saved, but it is not published when it lacks a valid,
    unique job code, or when the page is under the MLR workflow (which publishes on the last approval)."""
    specific = page.specific if type(page) is Page else page
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    if hasattr(specific, "job_code"):
        problem = rules.job_code_problem(specific.job_code, page_id=page.pk)
        if problem:
            return _refuse(request, f"Saved as a draft but not published: {problem}.", edit_url)
    if specific.get_workflow() is not None:
        return _refuse(
            request,
            "Saved as a draft but not published: pages are published by the MLR review. "
            "Choose “Submit to MLR review”: the page goes live when Medical, Legal and Regulatory "
            "have approved it.",
            edit_url,
        )
    return None


@hooks.register("before_bulk_action")
def refuse_bulk_publish(
    request: HttpRequest, action_type: str, objects: Any, action: Any
) -> HttpResponse | None:
    """Bulk publishing would skip the review: pages under the workflow are published only by it."""
    if action_type != "publish" or not any(
        isinstance(obj, Page) and obj.get_workflow() is not None for obj in objects
    ):
        return None
    messages.error(
        request,
        "Not published: pages are published by the MLR review. Submit each page to MLR review instead.",
    )
    return redirect(action.next_url if getattr(action, "next_url", None) else reverse("wagtailadmin_home"))


@hooks.register("before_publish")
def refuse_isi_publish(request: HttpRequest, instance: Any) -> HttpResponse | None:
    from besponsa.portal.models import SafetyInformation

    if not isinstance(instance, SafetyInformation):
        return None
    problem = rules.job_code_problem(instance.job_code, isi_id=instance.pk)
    if problem:
        edit_url = reverse("wagtailsnippets_portal_safetyinformation:edit", args=[instance.pk])
        return _refuse(request, f"Saved as a draft but not published: {problem}.", edit_url)
    return None


TASK_STATE_ACTED_ON = "compliance_task_state_acted_on"


@hooks.register("before_edit_page")
@hooks.register("before_edit_snippet")
def remember_the_step_acted_on(request: HttpRequest, obj: Any) -> None:
    """A review action from the editor moves the workflow on: keep which step it acted on, so that
    `after_review_action` can tell a refused approval from one that went through."""
    if request.method == "POST" and request.POST.get("workflow-action-name"):
        task_state = getattr(obj, "current_workflow_task_state", None)
        setattr(request, TASK_STATE_ACTED_ON, task_state.pk if task_state is not None else None)


def _may_browse(user: Any, obj: Any) -> bool:
    """Whether `user` may open the listing the editor returns to (the page tree, the ISI listing)."""
    if isinstance(obj, Page):
        return PagePermissionPolicy().explorable_root_instance(user) is not None
    policy = getattr(getattr(type(obj), "snippet_viewset", None), "permission_policy", None)
    return bool(policy and policy.user_has_any_permission(user, ["add", "change", "delete", "view"]))


@hooks.register("after_edit_page")
@hooks.register("after_edit_snippet")
def after_review_action(request: HttpRequest, obj: Any) -> HttpResponse | None:
    """Approving from inside the editor goes through the same rule; say why it did not happen. A
    reviewer who may not open the listing goes back to their review queue, not to a refusal."""
    action = request.POST.get("workflow-action-name") if request.method == "POST" else None
    if not action or not hasattr(obj, "workflow_states"):
        return None
    acted_on = getattr(request, TASK_STATE_ACTED_ON, None)
    task_state = TaskState.objects.filter(pk=acted_on).first() if acted_on is not None else None
    if action == "approve" and task_state is not None and task_state.status == TaskState.STATUS_IN_PROGRESS:
        reason = rules.approval_refusal(task_state, request.user)
        if reason:
            messages.error(request, f"Not approved. {reason}")
    if not _may_browse(request.user, obj) and not request.GET.get("next"):
        return redirect("wagtailadmin_home")
    return None


@hooks.register("before_edit_page")
def say_why_withheld(request: HttpRequest, page: Page) -> None:
    """Opening a page in the editor: if visitors get the neutral page instead, say why; a reviewer gets
    links to compare what they review with the live version and the previous revision."""
    if request.method != "GET":
        return
    specific = page.specific
    # The editor opens the latest draft; visitors get the live page: judge that one.
    live = Page.objects.get(pk=page.pk).specific if page.live else None
    problem = rules.serving_problem(live) if live is not None else None
    if problem:
        messages.warning(request, f"Withheld from visitors: {problem}.")
    claims_url = reverse("compliance_claims", args=[page.pk])
    if compare.is_reviewer(request.user) and specific.current_workflow_state is not None:
        buttons = [wagtail_messages.button(url, label) for label, url in compare.links(specific)]
        buttons.append(wagtail_messages.button(claims_url, "Claims and references"))
        wagtail_messages.info(
            request, "Under MLR review: see what changed and what it claims.", buttons=buttons
        )
    elif hasattr(specific, "job_code"):
        wagtail_messages.info(
            request,
            "Sources, status and working notes of what this page shows:",
            buttons=[wagtail_messages.button(claims_url, "Claims and references")],
        )


@hooks.register("before_edit_snippet")
def isi_compare_links(request: HttpRequest, instance: Any) -> None:
    from besponsa.portal.models import SafetyInformation

    if request.method != "GET" or not isinstance(instance, SafetyInformation):
        return
    if compare.is_reviewer(request.user) and instance.current_workflow_state is not None:
        buttons = [wagtail_messages.button(url, label) for label, url in compare.links(instance)]
        if buttons:
            wagtail_messages.info(request, "Under MLR review: see what changed.", buttons=buttons)


@hooks.register("register_admin_urls")
def admin_urls() -> list[Any]:
    return [
        path("compliance/expiring/", views.expiring_report, name="compliance_expiring"),
        path("compliance/history.csv", views.history_csv, name="compliance_history_csv"),
        path("compliance/approvals/", views.approvals, name="compliance_approvals"),
        path("compliance/claims/<int:page_id>/", views.claims_panel, name="compliance_claims"),
        re_path(
            r"^compliance/compare/page/(?P<pk>\d+)/(?P<revision_id_a>live|earliest|\d+)\.\.\.(?P<revision_id_b>live|latest|\d+)/$",
            compare.page_compare,
            name="compliance_compare_page",
        ),
        re_path(
            r"^compliance/compare/isi/(?P<pk>\d+)/(?P<revision_id_a>live|earliest|\d+)\.\.\.(?P<revision_id_b>live|latest|\d+)/$",
            compare.isi_compare,
            name="compliance_compare_isi",
        ),
        path("compliance/approvals/<int:approval_id>/", views.approval_detail, name="compliance_approval"),
        path(
            "compliance/refused/<int:task_state_id>/",
            views.approval_refused,
            name="compliance_approval_refused",
        ),
    ]


@hooks.register("register_reports_menu_item")
def expiring_menu_item() -> MenuItem:
    return MenuItem("Expiring approvals", reverse("compliance_expiring"), icon_name="date", order=50)


@hooks.register("register_reports_menu_item")
def approvals_menu_item() -> MenuItem:
    return MenuItem("Approvals", reverse("compliance_approvals"), icon_name="tick", order=49)
