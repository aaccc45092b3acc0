"""API tokens: shown once, stored hashed, revocable, and resolved by authenticate_api_token()."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.test import Client

from besponsa.accounts.access import authenticate_api_token
from besponsa.accounts.models import ApiToken, AuditEvent, HcpProfile

from .conftest import make_hcp, sign_in

pytestmark = pytest.mark.django_db


def test_create_show_once_use_and_revoke(gated_client: Client) -> None:
    user = make_hcp()
    sign_in(gated_client, user)
    created = gated_client.post("/accounts/tokens/", {"name": "dose script"})
    assert created.status_code == 201
    raw = re.search(
        r"<code class=\"token-value\" data-token>(bsp_[A-Za-z0-9_-]+)</code>", created.content.decode()
    )
    assert raw, created.content
    token_text = raw.group(1)
    assert created["Cache-Control"].startswith("max-age=0") or "no-store" in created["Cache-Control"]

    stored = ApiToken.objects.get(user=user)
    assert stored.digest == hashlib.sha256(token_text.encode()).hexdigest()
    assert token_text not in {stored.hint, stored.digest, stored.name}
    assert authenticate_api_token(token_text) == user

    listing = gated_client.get("/accounts/tokens/")
    assert token_text not in listing.content.decode()  # never shown again
    assert b"dose script" in listing.content and stored.hint.encode() in listing.content

    revoked = gated_client.post(f"/accounts/tokens/{stored.pk}/revoke/")
    assert revoked.status_code == 302
    assert authenticate_api_token(token_text) is None
    assert {"token_created", "token_revoked"} <= set(AuditEvent.objects.values_list("kind", flat=True))


def test_tokens_of_unverified_or_deleted_accounts_do_not_authenticate() -> None:
    user = make_hcp()
    _, raw = ApiToken.issue(user, "t")
    assert authenticate_api_token(raw) == user
    HcpProfile.objects.filter(user=user).update(email_verified_at=None)
    assert authenticate_api_token(raw) is None
    HcpProfile.objects.filter(user=user).update(email_verified_at="2026-01-01T00:00:00Z")
    user.is_active = False
    user.save()
    assert authenticate_api_token(raw) is None
    user.delete()
    assert authenticate_api_token(raw) is None


@pytest.mark.parametrize("raw", [None, "", "bsp_", "bsp_" + "x" * 43, "Bearer bsp_abc", "x" * 500])
def test_garbage_tokens_are_refused(raw: str | None) -> None:
    assert authenticate_api_token(raw) is None


def test_one_hcp_cannot_revoke_another_hcps_token(gated_client: Client) -> None:
    owner = make_hcp("owner@example.org")
    token, raw = ApiToken.issue(owner, "mine")
    other = make_hcp("other@example.org")
    sign_in(gated_client, other)
    assert gated_client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert authenticate_api_token(raw) == owner


def test_at_most_five_active_tokens(gated_client: Client) -> None:
    user = make_hcp()
    sign_in(gated_client, user)
    for number in range(5):
        assert gated_client.post("/accounts/tokens/", {"name": f"t{number}"}).status_code == 201
    sixth = gated_client.post("/accounts/tokens/", {"name": "t6"})
    assert sixth.status_code == 400 and b"revoke one first" in sixth.content
    assert ApiToken.objects.filter(user=user).count() == 5


def test_a_nameless_token_is_refused_naming_the_field(gated_client: Client) -> None:
    sign_in(gated_client, make_hcp())
    response = gated_client.post("/accounts/tokens/", {"name": ""})
    assert response.status_code == 400 and b"Token name: this field is required." in response.content
    assert not ApiToken.objects.exists()
