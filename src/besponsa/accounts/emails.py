"""The emails this app sends, and the signed links in them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

VERIFY_SALT = "besponsa.accounts.verify-email"


def verification_max_age() -> int:
    return int(getattr(settings, "EMAIL_VERIFICATION_MAX_AGE_SECONDS", 3 * 24 * 60 * 60))


def verification_token(user: Any) -> str:
    # The address is part of the signed value, so a link stops working if the address changes.
    signer = signing.TimestampSigner(salt=VERIFY_SALT)
    return signer.sign_object({"u": user.pk, "e": user.email.lower()}, compress=True)


def read_verification_token(token: str) -> dict[str, Any] | None:
    """The signed payload, or None if the link was altered or is older than the allowed age."""
    signer = signing.TimestampSigner(salt=VERIFY_SALT)
    try:
        payload: dict[str, Any] = signer.unsign_object(token, max_age=verification_max_age())
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None
    return payload


def send_verification(request: HttpRequest, user: Any) -> None:
    link = request.build_absolute_uri(reverse("accounts:verify-email", args=[verification_token(user)]))
    context = {"user": user, "link": link, "days": verification_max_age() // 86400}
    body = render_to_string("accounts/email/verify.txt", context)
    send_mail("Confirm your email address for BESPONSA HCP", body, None, [user.email])


CHANGE_SALT = "besponsa.accounts.change-email"


def change_email_token(user: Any, new_email: str) -> str:
    # Signed with the current address too, so the link stops working if the address changes first.
    signer = signing.TimestampSigner(salt=CHANGE_SALT)
    return signer.sign_object({"u": user.pk, "old": user.email.lower(), "new": new_email}, compress=True)


def read_change_email_token(token: str) -> dict[str, Any] | None:
    signer = signing.TimestampSigner(salt=CHANGE_SALT)
    try:
        payload: dict[str, Any] = signer.unsign_object(token, max_age=verification_max_age())
    except signing.BadSignature:
        return None
    return payload


def send_change_email(request: HttpRequest, user: Any, new_email: str) -> None:
    link = request.build_absolute_uri(
        reverse("accounts:email-confirm", args=[change_email_token(user, new_email)])
    )
    context = {"user": user, "link": link, "days": verification_max_age() // 86400}
    body = render_to_string("accounts/email/change_email.txt", context)
    send_mail("Confirm your new email address for BESPONSA HCP", body, None, [new_email])


def send_email_changed_notice(old_email: str) -> None:
    body = render_to_string("accounts/email/email_changed.txt", {})
    send_mail("The email address of your BESPONSA HCP account was changed", body, None, [old_email])


def send_already_registered(request: HttpRequest, email: str) -> None:
    """Someone tried to register an address that already has an account: tell its owner, not the visitor."""
    context = {"login": request.build_absolute_uri(reverse("accounts:login")),
               "reset": request.build_absolute_uri(reverse("accounts:password-reset"))}  # fmt: skip
    body = render_to_string("accounts/email/already_registered.txt", context)
    send_mail("An attempt to register your email address on BESPONSA HCP", body, None, [email])
