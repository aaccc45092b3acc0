"""`manage.py check --deploy` names a missing or unusable intake key (the forms answer 503 without one)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Tags, register

from besponsa.intake import crypto


@register(Tags.security, deploy=True)
def encryption_key_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if crypto.available():
        return []
    return [
        Error(
            "INTAKE_ENCRYPTION_KEY is missing or not a Fernet key: adverse-event and Medical Information "
            "forms will refuse submissions (503).",
            hint="Generate one with cryptography.fernet.Fernet.generate_key() and set it in the environment.",
            id="intake.E001",
        )
    ]
