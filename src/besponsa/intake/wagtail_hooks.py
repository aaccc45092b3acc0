"""The intake queues in the CMS menu, shown to their group's members only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from besponsa.intake import groups, queue


@hooks.register("register_admin_urls")
def register_queue_urls() -> list[Any]:
    return [
        path("intake/safety/", queue.safety_list, name="intake_safety_list"),
        path("intake/safety/<int:pk>/", queue.safety_case, name="intake_safety_case"),
        path("intake/safety/<int:pk>/e2b.xml", queue.safety_export, name="intake_safety_export"),
        path("intake/medical-information/", queue.mi_list, name="intake_mi_list"),
        path("intake/medical-information/<int:pk>/", queue.mi_case, name="intake_mi_case"),
    ]


class GroupMenuItem(MenuItem):
    def __init__(self, group: str, *args: Any, **kwargs: Any) -> None:
        self.group = group
        super().__init__(*args, **kwargs)

    def is_shown(self, request: HttpRequest) -> bool:
        return groups.is_member(request.user, self.group)


@hooks.register("register_admin_menu_item")
def safety_menu_item() -> MenuItem:
    return GroupMenuItem(
        groups.SAFETY, "Safety queue", reverse("intake_safety_list"), icon_name="warning", order=250
    )


@hooks.register("register_admin_menu_item")
def mi_menu_item() -> MenuItem:
    return GroupMenuItem(
        groups.MEDICAL_INFORMATION,
        "Medical Information",
        reverse("intake_mi_list"),
        icon_name="help",
        order=260,
    )
