"""CMS hooks: withhold a material whose sources changed; the fulfillment queue and its menu item."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import Page

from besponsa.compliance.views import unavailable
from besponsa.services import staff
from besponsa.services.materials import material_problem
from besponsa.services.models import MaterialPage, VideoPage
from besponsa.services.roles import may_export_attendees, may_fulfil, may_handle_referrals


@hooks.register("before_serve_page")
def withhold_stale_material(
    page: Page, request: HttpRequest, serve_args: Any, serve_kwargs: Any
) -> HttpResponse | None:
    if isinstance(page, MaterialPage) and material_problem(page) is not None:
        return unavailable(request)
    return None


@hooks.register("before_serve_page")
def withhold_incomplete_video(
    page: Page, request: HttpRequest, serve_args: Any, serve_kwargs: Any
) -> HttpResponse | None:
    # However it was published (workflow, script), a video without captions or transcript is not shown.
    if isinstance(page, VideoPage) and page.publish_problem():
        return unavailable(request)
    return None


@hooks.register("before_publish_page")
def refuse_incomplete_video(request: HttpRequest, page: Page) -> HttpResponse | None:
    specific = page.specific if type(page) is Page else page
    if isinstance(specific, VideoPage) and (problem := specific.publish_problem()):
        messages.error(request, f"Saved as a draft but not published: {problem}.")
        return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    return None


@hooks.register("register_admin_urls")
def admin_urls() -> list[Any]:
    return [
        path("fulfillment/", staff.queue, name="services_fulfillment"),
        path("fulfillment/orders.csv", staff.export_csv, name="services_fulfillment_csv"),
        path("fulfillment/<int:pk>/status/", staff.set_status, name="services_fulfillment_status"),
        path("events/", staff.event_list, name="services_events"),
        path("events/<int:pk>/attendees.csv", staff.attendees_csv, name="services_attendees_csv"),
        path("referrals/", staff.referral_queue, name="services_referrals"),
        path("referrals/<int:pk>/status/", staff.set_referral_status, name="services_referral_status"),
    ]


class FulfillmentMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return may_fulfil(request.user)


@hooks.register("register_admin_menu_item")
def fulfillment_menu_item() -> MenuItem:
    return FulfillmentMenuItem(
        "Material orders", reverse("services_fulfillment"), icon_name="mail", order=900
    )


class ReferralMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return may_handle_referrals(request.user)


@hooks.register("register_admin_menu_item")
def referral_menu_item() -> MenuItem:
    return ReferralMenuItem(
        "Support call requests", reverse("services_referrals"), icon_name="user", order=901
    )


class EventsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return may_export_attendees(request.user)


@hooks.register("register_admin_menu_item")
def events_menu_item() -> MenuItem:
    return EventsMenuItem("Event attendees", reverse("services_events"), icon_name="date", order=902)
