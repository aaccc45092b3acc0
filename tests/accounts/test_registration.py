"""Registration, email verification and what an unverified account can and cannot do."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client, override_settings

from besponsa.accounts.emails import verification_token
from besponsa.accounts.models import AuditEvent, HcpProfile

from .conftest import PASSWORD, make_hcp, registration_data, sign_in

pytestmark = pytest.mark.django_db


def _link(message_body: str) -> str:
    match = re.search(r"http://testserver(/accounts/verify/[^\s]+/)", message_body)
    assert match, message_body
    return match.group(1)


def test_a_new_hcp_registers_verifies_the_email_and_signs_in(
    gated_client: Client, argon2_hashing: None
) -> None:
    response = gated_client.post("/accounts/register/", registration_data())
    assert response.status_code == 302 and response["Location"] == "/accounts/register/done/"
    user = User.objects.get(email="grace@example.org")
    profile = HcpProfile.objects.get(user=user)
    assert (profile.npi, profile.license_state, profile.profession) == ("1234567893", "CA", "physician")
    assert not profile.is_verified
    assert user.password.startswith("argon2$")

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["grace@example.org"]
    page = gated_client.get(_link(mail.outbox[0].body))
    assert page.status_code == 200 and b"Email address confirmed" in page.content
    profile.refresh_from_db()
    assert profile.is_verified

    sign_in(gated_client, user)
    profile_page = gated_client.get("/accounts/profile/")
    assert b"Grace" in profile_page.content and b"Create or revoke API tokens" in profile_page.content
    kinds = set(AuditEvent.objects.filter(user_id=user.pk).values_list("kind", flat=True))
    assert {"registered", "email_verified", "sign_in"} <= kinds


def test_a_wrong_npi_check_digit_is_refused_naming_the_field(gated_client: Client) -> None:
    response = gated_client.post("/accounts/register/", registration_data(npi="1234567890"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "NPI: this number fails the NPI check-digit test" in html
    assert 'href="#id_npi"' in html  # the error summary links to the field
    assert 'aria-describedby="id_npi-hint id_npi-error"' in html and 'aria-invalid="true"' in html
    assert not User.objects.exists() and not mail.outbox


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "", "First name: this field is required."),
        ("email", "not-an-address", "Email address: enter an address like name@example.org."),
        ("profession", "astronaut", "Profession: choose one from the list."),
        ("npi", "12345", "NPI: enter exactly 10 digits."),
        ("license_state", "ZZ", "State of license: choose one from the list."),
        ("license_number", "<script>", "License number: use letters, digits"),
        ("password2", "something else entirely 99", "Password again: the two passwords do not match."),
        ("password1", "short", "Password: "),
        ("accept_terms", "", "Terms: tick the box to confirm and accept the terms."),
    ],
)
def test_each_bad_field_gets_a_message_naming_it(
    gated_client: Client, field: str, value: str, message: str
) -> None:
    data = registration_data(**{field: value})
    if field == "password1":
        data["password2"] = value
    response = gated_client.post("/accounts/register/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.exists()


def test_a_password_like_the_email_address_is_refused(gated_client: Client) -> None:
    data = registration_data(password1="grace@example.org", password2="grace@example.org")
    response = gated_client.post("/accounts/register/", data)
    assert response.status_code == 400 and b"Password: The password is too similar" in response.content


def test_registering_a_taken_address_looks_the_same_but_mails_the_owner(gated_client: Client) -> None:
    make_hcp("grace@example.org")
    response = gated_client.post("/accounts/register/", registration_data(email="GRACE@example.org"))
    assert response.status_code == 302 and response["Location"] == "/accounts/register/done/"
    assert User.objects.filter(email__iexact="grace@example.org").count() == 1
    assert len(mail.outbox) == 1 and "already has an account" in mail.outbox[0].body


def test_the_registry_verifier_can_refuse_an_npi(gated_client: Client) -> None:
    with override_settings(ACCOUNTS_NPI_VERIFIER="tests.accounts.test_npi.RefusingRegistry"):
        response = gated_client.post("/accounts/register/", registration_data())
    assert response.status_code == 400 and "the registry lists no Hopper" in response.content.decode()
    assert not User.objects.exists()


def test_an_expired_or_altered_link_does_not_verify(gated_client: Client) -> None:
    user = make_hcp(verified=False)
    token = verification_token(user)
    altered = gated_client.get(f"/accounts/verify/{token[:-2]}xx/")
    assert altered.status_code == 400 and b"This link does not work" in altered.content
    with override_settings(EMAIL_VERIFICATION_MAX_AGE_SECONDS=-1):
        expired = gated_client.get(f"/accounts/verify/{token}/")
    assert expired.status_code == 400
    user.email = "new@example.org"
    user.save()
    changed = gated_client.get(f"/accounts/verify/{token}/")
    assert changed.status_code == 400
    assert not HcpProfile.objects.get(user=user).is_verified


def test_an_unverified_account_signs_in_but_hcp_only_features_explain_why_not(gated_client: Client) -> None:
    user = make_hcp(verified=False)
    sign_in(gated_client, user)
    profile = gated_client.get("/accounts/profile/")
    assert b"Confirm your email address" in profile.content
    tokens = gated_client.get("/accounts/tokens/")
    assert tokens.status_code == 403 and b"Confirm your email address first" in tokens.content
    resend = gated_client.post("/accounts/verify/resend/")
    assert resend.status_code == 302 and len(mail.outbox) == 1
    gated_client.get(_link(mail.outbox[0].body))
    assert gated_client.get("/accounts/tokens/").status_code == 200


def test_registration_page_is_gated_and_answers_get(client: Client, gated_client: Client) -> None:
    assert Client().get("/accounts/register/").status_code == 302  # the HCP question first
    page = gated_client.get("/accounts/register/")
    assert page.status_code == 200 and b"NPI (National Provider Identifier)" in page.content
    assert PASSWORD not in page.content.decode()
