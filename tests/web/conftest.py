from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from tests.conftest import medical_verifies_shown_facts

from besponsa.portal.seed import seed_content


@pytest.fixture
def seeded(db: Any) -> None:
    seed_content()
    medical_verifies_shown_facts()


@pytest.fixture
def hcp_client(client: Client, seeded: None) -> Client:
    response = client.post("/hcp-confirm/", {"answer": "yes", "next": "/"})
    assert response.status_code == 302
    return client
