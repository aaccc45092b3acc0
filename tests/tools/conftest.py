from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def hcp(client: Client, db: None) -> Client:
    """A test client that has answered the HCP gate's question with yes."""
    response = client.post("/hcp-confirm/", {"answer": "yes", "next": "/tools/"})
    assert response.status_code in (302, 303)
    return client
