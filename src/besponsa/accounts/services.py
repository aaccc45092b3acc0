"""Account creation and email change: what the views ask for, kept out of the views.

Each function counts the email it may send against the visitor's limits first (accounts.throttle) and
answers the same way whether or not the address already has an account, so these requests cannot be
used to find out which addresses are registered. The request is passed only to build links in the
emails, to read the client address and to attribute the audit events.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from besponsa.accounts import audit, emails, throttle
from besponsa.accounts.access import hcp_profile
from besponsa.accounts.client import client_ip
from besponsa.accounts.models import AuditEvent, HcpProfile

User = get_user_model()


def register(request: HttpRequest, data: dict[str, Any], npi_method: str | None) -> throttle.Lock | None:
    """Creates an unverified HCP account from the registration form's cleaned data and sends its
    confirmation link; the lock instead when this visitor has asked for too many emails."""
    email = data["email"].strip()
    if (lock := throttle.email_request(email, client_ip(request))) is not None:
        return lock
    if User.objects.filter(email__iexact=email).exists():
        # Same answer as a new registration, and the same work: the password hasher (Argon2, the slow
        # step) runs here too, so timing does not tell either.
        make_password(data["password1"])
        emails.send_already_registered(request, email)
        return None
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=email.lower(),
                email=email,
                password=data["password1"],
                first_name=data["first_name"].strip(),
                last_name=data["last_name"].strip(),
            )
            HcpProfile.objects.create(
                user=user,
                profession=data["profession"],
                specialty=data["specialty"].strip(),
                npi=data["npi"],
                npi_checked_by=npi_method or "check-digit",
                license_state=data["license_state"],
                license_number=data["license_number"].strip(),
                terms_accepted_at=timezone.now(),
            )
            audit.record(AuditEvent.Kind.REGISTERED, user_id=user.pk, request=request)
    except IntegrityError:  # the same address registered concurrently
        emails.send_already_registered(request, email)
        return None
    emails.send_verification(request, user)
    return None


def request_email_change(request: HttpRequest, user: Any, new_email: str) -> throttle.Lock | None:
    """Sends a confirmation link to `new_email`; the account keeps its address until it is opened."""
    if (lock := throttle.email_request(new_email, client_ip(request))) is not None:
        return lock
    if User.objects.filter(email__iexact=new_email).exists():
        emails.send_already_registered(request, new_email)  # same answer: no address probing
    else:
        emails.send_change_email(request, user, new_email)
    return None


def confirm_email_change(request: HttpRequest, token: str) -> str | None:
    """Applies the change the link in `token` asks for and tells the old address; the new address,
    or None when the link is invalid, expired, already used, or the address was taken meanwhile."""
    payload = emails.read_change_email_token(token)
    user = User.objects.filter(pk=payload["u"]).first() if payload else None
    if payload is None or user is None or user.email.lower() != payload.get("old"):
        return None
    new_email = str(payload["new"])
    old_email = user.email
    try:
        with transaction.atomic():
            if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
                raise IntegrityError("address taken")
            fields = ["email"]
            if user.username == old_email.lower():
                user.username = new_email.lower()
                fields.append("username")
            user.email = new_email
            user.save(update_fields=fields)
            profile = hcp_profile(user)
            if profile is not None:
                profile.email_verified_at = timezone.now()  # the new address has just been proven
                profile.save(update_fields=["email_verified_at"])
            audit.record(AuditEvent.Kind.EMAIL_CHANGED, user_id=user.pk, request=request)
    except IntegrityError:
        return None
    emails.send_email_changed_notice(old_email)
    return new_email
