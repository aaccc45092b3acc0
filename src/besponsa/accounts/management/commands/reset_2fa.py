"""Removes a staff member's TOTP devices so they enrol a new one at their next CMS visit."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from besponsa.accounts import audit
from besponsa.accounts.models import AuditEvent


class Command(BaseCommand):
    help = "Remove the two-factor devices of the account with this email address (lost phone)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> str:
        user = get_user_model().objects.filter(email__iexact=options["email"]).first()
        if user is None:
            raise CommandError(f"No account has the email address {options['email']!r}.")
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        audit.record(AuditEvent.Kind.TWO_FACTOR_RESET, user_id=user.pk, detail="by management command")
        return f"Removed {removed} device(s); the account enrols a new one at its next visit to /cms/."
