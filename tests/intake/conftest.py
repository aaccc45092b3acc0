"""Helpers for the intake tests: a gated client, form posts with a valid signed token, staff personas."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from tests.accounts.conftest import make_hcp, make_staff, pass_gate

__all__ = ["COMPLETE_REPORT", "form_token", "make_hcp", "make_staff", "pass_gate", "post_form"]

COMPLETE_REPORT: dict[str, Any] = {
    "patient_initials": "J.D.",
    "patient_age": "34",
    "patient_age_unit": "years",
    "patient_sex": "female",
    "patient_weight": "62.5",
    "patient_weight_unit": "kg",
    "event_description": "Raised bilirubin and painful hepatomegaly two weeks after the second cycle.",
    "event_onset": "2026-10-20",
    "outcomes": ["hospitalization", "life_threatening"],
    "tests_labs": "Total bilirubin 3.4 mg/dL on 10/21.",
    "product_name": "BESPONSA (inotuzumab ozogamicin)",
    "dose": "0.5 mg/m2 IV days 1, 8, 15",
    "therapy_start": "2026-09-01",
    "lot_number": "LOT123",
    "dechallenge": "yes",
    "rechallenge": "not_applicable",
    "reporter_name": "Dr Rosalind Franklin",
    "reporter_profession": "physician",
    "reporter_email": "rfranklin@hospital.example",
    "reporter_phone": "555-0100",
    "reported_to_fda": "no",
}

QUESTION: dict[str, Any] = {
    "requester_name": "Dr Lise Meitner",
    "requester_profession": "pharmacist",
    "question": "Is there any experience with BESPONSA in patients over 80 on dialysis?",
    "preferred_channel": "email",
    "requester_email": "lmeitner@hospital.example",
}


@pytest.fixture(autouse=True)
def _intake_settings(settings: Any) -> Iterator[None]:
    settings.INTAKE_MIN_FILL_SECONDS = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.INTAKE_RETRY_SCALE = 0.0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seeded(seeded_site: None) -> None:
    """The seeded site (tests/conftest.py `seeded_site`)."""


@pytest.fixture
def gated(client: Client, db: Any) -> Client:
    return pass_gate(client)


TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def form_token(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    match = TOKEN.search(response.content.decode())
    assert match, "the form carries a signed token"
    return match.group(1)


def post_form(client: Client, path: str, data: dict[str, Any], token: str | None = None, **extra: Any) -> Any:
    body = {**data, "form_token": token or form_token(client, path)}
    return client.post(path, body, **extra)


def staff_client(role: str, email: str | None = None) -> Client:
    """A client signed in as a member of `role` who has passed two-factor sign-in this session."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = pass_gate(Client())
    user = make_staff(role, email)
    client.force_login(user, backend="besponsa.accounts.backends.EmailBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return client
