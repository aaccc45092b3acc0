"""A seeded site with the three generated materials, and the people who use them."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from besponsa.accounts import roles
from besponsa.services import materials
from besponsa.services.models import MaterialPage
from tests.accounts.conftest import make_hcp, make_staff, pass_gate
from tests.dbstates import DatabaseStates, state_fixture_value

__all__ = ["make_hcp", "make_staff", "pass_gate"]


@pytest.fixture(scope="session")
def media_dir() -> Iterator[Path]:
    # One folder for the session: PDFs are content-addressed, so each is rendered once, not per test.
    path = Path(tempfile.mkdtemp(prefix="besponsa-media-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(autouse=True)
def _media(settings: Any, media_dir: Path) -> None:
    settings.MEDIA_ROOT = media_dir


def make_materials() -> None:
    call_command("generate_materials", verbosity=0)


def seed_materials() -> None:
    call_command("seed_content", verbosity=0)
    make_materials()


@pytest.fixture(scope="session")
def _materials_state(
    _seeded_state: DatabaseStates, django_db_blocker: Any, media_dir: Path
) -> DatabaseStates:
    # Built once (tests/dbstates.py), from the seeded state (seed_materials without seeding again); the
    # PDFs land in the session's media folder that every test uses.
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_dir):
        _seeded_state.build("materials", make_materials, base="seeded")
    return _seeded_state


@pytest.fixture
def seeded(
    request: pytest.FixtureRequest, _materials_state: DatabaseStates, db: None
) -> dict[str, MaterialPage]:
    """The seeded site with the generated materials, as `make run` leaves it."""
    state_fixture_value(request, _materials_state, "materials", seed_materials)
    materials._fingerprint.cache_clear()
    return {m.generator: m for m in MaterialPage.objects.all()}


def client_for(role: str) -> Client:
    client = pass_gate(Client())
    if role == "anonymous":
        return client
    if role in {"unverified", "verified"}:
        user = make_hcp(f"{role}@example.org", verified=role == "verified")
        client.force_login(user, backend="besponsa.accounts.backends.EmailBackend")
        return client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_staff(role)
    client.force_login(user, backend="besponsa.accounts.backends.EmailBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return client


@pytest.fixture
def verified() -> Client:
    return client_for("verified")


@pytest.fixture
def fulfillment() -> Client:
    return client_for(roles.FULFILLMENT)


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "material.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def body(response: Any) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode()
    return str(response.content.decode())


@pytest.fixture(autouse=True)
def _commit_each_request(monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any) -> None:
    """Each test runs inside one transaction, so `on_commit` callbacks (the outbox) would never fire;
    run them when each request ends, as they would after the request's commit on a real server."""
    original = Client.request

    def request(self: Client, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return original(self, **kwargs)

    monkeypatch.setattr(Client, "request", request)
