"""Shared fixtures.

- `site_server`: a real server process (Django's WSGI server over a fresh, migrated and seeded SQLite
  file) for browser tests and anything that must cross a real socket.
- `browser` / `page`: the system Chromium through Playwright; `hcp_page` has already passed the gate.
- `axe_violations(page)`: runs axe-core (installed from npm by `make test`) on the current page.
- `seeded_site` / `verified_site`: the test database holds the seeded site (`verified_site`: and Medical has
  verified the label facts the seeded pages show), built once per session and copied in per test
  (tests/dbstates.py). A test that must watch seeding itself calls `seed_content()` as before.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.dbstates import DatabaseStates, commits, snapshot_of, state_fixture_value

os.environ.setdefault("BESPONSA_ENV", "test")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[1]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SiteServer:
    def __init__(self, base_url: str, var_dir: Path, env: dict[str, str]) -> None:
        self.base_url = base_url
        self.var_dir = var_dir
        self.env = env
        self.gate_cookie: dict[str, Any] | None = None  # what answering the gate earned (confirm_hcp)

    def url(self, path: str) -> str:
        return self.base_url + path

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        return result.stdout


MEDICAL_REVIEWER_SHELL = (
    "from django.contrib.auth.models import Group, User; "
    "u, _ = User.objects.get_or_create(username='medical-reviewer', defaults={'email': 'mr@example.test'}); "
    "u.groups.add(Group.objects.get(name='Medical reviewers'))"
)


def medical_verifies_shown_facts() -> None:
    """What a Medical reviewer does after seeding: record that the unconfirmed label facts the seeded pages
    show (PI Table 4) read so in the label. Until then those pages are withheld (docs/compliance.md)."""
    from django.core.management import call_command

    exec(MEDICAL_REVIEWER_SHELL)  # noqa: S102 - a fixed statement, shared with the server fixture
    call_command("verify_facts", "--user", "medical-reviewer", "--label-version", "3/2024", "--all-shown")


def seed_site() -> None:
    from besponsa.portal.seed import seed_content

    seed_content()


def seed_and_verify_site() -> None:
    seed_site()
    medical_verifies_shown_facts()


_SESSION_STATES: list[tuple[DatabaseStates, Any]] = []  # this process's states and pytest-django's blocker


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any) -> DatabaseStates:
    """pytest-django's test database, and a copy of it as migrations left it (the base of every state)."""
    with django_db_blocker.unblock():
        states = DatabaseStates(tmp_path_factory.mktemp("db-states"), snapshot_of())
    _SESSION_STATES.append((states, django_db_blocker))
    return states


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests and files marked heavy first (stable order otherwise): parallel workers take whole
    files in collection order, and a long file taken last keeps one worker busy after the others end."""
    items.sort(key=lambda item: not (item.get_closest_marker("browser") or item.get_closest_marker("heavy")))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """After a transactional test has been torn down (Django has flushed the tables), the migrated
    database again for whatever test this worker runs next (DatabaseStates.reset)."""
    try:
        return (yield)
    finally:
        if commits(item) and _SESSION_STATES:
            states, blocker = _SESSION_STATES[0]
            with blocker.unblock():
                states.reset()


@pytest.fixture(scope="session")
def _seeded_state(django_db_setup: DatabaseStates, django_db_blocker: Any) -> DatabaseStates:
    with django_db_blocker.unblock():
        django_db_setup.build("seeded", seed_site)
    return django_db_setup


@pytest.fixture(scope="session")
def _verified_state(_seeded_state: DatabaseStates, django_db_blocker: Any) -> DatabaseStates:
    with django_db_blocker.unblock():  # seed_and_verify_site, from the seeded state: one seeding a run
        _seeded_state.build("verified", medical_verifies_shown_facts, base="seeded")
    return _seeded_state


@pytest.fixture
def seeded_site(request: pytest.FixtureRequest, _seeded_state: DatabaseStates, db: None) -> None:
    """The seeded site (content/), as `manage.py seed_content` leaves it."""
    state_fixture_value(request, _seeded_state, "seeded", seed_site)


@pytest.fixture
def verified_site(request: pytest.FixtureRequest, _verified_state: DatabaseStates, db: None) -> None:
    """The seeded site after Medical verified the label facts its pages show (what `make run` serves)."""
    state_fixture_value(request, _verified_state, "verified", seed_and_verify_site)


@pytest.fixture
def argon2_hashing(settings: Any) -> None:
    """The production password hashers (Argon2 first) for this test; the test profile hashes with MD5."""
    settings.PASSWORD_HASHERS = settings.STRONG_PASSWORD_HASHERS


def server_env(var_dir: Path) -> dict[str, str]:
    """The environment of a test server: production-like (DEBUG off) on its own SQLite file and var dir,
    emails written to files there, no Redis, and a report form's minimum fill time 1 s instead of 3 (a
    browser test waits it out before each post; the refusal itself is tested in tests/intake)."""
    env = {
        **os.environ,
        "BESPONSA_ENV": "development",
        "BESPONSA_VAR_DIR": str(var_dir),
        "DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
        "REQUEST_LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "file",
        "INTAKE_MIN_FILL_SECONDS": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("REDIS_URL", None)
    return env


@contextmanager
def running(server: SiteServer, port: int) -> Iterator[None]:
    """`manage.py runserver` for `server` until the block ends, once /healthz answers."""
    log = (server.var_dir / "server.log").open("wb")  # a file, not a pipe: a full pipe would stall it
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=server.env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(server.url("/healthz"), timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    err = (server.var_dir / "server.log").read_text(errors="replace")
                    raise RuntimeError(f"the test server did not start:\n{err}") from None
                time.sleep(0.2)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def site_server(_verified_state: DatabaseStates) -> Iterator[SiteServer]:
    var_dir = Path(tempfile.mkdtemp(prefix="besponsa-site-"))
    env = server_env(var_dir)
    port = _free_port()
    server = SiteServer(f"http://127.0.0.1:{port}", var_dir, env)
    # The session's verified site (built once, in process) as the server's database file; the same
    # commands by hand off SQLite.
    if not _verified_state.copy_to("verified", var_dir / "db.sqlite3"):
        server.manage("migrate", "--noinput", "-v0")
        server.manage("seed_content")
        server.manage("shell", "-c", MEDICAL_REVIEWER_SHELL)
        server.manage(
            "verify_facts", "--user", "medical-reviewer", "--label-version", "3/2024", "--all-shown"
        )
    with running(server, port):
        yield server
    shutil.rmtree(var_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package (run it as root).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    new_page = context.new_page()
    yield new_page
    context.close()


@pytest.fixture
def nojs_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    new_page = context.new_page()
    yield new_page
    context.close()


def confirm_hcp(page: Any, server: SiteServer) -> None:
    """Answer the gate the way a user does, through the no-JavaScript form, the first time for each
    server; after that, give the page's browser context the cookie that answer earned (two page loads
    fewer per test; the gate's own tests in tests/web walk it every time). The page is left where it
    was: callers go where they test next."""
    if server.gate_cookie is not None:
        page.context.add_cookies([server.gate_cookie])
        return
    page.goto(server.url("/hcp-confirm/?next=/"))
    page.locator(
        "[data-gate-dialog][open] button[value=yes], [data-gate-page] button[value=yes]"
    ).first.click()
    page.wait_for_url(server.url("/"))
    server.gate_cookie = next(c for c in page.context.cookies() if c["name"] == "hcp_confirmed")


@pytest.fixture
def hcp_page(page: Any, site_server: SiteServer) -> Any:
    confirm_hcp(page, site_server)
    return page


@pytest.fixture(scope="session")
def axe_violations() -> Callable[[Any], list[dict[str, Any]]]:
    if not AXE_JS.exists():
        pytest.fail("axe-core is missing: `make test` runs `npm ci` to install it.")

    source = AXE_JS.read_text(encoding="utf-8")

    def run(page: Any) -> list[dict[str, Any]]:
        # Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) still holds.
        page.evaluate(source)
        result: list[dict[str, Any]] = page.evaluate(
            """async () => {
                const r = await axe.run(document, {runOnly: {type: 'tag',
                    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
            }"""
        )
        return result

    return run


@pytest.fixture(scope="session", autouse=True)
def _private_var_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """This run's own VAR_DIR: the page cache's generation stamp and uploaded media live there, so two
    test runs on one machine (or two xdist workers) never invalidate each other's cached pages."""
    from django.test import override_settings

    from besponsa.portal import pagecache

    var_dir = tmp_path_factory.mktemp("var")
    with override_settings(VAR_DIR=var_dir, MEDIA_ROOT=var_dir / "media"):
        pagecache.reset()
        yield var_dir
    pagecache.reset()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Each test starts with an empty cache: the page cache and Wagtail's site-root cache outlive a
    test's database rollback otherwise."""
    yield
    from django.core.cache import caches

    from besponsa.portal import pagecache

    for store in caches.all():
        store.clear()
    pagecache.clear()
