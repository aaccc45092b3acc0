"""Personas and helpers for the accounts tests: HCPs (verified or not) and staff in each role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from besponsa.accounts.models import HcpProfile

PASSWORD = "correct horse battery staple 42"
VALID_NPI = "1234567893"  # the CMS worked example of the NPI check digit


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # Throttle counters and cached pages live in the process-wide cache; every test starts clean.
    cache.clear()
    yield
    cache.clear()


def pass_gate(client: Client) -> Client:
    response = client.post("/hcp-confirm/", {"answer": "yes", "next": "/"})
    assert response.status_code == 302
    return client


@pytest.fixture
def gated_client(client: Client) -> Client:
    return pass_gate(client)


def make_hcp(email: str = "ada@example.org", *, verified: bool = True, first_name: str = "Ada") -> User:
    user = User.objects.create_user(
        username=email, email=email, password=PASSWORD, first_name=first_name, last_name="Lovelace"
    )
    HcpProfile.objects.create(
        user=user,
        profession="physician",
        specialty="Hematology",
        npi=VALID_NPI,
        npi_checked_by="check-digit",
        license_state="NY",
        license_number="123456",
        terms_accepted_at=timezone.now(),
        email_verified_at=timezone.now() if verified else None,
    )
    return user


def make_staff(role: str, email: str | None = None, *, device: bool = True) -> User:
    email = email or role.lower().replace(" ", "-") + "@staff.example.org"
    user = User.objects.create_user(
        username=email, email=email, password=PASSWORD, first_name=role.split()[0]
    )
    user.groups.add(Group.objects.get(name=role))
    if device:
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client: Client, user: User) -> None:
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]


def pass_two_factor(client: Client, user: User) -> None:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    response = client.post("/accounts/2fa/", {"code": current_code(device), "next": "/cms/"})
    assert response.status_code == 302, response.content[:500]


def registration_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "first_name": "Grace",
        "last_name": "Hopper",
        "email": "grace@example.org",
        "profession": "physician",
        "specialty": "Hematology/oncology",
        "npi": VALID_NPI,
        "license_state": "CA",
        "license_number": "A123456",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accept_terms": "on",
    }
    data.update(overrides)
    return data
