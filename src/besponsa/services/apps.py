"""Savings & Support features: materials, print orders and the fulfillment queue."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ServicesConfig(AppConfig):
    name = "besponsa.services"
    label = "services"
    verbose_name = "Savings & Support"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_grant_fulfillment, dispatch_uid="services-grant-fulfillment")


def _grant_fulfillment(sender: AppConfig, **kwargs: Any) -> None:
    # After the last app's post_migrate, so the group (accounts) and our permissions both exist.
    from django.apps import apps

    if sender.label != list(apps.get_app_configs())[-1].label:
        return
    from besponsa.services.roles import grant_fulfillment_permissions

    grant_fulfillment_permissions()
