from django.apps import AppConfig


class ToolsConfig(AppConfig):
    name = "besponsa.tools"
    label = "tools"
    verbose_name = "Clinical tools"
