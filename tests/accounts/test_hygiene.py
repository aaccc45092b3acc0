"""Issue 17 item 6, the site part: registration timing, the leaving notice, password strength, names,
and the absolute session lifetime."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import timezone

from besponsa.accounts.middleware import SIGNED_IN_AT

from .conftest import make_hcp, registration_data, sign_in

pytestmark = pytest.mark.django_db

HASHES: list[str] = []


class CountingHasher(MD5PasswordHasher):
    """Stands for Argon2: each call is the expensive step whose presence decides the timing."""

    algorithm = "counting_md5"

    def encode(self, password: str, salt: str) -> str:
        HASHES.append(password)
        return super().encode(password, salt)


def test_registration_does_the_same_work_for_a_new_and_an_existing_address(
    gated_client: Client, settings: Any
) -> None:
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    make_hcp("taken@example.org")
    HASHES.clear()
    mail.outbox.clear()
    new = gated_client.post("/accounts/register/", registration_data(email="fresh@example.org"))
    new_hashes, new_mails = len(HASHES), len(mail.outbox)
    HASHES.clear()
    mail.outbox.clear()
    taken = gated_client.post("/accounts/register/", registration_data(email="taken@example.org"))
    assert new.status_code == taken.status_code == 302 and new["Location"] == taken["Location"]
    # The password hasher dominates the time of a registration: it must run for an existing address too.
    assert len(HASHES) == new_hashes >= 1
    assert len(mail.outbox) == new_mails == 1


@pytest.mark.parametrize(
    "url",
    ["https://[::1", "https://www.pfizer.com:99999/", "http://[/", "https://[v1.x]/path"],
)
def test_malformed_leaving_notice_urls_are_400_not_500(gated_client: Client, url: str) -> None:
    response = gated_client.get("/leaving/", {"to": url})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "password",
    ["aaaaaaaaaaaaaaaa", "Password2024!!", "qwertyuiop123456", "abcabcabcabcabc", "123412341234abcd"],
)
def test_weak_passwords_are_refused_at_registration(gated_client: Client, password: str) -> None:
    response = gated_client.post(
        "/accounts/register/", registration_data(password1=password, password2=password)
    )
    assert response.status_code == 400
    assert b"Password:" in response.content
    assert not User.objects.filter(email="grace@example.org").exists()


def test_a_long_unusual_passphrase_is_accepted(gated_client: Client) -> None:
    phrase = "lantern quietly orbits 7 figs"
    response = gated_client.post("/accounts/register/", registration_data(password1=phrase, password2=phrase))
    assert response.status_code == 302


@pytest.mark.parametrize("name", ["Grace\u202eeppoH", "Gr\x1bace", "Grace\u200b", "Gra\tce", "Gr\u2028ace"])
def test_names_refuse_control_and_invisible_characters(gated_client: Client, name: str) -> None:
    response = gated_client.post("/accounts/register/", registration_data(first_name=name))
    assert response.status_code == 400
    assert b"First name: use letters" in response.content
    user = make_hcp()
    sign_in(gated_client, user)
    data = {
        "first_name": "Ada", "last_name": name, "profession": "physician", "specialty": "Hematology",
        "npi": "1234567893", "license_state": "NY", "license_number": "1",
    }  # fmt: skip
    assert gated_client.post("/accounts/profile/", data).status_code == 400
    assert User.objects.get(pk=user.pk).last_name == "Lovelace"


def test_names_with_accents_apostrophes_and_hyphens_are_fine(gated_client: Client) -> None:
    response = gated_client.post(
        "/accounts/register/", registration_data(first_name="Zoë-Anne", last_name="O’Brien Núñez")
    )
    assert response.status_code == 302


def test_a_session_ends_after_its_absolute_lifetime_even_when_active(
    gated_client: Client, settings: Any
) -> None:
    user = make_hcp()
    sign_in(gated_client, user)
    assert gated_client.get("/accounts/profile/").status_code == 200
    session = gated_client.session
    started = timezone.now() - timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS + 5)
    session[SIGNED_IN_AT] = started.timestamp()
    session.save()
    response = gated_client.get("/accounts/profile/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in gated_client.session
