"""Spam and flood resistance without a third-party CAPTCHA.

- A signed form token carries the moment the form was rendered and the submission key (the idempotency
  key of the report). A post faster than INTAKE_MIN_FILL_SECONDS or with a token older than a day or
  tampered with is refused (400) and the form is shown again with the entries kept and a fresh token.
- A honeypot field that people never see (hidden) but naive bots fill in.
- Rate limits counted from the stored cases themselves (durable, shared by every worker, no cache): per
  reporter (the signed-in account, else the email, else the name and phone, else the address) and a much
  higher ceiling per client address, so one hospital behind one address is not locked out by a colleague.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from besponsa.accounts.client import client_ip

_SALT = "besponsa.intake.form"
MAX_FORM_AGE_SECONDS = 24 * 3600
HONEYPOT_FIELD = "website"


def keyed_hash(*parts: str) -> str:
    message = "\x1f".join(part.strip().lower() for part in parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]


def new_token() -> str:
    return signing.dumps({"k": secrets.token_urlsafe(24), "t": time.time()}, salt=_SALT)


@dataclass(frozen=True)
class TokenCheck:
    submission_key: str | None
    problem: str | None  # the message shown when the post is refused


def check_token(token: str) -> TokenCheck:
    try:
        payload = signing.loads(token, salt=_SALT)
        key, started = str(payload["k"]), float(payload["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return TokenCheck(None, "This form could not be checked. Please submit it again.")
    elapsed = time.time() - started
    if elapsed > MAX_FORM_AGE_SECONDS:
        return TokenCheck(
            None, "This form was opened more than a day ago. Please check it and submit it again."
        )
    if elapsed < float(getattr(settings, "INTAKE_MIN_FILL_SECONDS", 3)):
        return TokenCheck(
            None,
            "This form was sent faster than a person can fill it in. Please wait a moment and submit again.",
        )
    return TokenCheck(key, None)


def client_key(request: HttpRequest) -> str:
    return keyed_hash("ip", client_ip(request) or "unknown")


def reporter_key(request: HttpRequest, email: str = "", name: str = "", phone: str = "") -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return keyed_hash("user", str(user.pk))
    if email.strip():
        return keyed_hash("email", email)
    if name.strip() or phone.strip():
        return keyed_hash("name-phone", name, phone)
    return keyed_hash("ip", client_ip(request) or "unknown")


@dataclass(frozen=True)
class Limit:
    message: str
    retry_after: int


def over_limit(model: type[Model], reporter: str, client: str) -> Limit | None:
    """A Limit if one more case from this reporter or address would exceed the hourly allowance."""
    since = timezone.now() - dt.timedelta(hours=1)
    recent: Any = model._default_manager.filter(received_at__gte=since)
    per_reporter = int(getattr(settings, "INTAKE_REPORTS_PER_REPORTER_PER_HOUR", 10))
    per_address = int(getattr(settings, "INTAKE_REPORTS_PER_ADDRESS_PER_HOUR", 60))
    checks = (
        (reporter, "reporter_key", per_reporter, "you"),
        (client, "client_key", per_address, "your network"),
    )
    for value, column, allowed, who in checks:
        rows = recent.filter(**{column: value})
        if rows.count() >= allowed:
            oldest = rows.order_by("received_at").values_list("received_at", flat=True).first()
            wait = 3600 if oldest is None else int((oldest - since).total_seconds()) + 1
            return Limit(
                f"We have received {allowed} submissions from {who} in the last hour, the most this form "
                "takes. Please try again later, or call us: the number is below.",
                max(1, wait),
            )
    return None
