"""HCP API tokens (issue 7) buy the clinical API's higher rate limit (issue 6); a bad token is a 401."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from besponsa.accounts.models import ApiToken
from besponsa.clinical.operations import EXAMPLES
from tests.accounts.conftest import make_hcp

pytestmark = pytest.mark.django_db


def issue_token(user: Any) -> str:
    _, raw = ApiToken.issue(user=user, name="pharmacy script")
    return raw


def call(client: Client, token: str | None = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.post(
        "/api/v1/clinical/bsa", json.dumps(EXAMPLES["bsa"]), content_type="application/json", **headers
    )


def test_a_verified_hcps_token_gets_its_own_higher_window(client: Client, settings: Any) -> None:
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    settings.API_TOKEN_RATE_LIMIT_PER_MINUTE = 5
    token = issue_token(make_hcp())
    assert [call(client).status_code for _ in range(3)] == [200, 200, 429]
    statuses = [call(client, token).status_code for _ in range(6)]
    assert statuses == [200, 200, 200, 200, 200, 429]
    assert "5 calls a minute with one API token" in call(client, token).json()["errors"][0]["message"]


@pytest.mark.parametrize("token", ["bsp_not-a-real-token", "", "Basic abc"])
def test_an_unusable_token_is_refused_with_401_naming_the_header(client: Client, token: str) -> None:
    response = call(client, token)
    assert response.status_code == 401
    assert response.json()["errors"][0]["field"] == "Authorization"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_token_of_an_unverified_account_is_refused(client: Client) -> None:
    token = issue_token(make_hcp(verified=False))
    assert call(client, token).status_code == 401
