"""Smaller guarantees the docs make: token lookup cost, client address behind proxies, idle sessions."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory

from besponsa.accounts.access import authenticate_api_token
from besponsa.accounts.client import client_ip
from besponsa.accounts.models import ApiToken

from .conftest import make_hcp, sign_in

pytestmark = pytest.mark.django_db


def test_token_lookup_is_one_query_and_last_used_is_written_at_most_once_a_minute(
    django_assert_num_queries: Any,
) -> None:
    token, raw = ApiToken.issue(make_hcp(), "t")
    with django_assert_num_queries(2):  # lookup + first last_used_at write
        assert authenticate_api_token(raw) is not None
    with django_assert_num_queries(1):
        assert authenticate_api_token(raw) is not None
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "10.0.0.5"),  # no trusted proxy: the header is ignored (it can be forged)
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "203.0.113.66, 198.51.100.1", "198.51.100.1"),  # the client cannot push its own entry
        (2, "203.0.113.66, 198.51.100.1", "203.0.113.66"),
        (2, "198.51.100.1", "10.0.0.5"),  # fewer hops than proxies: fall back to the socket address
    ],
)
def test_client_address_behind_trusted_proxies(
    settings: Any, proxies: int, forwarded: str, expected: str
) -> None:
    settings.ACCOUNTS_TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_every_request_pushes_the_idle_expiry_back(gated_client: Client, settings: Any) -> None:
    sign_in(gated_client, make_hcp())
    for _ in range(2):
        response = gated_client.get("/accounts/profile/")
        cookie = response.cookies["sessionid"]
        assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE
    assert gated_client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
