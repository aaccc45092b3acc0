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
