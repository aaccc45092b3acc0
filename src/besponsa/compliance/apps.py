from __future__ import annotations

from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "besponsa.compliance"
    label = "compliance"
    verbose_name = "Compliance (MLR approval, job codes, expiry)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from besponsa.compliance import signals

        signals.connect()
        # After every migrate: the four groups, their permissions and the MLR workflow exist (idempotent).
        post_migrate.connect(signals.setup_after_migrate, dispatch_uid="compliance-setup")
