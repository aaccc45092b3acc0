"""The fulfillment team works the print-order queue; its group comes from besponsa.accounts.roles."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from besponsa.accounts.roles import FULFILLMENT

FULFILLMENT_PERMISSIONS = (
    "view_order",
    "change_order",
    "view_supportreferral",
    "change_supportreferral",
    "view_registration",
)


def grant_fulfillment_permissions() -> None:
    group, _ = Group.objects.get_or_create(name=FULFILLMENT)
    permissions = Permission.objects.filter(
        content_type__app_label="services", codename__in=FULFILLMENT_PERMISSIONS
    )
    group.permissions.add(*permissions)


def _has(user: object, permission: str) -> bool:
    has_perm = getattr(user, "has_perm", None)
    return bool(has_perm and has_perm(permission))


def may_handle_referrals(user: object) -> bool:
    return _has(user, "services.change_supportreferral")


def may_fulfil(user: object) -> bool:
    return _has(user, "services.change_order")


def may_export_attendees(user: object) -> bool:
    return _has(user, "services.view_registration")
