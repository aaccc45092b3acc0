from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def seeded(verified_site: None) -> None:
    """The seeded site, its shown label facts verified by Medical (tests/conftest.py `verified_site`)."""


@pytest.fixture
def hcp_client(client: Client, seeded: None) -> Client:
    response = client.post("/hcp-confirm/", {"answer": "yes", "next": "/"})
    assert response.status_code == 302
    return client
