"""A small site (ISI, home page, one content page, all approved by the loader) and the MLR cast."""

from __future__ import annotations

import datetime
import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.test import Client
from wagtail.models import Page, Site

from besponsa.compliance import setup
from besponsa.portal.models import ContentPage, HomePage, SafetyInformation, SiteContacts
from tests.conftest import SiteServer, _free_port, running, server_env
from tests.dbstates import DatabaseStates


@dataclass
class Cast:
    editor: User
    medical: User
    legal: User
    regulatory: User


@dataclass
class MiniSite:
    isi: SafetyInformation
    home: HomePage
    dosing: ContentPage


def make_user(username: str, *groups: str, superuser: bool = False) -> User:
    user = User.objects.create_user(
        username, email=f"{username}@example.test", password=None, first_name=username.title()
    )
    if superuser:
        user.is_superuser = user.is_staff = True
        user.save()
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def login(user: User) -> Client:
    """A CMS session that has passed the staff second factor (the accounts app asks for it on /cms/)."""
    client = Client()
    client.force_login(user)
    try:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice
    except ImportError:  # no second factor installed: nothing to pass
        return client
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def hcp_client() -> Client:
    client = Client()
    response = client.post("/hcp-confirm/", {"answer": "yes", "next": "/"})
    assert response.status_code == 302
    return client


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture
def cast(db: Any) -> Cast:
    return Cast(
        editor=make_user("edith", setup.CONTENT_EDITORS),
        medical=make_user("maria", setup.MEDICAL),
        legal=make_user("luis", setup.LEGAL),
        regulatory=make_user("rita", setup.REGULATORY),
    )


@pytest.fixture
def site(db: Any) -> MiniSite:
    """Published by code with no user, as the seed loader does: each gets an approval from today."""
    SiteContacts.objects.create(
        adverse_event_phone="1-800-438-1985",
        medical_information_phone="1-800-438-1985",
        medwatch_phone="1-800-332-1088",
        medwatch_url="https://www.fda.gov/medwatch",
        patient_site_url="https://www.example.com/",
        prescribing_information_url="https://www.example.com/pi",
        copyright_holder="Pfizer Inc.",
        copyright_year=2026,
    )
    isi = SafetyInformation.objects.create(
        job_code="PP-INO-USA-0658",
        boxed_warning_title="WARNING: HEPATOTOXICITY TEST TITLE",
        boxed_warning="<p>Boxed warning text for the test.</p>",
        tray_summary="Tray summary for the test.",
        indication="<p>Indication.</p>",
        warnings_and_precautions="<p>Warnings.</p>",
        adverse_reactions="<p>Adverse reactions.</p>",
        specific_populations="<p>Populations.</p>",
    )
    isi.save_revision().publish()
    root = Page.get_first_root_node()
    Page.objects.filter(depth=2).delete()
    root.refresh_from_db()
    home = HomePage(title="Home", slug="home", summary="Home summary.", job_code="PP-INO-USA-0641")
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    dosing = ContentPage(
        title="Dosing", slug="dosing", summary="How BESPONSA is dosed.", job_code="PP-INO-USA-0643"
    )
    home.add_child(instance=dosing)
    dosing.save_revision().publish()
    dosing.refresh_from_db()
    home.refresh_from_db()
    isi.refresh_from_db()
    return MiniSite(isi=isi, home=home, dosing=dosing)


def edit_form(page: ContentPage, **changes: str) -> dict[str, str]:
    """The POST data of the page editor for a ContentPage with an empty body."""
    data = {
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "job_code": page.job_code,
        "seo_title": "",
        "search_description": "",
        "body-count": "0",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def approve_in_editor(form: dict[str, str]) -> dict[str, str]:
    """The page or ISI editor's form with "Approve" chosen in its footer, as the browser posts it."""
    return {
        **form,
        "action-workflow-action": "true",
        "workflow-action-name": "approve",
        "workflow-action-extra-data": "{}",
    }


def days_from_today(days: int) -> datetime.date:
    from besponsa.compliance.models import site_today

    return site_today() + datetime.timedelta(days=days)


# --- a freshly installed site in a real server, for the browser tests of the MLR workflow -----------

CAST_SESSIONS = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group, User
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
out = {}
for username, group in %r:
    user = User.objects.create_user(username, email=f"{username}@example.test", first_name=username.title())
    user.groups.add(Group.objects.get(name=group))
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "besponsa.accounts.backends.EmailBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # the second factor, passed
    session.create()
    out[username] = session.session_key
from wagtail.models import Page
from besponsa.portal.models import SafetyInformation
pages = {p.url_path: p.pk for p in Page.objects.filter(depth__gte=3)}
print("SESSIONS", json.dumps({"sessions": out, "pages": pages, "isi": SafetyInformation.current().pk}))
"""
# Who walks the review: one person per group, as in `cast` above.
CAST = (
    ("edith", "Content editors"),
    ("maria", "Medical reviewers"),
    ("luis", "Legal reviewers"),
    ("rita", "Regulatory reviewers"),
)


@dataclass
class FreshSite:
    """A real server over a database that `migrate` and `seed_content` made from nothing, with no fact
    verified yet, and a signed-in CMS session (second factor passed) for each member of the cast."""

    server: SiteServer
    sessions: dict[str, str]
    page_ids: dict[str, int]  # by URL path, e.g. "/about/"
    isi_id: int

    def url(self, path: str) -> str:
        return str(self.server.url(path))

    def cms(self, browser: Any, username: str) -> Any:
        """A browser page signed in to the CMS as `username` (its own context: its own cookies)."""
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": "sessionid", "value": self.sessions[username], "url": self.url("/")}])
        return context.new_page()

    def mail_to(self, address: str) -> str:
        """Every email the server has sent to `address` (the file backend writes one file per connection)."""
        folder = self.server.var_dir / "mail"
        messages = []
        for path in sorted(folder.glob("*.log")) if folder.exists() else []:
            for message in path.read_text(encoding="utf-8").split("-" * 79):
                if f"To: {address}" in message:
                    messages.append(message)
        return "\n".join(messages)


@pytest.fixture(scope="module")
def fresh_site(_seeded_state: DatabaseStates) -> Iterator[FreshSite]:
    var_dir = Path(tempfile.mkdtemp(prefix="besponsa-fresh-"))
    port = _free_port()
    server = SiteServer(f"http://127.0.0.1:{port}", var_dir, server_env(var_dir))
    # The session's seeded state is what `migrate` and `seed_content` make from nothing (built once, in
    # process, tests/dbstates.py); the same commands by hand off SQLite.
    if not _seeded_state.copy_to("seeded", var_dir / "db.sqlite3"):
        server.manage("migrate", "--noinput", "-v0")
        server.manage("seed_content")
    out = server.manage("shell", "-c", CAST_SESSIONS % (CAST,))
    made = json.loads(out.split("SESSIONS ", 1)[1])
    page_ids = {path.removeprefix("/home"): pk for path, pk in made["pages"].items()}
    with running(server, port):
        yield FreshSite(server, made["sessions"], page_ids, made["isi"])
    shutil.rmtree(var_dir, ignore_errors=True)
