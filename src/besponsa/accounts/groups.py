"""Creates the staff groups and gives each its permissions; safe to run any number of times."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from besponsa.accounts.roles import ROLE_PERMISSIONS


def ensure_roles(verbosity: int = 0) -> list[str]:
    """get_or_create each group (other apps may have created some) and add this app's permissions."""
    created = []
    for name, perms in ROLE_PERMISSIONS.items():
        group, was_created = Group.objects.get_or_create(name=name)
        if was_created:
            created.append(name)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                wanted.append(permission)
        group.permissions.add(*wanted)
    return created
