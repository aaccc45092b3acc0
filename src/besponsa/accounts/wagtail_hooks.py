"""The audit log in the CMS: read-only, for administrators (accounts.view_auditevent)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from besponsa.accounts.models import AuditEvent

VIEW_PERMISSION = "accounts.view_auditevent"


def audit_log(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    events = AuditEvent.objects.all()
    kind = request.GET.get("kind", "")
    if kind in AuditEvent.Kind.values:
        events = events.filter(kind=kind)
    user_filter = request.GET.get("user", "").strip()
    if user_filter.isdigit():
        events = events.filter(user_id=int(user_filter))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    ids = {e.user_id for e in page} | {e.actor_id for e in page}
    emails = dict(get_user_model().objects.filter(pk__in=ids - {None}).values_list("pk", "email"))
    rows = [(event, emails.get(event.user_id or 0), emails.get(event.actor_id or 0)) for event in page]
    context: dict[str, Any] = {
        "page_obj": page,
        "rows": rows,
        "kinds": AuditEvent.Kind.choices,
        "kind": kind,
        "user_filter": user_filter if user_filter.isdigit() else "",
    }
    return render(request, "accounts/admin/audit_log.html", context)


@hooks.register("register_admin_urls")
def register_audit_url() -> list[Any]:
    return [path("audit-log/", audit_log, name="accounts_audit_log")]


class AuditMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm(VIEW_PERMISSION))


@hooks.register("register_settings_menu_item")
def register_audit_menu_item() -> MenuItem:
    return AuditMenuItem("Audit log", reverse("accounts_audit_log"), icon_name="list-ul", order=900)


# Publishing: only the MLR workflow publishes (issue 17 item 3) -------------------------------------------
#
# Wagtail lets anyone holding "publish" skip a workflow with the editor's Publish button, the bulk
# action or a scheduled go-live. Whatever permissions a group (or a superuser) holds, the ISI and every
# page go live only through Medical → Legal → Regulatory: the workflow's last approval publishes the
# revision itself (Revision.publish, which does not pass through these hooks), so every publish that
# *does* pass through them is a publish outside the workflow and is refused, and audited as refused.
# order=100: the compliance app's more specific refusals (a bad job code) run first and say why.

PUBLISH_REFUSED = (
    "Not published: content goes live only through the MLR review (Medical, then Legal, then "
    "Regulatory). Your changes are saved as a draft; choose “Submit to MLR review”."
)


def _refuse_publish(request: HttpRequest, what: str, back: str) -> HttpResponse:
    from django.contrib import messages
    from django.shortcuts import redirect

    from besponsa.accounts.audit import record

    record(AuditEvent.Kind.PUBLISH_REFUSED, user_id=request.user.pk, request=request, detail=what[:200])
    messages.error(request, PUBLISH_REFUSED)
    return redirect(back)


@hooks.register("before_publish_page", order=100)
def refuse_direct_page_publish(request: HttpRequest, page: Any) -> HttpResponse:
    return _refuse_publish(request, f"page {page.pk}", reverse("wagtailadmin_pages:edit", args=[page.pk]))


@hooks.register("before_publish", order=100)
def refuse_direct_snippet_publish(request: HttpRequest, instance: Any) -> HttpResponse | None:
    from wagtail.models import WorkflowMixin

    if not isinstance(instance, WorkflowMixin):  # only content under review (the ISI) is publishable by MLR
        return None
    meta = instance._meta
    back = reverse(f"wagtailsnippets_{meta.app_label}_{meta.model_name}:edit", args=[instance.pk])
    return _refuse_publish(request, f"{meta.model_name} {instance.pk}", back)


@hooks.register("before_bulk_action", order=100)
def refuse_bulk_publish(
    request: HttpRequest, action_type: str, objects: Any, action: Any
) -> HttpResponse | None:
    if action_type != "publish":
        return None
    return _refuse_publish(request, f"bulk publish of {len(list(objects))}", reverse("wagtailadmin_home"))
