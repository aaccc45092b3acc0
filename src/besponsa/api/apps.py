from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "besponsa.api"
    label = "api"
    verbose_name = "JSON API"
