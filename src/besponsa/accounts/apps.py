from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "besponsa.accounts"
    label = "accounts"
    verbose_name = "Accounts"
