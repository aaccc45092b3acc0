"""The page cache across real worker processes: gunicorn with 2 workers, the default set-up (SQLite, no
Redis) and Redis, withdrawals (in the CMS, by a script, by lapse) seen by both workers on their very next
request, Redis and database outages answered without a crash and recovered from without a restart.

One gunicorn per deployment serves the module's tests of that deployment (the default set-up, Redis):
starting one costs seconds, and each test changes a page of its own, so none sees another's change.
Redis is a throwaway `redis-server` on a free loopback port with no persistence; the machine's own
Redis is never touched. Which worker answered is read from gunicorn's access log (the process id), so
"both workers" is checked, not assumed.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.dbstates import DatabaseStates
from tests.liveclient import LiveClient

pytestmark = pytest.mark.heavy

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
GATE = "/hcp-confirm/"
ACCESS_FORMAT = "%(p)s %(U)s %(s)s %({x-page-cache}o)s"

needs_redis = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Site:
    base: str
    env: dict[str, str]
    var_dir: Path
    access_log: Path
    cookie: str = ""

    def get(self, path: str) -> Answer:
        request = urllib.request.Request(self.base + path, headers={"Cookie": self.cookie})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return Answer(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read())

    def burst(self, path: str, n: int = 16) -> list[Answer]:
        """n requests at once, so that both (single-threaded) workers take some."""
        with ThreadPoolExecutor(max_workers=8) as pool:
            return list(pool.map(lambda _: self.get(path), range(n)))

    def log_lines(self) -> list[list[str]]:
        return [line.split() for line in self.access_log.read_text().splitlines() if line.strip()]

    def shell(self, code: str) -> None:
        _manage(self.env, "shell", "-c", code)


@pytest.fixture(scope="module")
def seeded_database(_seeded_state: DatabaseStates) -> Iterator[Path]:
    """One migrated, seeded SQLite file (the session's seeded state); each test serves a copy of it."""
    folder = Path(tempfile.mkdtemp(prefix="besponsa-workers-db-"))
    if not _seeded_state.copy_to("seeded", folder / "db.sqlite3"):
        env = _env(folder)
        _manage(env, "migrate", "--noinput", "-v0")
        _manage(env, "seed_content")
    yield folder / "db.sqlite3"
    shutil.rmtree(folder, ignore_errors=True)


def _env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "BESPONSA_ENV": "development",
        "DEBUG": "false",
        "BESPONSA_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
        "REQUEST_LOG_LEVEL": "WARNING",
        "PAGE_CACHE_BREAKER_SECONDS": "1",
        "PAGE_CACHE_REDIS_TIMEOUT_MS": "200",
        **extra,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if "REDIS_URL" not in extra:
        env.pop("REDIS_URL", None)
    return env


@contextmanager
def redis_server() -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = _free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    try:
        yield process, f"redis://127.0.0.1:{port}/0"
    finally:
        process.send_signal(signal.SIGCONT)
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def gunicorn(database: Path, *options: str, **extra: str) -> Iterator[Site]:
    """gunicorn with 2 workers on a copy of `database`. No control socket: it would be the same file
    (~/.gunicorn/gunicorn.ctl) for every gunicorn on the machine."""
    var_dir = Path(tempfile.mkdtemp(prefix="besponsa-workers-"))
    shutil.copy(database, var_dir / "db.sqlite3")
    env = _env(var_dir, **extra)
    port = _free_port()
    access_log = var_dir / "access.log"
    errors = (var_dir / "error.log").open("wb")
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            ACCESS_FORMAT,
            "--no-control-socket",
            *options,
            "besponsa.project.wsgi:application",
        ],
        env={**env, "GUNICORN_CMD_ARGS": ""},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=errors,
        start_new_session=True,  # its own process group: the master and its workers are stopped at once
    )
    site = Site(f"http://127.0.0.1:{port}", env, var_dir, access_log)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(site.base + "/robots.txt", timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((var_dir / "error.log").read_text()) from None
                time.sleep(0.2)
        site.cookie = _pass_gate(site)
        yield site
    finally:
        # Killed, not stopped gracefully: a worker's orderly exit is seconds of interpreter teardown,
        # and nothing here is written at exit (the access log is written per request).
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        errors.close()
        shutil.rmtree(var_dir, ignore_errors=True)


def _pass_gate(site: Site) -> str:
    """The gate's signed cookie, as a browser earns it (the same one serves every worker)."""
    import re

    with urllib.request.urlopen(site.base + GATE + "?next=/") as response:
        html = response.read().decode()
        csrf = re.search(r"csrftoken=([^;]+)", response.headers.get("Set-Cookie", ""))
    assert csrf is not None
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token is not None
    request = urllib.request.Request(
        site.base + GATE,
        data=f"csrfmiddlewaretoken={token.group(1)}&answer=yes&next=/".encode(),
        headers={"Cookie": f"csrftoken={csrf.group(1)}"},
    )

    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    try:
        urllib.request.build_opener(Stay).open(request)
    except urllib.error.HTTPError as redirect:
        cookies = redirect.headers.get_all("Set-Cookie") or []
    gate = next(c.split(";", 1)[0] for c in cookies if c.startswith("hcp_confirmed="))
    return gate


def warm_both_workers(site: Site, path: str) -> set[str]:
    """Requests `path` until both workers have answered it from the cache; returns their pids."""
    for _ in range(30):
        site.burst(path)
        hits = {pid for pid, url, status, cache in site.log_lines() if url == path and cache == "hit"}
        if len(hits) >= 2:
            return hits
    raise AssertionError(f"both workers never served {path} from the cache: {site.log_lines()[-20:]}")


def answers_after(site: Site, mark: int, path: str) -> dict[str, set[str]]:
    """pid -> the statuses it answered for `path` after log line `mark`."""
    seen: dict[str, set[str]] = {}
    for pid, url, status, _cache in site.log_lines()[mark:]:
        if url == path:
            seen.setdefault(pid, set()).add(status)
    return seen


def unpublish(url_path: str) -> str:
    return f"from wagtail.models import Page; Page.objects.get(url_path={url_path!r}).specific.unpublish()"


def lapse(url_path: str) -> str:
    """Shortening an approval so that it has lapsed (a CMS edit of the expiry date does the same)."""
    return (
        "import datetime; from besponsa.compliance.models import Approval, site_today; "
        f"a = Approval.objects.get(page__url_path={url_path!r}); "
        "a.approved_on = site_today() - datetime.timedelta(days=30); a.expires_on = site_today(); a.save()"
    )


# An editor's CMS session (second factor passed), and the approval of /about/.
EDITOR_SESSION = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group, User
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from besponsa.compliance.models import Approval
user = User.objects.create_user("workers-editor", email="we@example.test")
user.groups.add(Group.objects.get(name="Content editors"))
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "besponsa.accounts.backends.EmailBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
session[DEVICE_ID_SESSION_KEY] = device.persistent_id
session.create()
print("SESSION", session.session_key, Approval.objects.get(page__url_path=URL_PATH).pk)
"""


def _withdraw_in_the_cms(site: Site, url_path: str) -> None:
    """What an editor does in CMS → Reports → Approvals; one of the two workers takes the POST."""
    code = f"URL_PATH = {url_path!r}\n" + EDITOR_SESSION
    session_key, approval_id = _manage(site.env, "shell", "-c", code).split("SESSION ", 1)[1].split()
    editor = LiveClient(site.base, cookies={"sessionid": session_key})
    answer = editor.post_form(
        f"/cms/compliance/approvals/{approval_id}/",
        {"action": "withdraw", "withdraw-reason": "Superseded by the new label"},
    )
    assert answer.status == 302, answer.body[-2000:]


def settled_mark(site: Site) -> int:
    """The access log's length once the warm-up's last lines are written: gunicorn logs a request after
    its answer has gone, so a line counted too early would read as an answer after the change."""
    counts = [len(site.log_lines())]
    while len(counts) < 3 or len(set(counts[-3:])) > 1:
        time.sleep(0.1)
        counts.append(len(site.log_lines()))
    return counts[-1]


def _withdrawn_on_every_worker(site: Site, path: str, change: str, expected: str) -> None:
    """Withdraw the page at `path` (`change`: "cms", "unpublish" or "lapse") once both workers serve it
    from their cache; then every answer either worker gives for it is `expected`."""
    url_path = "/home" + path
    pids = warm_both_workers(site, path)
    mark = settled_mark(site)
    if change == "cms":
        _withdraw_in_the_cms(site, url_path)
    else:  # another process, as a cron job or a script would be
        site.shell(unpublish(url_path) if change == "unpublish" else lapse(url_path))
    for _ in range(10):  # a warm worker can take a whole burst: until both have answered
        for answer in site.burst(path, 24):
            assert answer.status == int(expected), answer.status
            assert "X-Page-Cache" not in answer.headers
        seen = answers_after(site, mark, path)
        if pids <= set(seen):
            break
    assert pids <= set(seen), f"a worker answered nothing after the change: {seen}"
    assert all(statuses == {expected} for statuses in seen.values()), seen


@pytest.fixture(scope="module")
def default_site(seeded_database: Path) -> Iterator[Site]:
    """The default settings (SQLite, no Redis, a local-memory cache in each worker)."""
    with gunicorn(seeded_database) as site:
        yield site


@pytest.fixture(scope="module")
def redis_site(seeded_database: Path) -> Iterator[tuple[subprocess.Popen[bytes], Site]]:
    """The Redis set-up: the Redis process (an outage test stops and resumes it) and the site."""
    with redis_server() as (redis, url), gunicorn(seeded_database, REDIS_URL=url) as site:
        yield redis, site


# Each test withdraws a page no other test on the same server touches.
@pytest.mark.parametrize(
    ("change", "path", "expected"),
    [("cms", "/about/", "503"), ("unpublish", "/indication/", "404"), ("lapse", "/nccn/", "503")],
    ids=["withdrawn-in-the-cms", "unpublish", "lapse"],
)
def test_default_setup_every_worker_stops_serving_a_withdrawn_page_at_once(
    default_site: Site, change: str, path: str, expected: str
) -> None:
    """The default settings: after the change, the very next request each worker answers for the page
    is the withheld answer."""
    _withdrawn_on_every_worker(default_site, path, change, expected)


# Withdrawing the approval of a page outside the CMS (the tools index), as the CMS does.
SURFACE_WITHDRAWN = (
    "from django.utils import timezone; from besponsa.compliance.models import Approval; "
    "a = Approval.objects.get(surface='tools-index'); a.withdrawn_at = timezone.now(); "
    "a.withdrawal_reason = 'Superseded'; a.save()"
)


def test_default_setup_every_worker_withholds_a_tool_page_once_its_approval_is_withdrawn(
    seeded_database: Path,
) -> None:
    """Each worker keeps the standing of the surface approvals for the generation (surfaces.current):
    the withdrawal's bump reaches both at once."""
    with gunicorn(seeded_database) as site:
        for _ in range(30):
            site.burst("/tools/")
            pids = {
                pid for pid, url, status, _cache in site.log_lines() if url == "/tools/" and status == "200"
            }
            if len(pids) >= 2:
                break
        assert len(pids) >= 2, site.log_lines()[-20:]
        mark = settled_mark(site)
        site.shell(SURFACE_WITHDRAWN)
        assert {answer.status for answer in site.burst("/tools/", 24)} == {503}
        seen = answers_after(site, mark, "/tools/")
        assert pids <= set(seen) and all(statuses == {"503"} for statuses in seen.values()), seen


@needs_redis
@pytest.mark.parametrize(
    ("change", "path", "expected"),
    [("unpublish", "/indication/", "404"), ("lapse", "/nccn/", "503")],
    ids=["unpublish", "lapse"],
)
def test_redis_setup_every_worker_stops_serving_a_withdrawn_page_at_once(
    redis_site: tuple[subprocess.Popen[bytes], Site], change: str, path: str, expected: str
) -> None:
    _withdrawn_on_every_worker(redis_site[1], path, change, expected)


@needs_redis
def test_redis_outage_pages_static_health_and_api_keep_answering_and_recover(
    redis_site: tuple[subprocess.Popen[bytes], Site],
) -> None:
    redis, site = redis_site
    warm_both_workers(site, "/about/")
    warm_both_workers(site, "/")
    redis.send_signal(signal.SIGSTOP)  # unreachable: connections hang until the socket timeout
    try:
        for answer in site.burst("/", 8):
            assert answer.status == 200 and answer.headers.get("X-Page-Cache") is None
        # A withdrawal while Redis is away: it cannot bump the generation there.
        site.shell(unpublish("/home/about/"))
        for path, status in [
            ("/about/", 404),
            ("/static/portal/css/site.css", 200),
            ("/api/v1/openapi.json", 200),
        ]:
            assert {a.status for a in site.burst(path, 8)} == {status}, path
        import json

        health = [json.loads(a.body) for a in site.burst("/healthz", 8)]
        assert all(h["status"] == "ok" and h["cache"] == "degraded" for h in health), health
    finally:
        redis.send_signal(signal.SIGCONT)
    time.sleep(1.5)  # the breaker's period: then each worker tries Redis again
    mark = settled_mark(site)
    # Redis still holds the old generation and the old copy of /about/: neither is served.
    assert {a.status for a in site.burst("/about/", 16)} == {404}
    assert all(s == {"404"} for s in answers_after(site, mark, "/about/").values())
    warm_both_workers(site, "/")  # caching again, without a restart
    assert all(a.status == 200 for a in site.burst("/healthz", 4))
    assert all('"cache": "ok"' in a.body.decode() for a in site.burst("/healthz", 4))


def test_database_outage_error_pages_carry_the_headers_and_health_says_503(seeded_database: Path) -> None:
    with gunicorn(seeded_database, DATABASE_CONN_MAX_AGE="0") as site:
        assert site.get("/about/").status == 200
        database = site.var_dir / "db.sqlite3"
        database.rename(site.var_dir / "db.away")
        database.mkdir()  # the database file cannot be opened: every query fails
        try:
            for answer in site.burst("/efficacy/adult/", 8):
                assert answer.status == 500
                assert b"Something went wrong on our side" in answer.body
                assert "default-src 'self'" in answer.headers["Content-Security-Policy"]
                assert answer.headers["X-Frame-Options"] == "DENY"
                assert answer.headers["X-Content-Type-Options"] == "nosniff"
            assert {a.status for a in site.burst("/healthz", 8)} == {503}
            assert {a.status for a in site.burst("/static/portal/css/site.css", 4)} == {200}
        finally:
            database.rmdir()
            (site.var_dir / "db.away").rename(database)
        assert {a.status for a in site.burst("/healthz", 8)} == {200}
        assert {a.status for a in site.burst("/efficacy/adult/", 8)} == {200}


def test_workers_started_with_the_project_config_serve_their_first_request_warm(
    seeded_database: Path,
) -> None:
    """gunicorn -c python:besponsa.project.gunicorn: each worker renders every page before it takes
    traffic, so the very first request any worker answers for a page comes from its cache."""
    with gunicorn(seeded_database, "-c", "python:besponsa.project.gunicorn") as site:
        workers: set[str] = set()
        for _ in range(60):  # a worker takes requests only once it is warm: until both have answered
            answers = site.burst("/efficacy/adult/", 8)
            assert all(a.status == 200 and a.headers.get("X-Page-Cache") == "hit" for a in answers)
            workers = {pid for pid, url, _s, _c in site.log_lines() if url == "/efficacy/adult/"}
            if len(workers) == 2:
                break
            time.sleep(0.5)
        assert len(workers) == 2


@needs_redis
def test_with_redis_one_render_of_a_page_runs_at_a_time_across_workers() -> None:
    """Single-flight: the render lock is shared by every process, short-lived, and released."""
    from besponsa.portal import pagecache

    with redis_server() as (_redis, url):
        first, second = (
            pagecache.RedisStore(url, timeout=0.2, breaker_seconds=1, lock_seconds=0.3) for _ in range(2)
        )
        assert first.begin_render("host/efficacy/adult/")
        assert not second.begin_render("host/efficacy/adult/")
        assert second.begin_render("host/dosing/")  # other pages are not held up
        first.end_render("host/efficacy/adult/")
        assert second.begin_render("host/efficacy/adult/")
        time.sleep(0.4)  # a holder that died: its lock lapses on its own
        assert first.begin_render("host/efficacy/adult/")
        first.close()
        second.close()
