"""Health data at rest: Fernet (AES-128-CBC + HMAC-SHA256) from the `cryptography` package.

The keys come from settings.INTAKE_ENCRYPTION_KEYS (the INTAKE_ENCRYPTION_KEY environment variable in
production; a per-checkout key under var/ elsewhere). Without a key nothing is stored or read: the caller
gets EncryptionUnavailable and the public forms answer 503 with the phone line instead (fail closed).
"""

from __future__ import annotations

import functools
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


class EncryptionUnavailable(RuntimeError):
    """No usable key: health data cannot be stored or read."""


@functools.cache
def _fernet() -> MultiFernet:
    keys = list(getattr(settings, "INTAKE_ENCRYPTION_KEYS", []) or [])
    if not keys:
        raise EncryptionUnavailable("INTAKE_ENCRYPTION_KEY is not set")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        # The message of cryptography's error could echo part of the key: name the variable only.
        raise EncryptionUnavailable("INTAKE_ENCRYPTION_KEY holds a value that is not a Fernet key") from None


def reset_on_setting_change(*, setting: str, **kwargs: Any) -> None:
    """Connected to setting_changed in IntakeConfig.ready: a test that swaps the keys gets new ones."""
    if setting == "INTAKE_ENCRYPTION_KEYS":
        _fernet.cache_clear()


def available() -> bool:
    try:
        _fernet()
    except EncryptionUnavailable:
        return False
    return True


def encrypt(value: dict[str, Any]) -> str:
    return _fernet().encrypt(json.dumps(value, sort_keys=True).encode()).decode()


def decrypt(token: str) -> dict[str, Any]:
    try:
        data = json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken:
        raise EncryptionUnavailable("a stored record cannot be decrypted with the configured keys") from None
    if not isinstance(data, dict):
        raise EncryptionUnavailable("a stored record is not an object")
    return data


class EncryptedJSONField(models.Field):  # type: ignore[type-arg]
    """A dict stored as one Fernet token. Not searchable or filterable, by design."""

    description = "Encrypted JSON object"
    # What django-stubs reads as the field's Python types (set / get).
    _pyi_private_set_type: dict[str, Any]
    _pyi_private_get_type: dict[str, Any]

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> dict[str, Any] | None:
        return None if value is None else decrypt(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            return decrypt(value)
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):  # already a token (a queryset update passing through)
            return value
        return encrypt(dict(value))
