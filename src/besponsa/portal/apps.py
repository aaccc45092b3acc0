from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "besponsa.portal"
    label = "portal"
    verbose_name = "HCP site"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from besponsa.portal import signals

        signals.connect()
