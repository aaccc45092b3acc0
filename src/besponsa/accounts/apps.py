"""HCP and staff accounts (/accounts/): registration, sign-in, roles, audit."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "besponsa.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from besponsa.accounts import audit, logredact, privilege

        audit.connect()
        privilege.connect()
        logredact.install()
        post_migrate.connect(_ensure_roles, dispatch_uid="accounts-ensure-roles")


def _ensure_roles(sender: AppConfig, **kwargs: Any) -> None:
    # post_migrate fires once per app; run after the last one so every permission row exists.
    from django.apps import apps

    last = list(apps.get_app_configs())[-1]
    if sender.label != last.label:
        return
    from besponsa.accounts.groups import ensure_roles

    ensure_roles(verbosity=int(kwargs.get("verbosity", 1)))
