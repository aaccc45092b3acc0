"""The header's Sign in / name + Log out, and why it does not break the page cache."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from .conftest import make_hcp, pass_gate, sign_in

pytestmark = pytest.mark.django_db


def test_cached_pages_say_sign_in_and_signed_in_visitors_get_a_fresh_page_with_their_name(
    seeded_site: None,
) -> None:
    anonymous = pass_gate(Client())
    first = anonymous.get("/")
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    assert b'href="/accounts/login/">Sign in</a>' in first.content
    assert anonymous.get("/")["X-Page-Cache"] == "hit"

    member = pass_gate(Client())
    sign_in(member, make_hcp(first_name="Rosalind"))
    page = member.get("/")
    assert page.status_code == 200 and "X-Page-Cache" not in page
    html = page.content.decode()
    assert ">Rosalind</a>" in html and 'action="/accounts/logout/"' in html and "csrfmiddlewaretoken" in html
    assert ">Sign in</a>" not in html

    again = anonymous.get("/")
    assert again["X-Page-Cache"] == "hit"
    assert b"Rosalind" not in again.content and b"Log out" not in again.content

    member.post("/accounts/logout/")
    assert b"Rosalind" not in member.get("/").content


def test_passwords_are_argon2_and_sessions_end_after_idle_time(argon2_hashing: None) -> None:
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert settings.SESSION_SAVE_EVERY_REQUEST is True  # the expiry restarts on each request: an idle timeout
    assert settings.SESSION_COOKIE_AGE == 30 * 60  # SESSION_IDLE_SECONDS, default 30 minutes
    assert settings.SESSION_COOKIE_HTTPONLY
