"""Creates the staff groups and gives each its permissions; safe to run any number of times."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission

from besponsa.accounts.roles import ROLE_PERMISSIONS


def ensure_group(name: str, permissions: Iterable[str]) -> tuple[Group, bool]:
    """get_or_create the group (other apps may have created it) and add those of its permissions
    (`app_label.codename`) that exist; True when the group is new. The one way every app makes groups."""
    group, created = Group.objects.get_or_create(name=name)
    wanted = []
    for dotted in permissions:
        app_label, codename = dotted.split(".")
        permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission is not None:
            wanted.append(permission)
    group.permissions.add(*wanted)
    return group, created


def ensure_roles(verbosity: int = 0) -> list[str]:
    """Each role's group with this app's permissions; the names of the groups created."""
    created = []
    for name, perms in ROLE_PERMISSIONS.items():
        if ensure_group(name, perms)[1]:
            created.append(name)
    return created
