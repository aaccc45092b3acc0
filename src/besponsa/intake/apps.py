from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IntakeConfig(AppConfig):
    """Adverse-event reports and Medical Information requests: intake, outbox, queues, E2B export."""

    name = "besponsa.intake"
    label = "intake"
    verbose_name = "Safety and Medical Information intake"

    def ready(self) -> None:
        from django.core.signals import setting_changed

        from besponsa.intake import checks  # noqa: F401 - registers the deploy check
        from besponsa.intake.crypto import reset_on_setting_change

        setting_changed.connect(reset_on_setting_change, dispatch_uid="intake-crypto-reset")
        post_migrate.connect(_ensure_groups, sender=self, dispatch_uid="intake-groups")


def _ensure_groups(sender: Any, **kwargs: Any) -> None:
    from besponsa.intake.groups import ensure_groups

    ensure_groups()
