"""Durability: the server is killed with SIGKILL at random moments while reports are being posted.

Afterwards every case number a reporter was shown exists whole (its row, its decryptable data holding what
was sent, its notification), and no row exists without its notification or with unreadable data. A second
server over the same SQLite file as `site_server` is started and killed in rounds; the whole test keeps
under a minute.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any

from cryptography.fernet import Fernet

from tests.conftest import ROOT, SiteServer, _free_port

ROUNDS = 4
CLIENTS = 4
CASE = re.compile(rb"data-case-number>(AE-\d{8}-[0-9A-Z]{6})<")
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN = re.compile(rb'name="form_token" value="([^"]+)"')


def _start(env: dict[str, str], port: int, log: Any) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server under test did not start")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the gate's redirect to the home page is not needed (and is slow to render)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the gate's redirect to the home page is not needed (and is slow to render)


class Reporter(threading.Thread):
    """Posts reports in a loop until the server goes away; remembers what it was acknowledged."""

    def __init__(self, base: str, acknowledged: list[tuple[str, str]], stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.base, self.acknowledged, self.stop = base, acknowledged, stop
        self.interrupted_posts = 0
        jar = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(jar, _NoRedirect())

    def _get(self, path: str) -> bytes:
        with self.opener.open(self.base + path, timeout=5) as response:
            return bytes(response.read())

    def _post(self, path: str, fields: dict[str, str]) -> bytes:
        body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=5) as response:
                return bytes(response.read())
        except urllib.error.HTTPError as error:
            if error.code == 302:
                return b""
            raise
        except OSError:
            self.interrupted_posts += 1  # the kill landed while this post was in flight
            raise

    def run(self) -> None:
        try:
            csrf = CSRF.search(self._get("/hcp-confirm/?next=/"))
            assert csrf
            self._post(
                "/hcp-confirm/", {"csrfmiddlewaretoken": csrf.group(1).decode(), "answer": "yes", "next": "/"}
            )
            while not self.stop.is_set():
                form = self._get("/report-adverse-event/")
                csrf, token = CSRF.search(form), TOKEN.search(form)
                assert csrf and token
                marker = f"kill-test {uuid.uuid4()}"
                fields = {
                    "csrfmiddlewaretoken": csrf.group(1).decode(),
                    "form_token": token.group(1).decode(),
                    "event_description": marker,
                    "patient_initials": "KT",
                    "product_name": "BESPONSA",
                    "reporter_email": f"{uuid.uuid4().hex[:8]}@kill.example",
                    "outcomes": "hospitalization",
                }
                case = CASE.search(self._post("/report-adverse-event/", fields))
                if case:
                    self.acknowledged.append((case.group(1).decode(), marker))
        except (OSError, AssertionError, ConnectionError):
            return  # the server was killed: whatever was not acknowledged is not owed


def test_no_acknowledged_report_is_lost_and_none_is_half_written(site_server: SiteServer) -> None:
    started = time.monotonic()
    env = {**site_server.env, "INTAKE_MIN_FILL_SECONDS": "0", "INTAKE_REPORTS_PER_ADDRESS_PER_HOUR": "100000",
           "INTAKE_REPORTS_PER_REPORTER_PER_HOUR": "100000", "TASKS_OUTBOX_BACKEND": "database"}  # fmt: skip
    port = _free_port()
    acknowledged: list[tuple[str, str]] = []
    interrupted = 0
    rng = random.Random(13)
    log_path = site_server.var_dir / "kill-server.log"
    with log_path.open("ab") as log:
        for _round in range(ROUNDS):
            process = _start(env, port, log)
            stop = threading.Event()
            reporters = [Reporter(f"http://127.0.0.1:{port}", acknowledged, stop) for _ in range(CLIENTS)]
            for reporter in reporters:
                reporter.start()
            # Once posts are flowing (the first acknowledgment of the round), kill at a random moment.
            before = len(acknowledged)
            deadline = time.monotonic() + 10
            while len(acknowledged) == before and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 1.0))
            os.kill(process.pid, signal.SIGKILL)  # mid-request, most of the time
            process.wait(timeout=10)
            stop.set()
            for reporter in reporters:
                reporter.join(timeout=10)
                interrupted += reporter.interrupted_posts
    assert len(acknowledged) >= ROUNDS, "the reporters got some acknowledgments before each kill"
    assert interrupted >= 1, "at least one kill landed while a report was being posted"

    key = (site_server.var_dir / "intake_key").read_text().strip()
    fernet = Fernet(key)
    database = sqlite3.connect(site_server.var_dir / "db.sqlite3")
    assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    rows = {
        number: (token, serious)
        for number, token, serious in database.execute(
            "SELECT case_number, data, serious FROM intake_adverseeventreport"
        )
    }
    notified = {number for (number,) in database.execute("SELECT case_number FROM intake_notification")}
    for number, marker in acknowledged:
        assert number in rows, f"acknowledged case {number} is missing"
        data = json.loads(fernet.decrypt(rows[number][0].encode()))
        assert data["event_description"] == marker and rows[number][1] == 1
    for number, (token, _serious) in rows.items():
        assert number in notified, f"case {number} has no notification"
        json.loads(fernet.decrypt(token.encode()))  # every stored row is whole and readable
    assert "kill-test" not in log_path.read_text(errors="replace")  # nothing clinical in the server's log
    elapsed = time.monotonic() - started
    summary = (
        f"{len(acknowledged)} acknowledged, {len(rows)} stored, {interrupted} posts cut, {elapsed:.0f} s"
    )
    sys.stdout.write(f"kill test: {summary}\n")  # shown with pytest -s
    assert elapsed < 60
