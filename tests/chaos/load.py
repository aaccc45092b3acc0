"""Load for the fault-injection suite: threads that keep writing (through a registered write path) and
reading pages while faults are injected on a schedule, recording every answer with its time.

Write paths are a registry: each is one `WritePath` entry saying how to make one write over HTTP and
how to read back, from the database, which writes are complete and which are half-written. AE reports
and orders (other branches) are added as one entry each in `WRITE_PATHS`.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from tests.chaos.harness import Site
from tests.liveclient import LiveClient

CSRF_SECRET = secrets.token_hex(16)  # 32 characters: Django accepts the unmasked secret as the form token
PASSWORD = "lantern quietly orbits 7 figs"


@dataclass(frozen=True)
class WritePath:
    name: str
    # Makes write number n; returns (HTTP status, acknowledged to the user, the key the database will show).
    attempt: Callable[[Site, LiveClient, int], tuple[int, bool, str]]
    # Python for `manage.py shell` printing JSON {"stored": [keys complete], "half": [keys incomplete]}.
    readback: str


def _register(site: Site, client: LiveClient, n: int) -> tuple[int, bool, str]:
    email = f"chaos-{site.port}-{n}-{secrets.token_hex(3)}@example.org"
    data = {
        "csrfmiddlewaretoken": CSRF_SECRET, "first_name": "Chaos", "last_name": f"Tester {n}", "email": email,
        "profession": "physician", "specialty": "Hematology", "npi": "1234567893", "license_state": "CA",
        "license_number": f"C{n}", "password1": PASSWORD, "password2": PASSWORD, "accept_terms": "on",
    }  # fmt: skip
    answer = client.request(
        "POST",
        "/accounts/register/",
        urlencode(data).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    acked = answer.status == 302 and answer.headers.get("location", "").endswith("/accounts/register/done/")
    return answer.status, acked, email


REGISTRATION = WritePath(
    name="registration",
    attempt=_register,
    readback="""
import json
from django.contrib.auth.models import User
from besponsa.accounts.models import AuditEvent, HcpProfile
users = dict(User.objects.filter(email__startswith="chaos-").values_list("pk", "email"))
profiles = set(HcpProfile.objects.filter(user_id__in=users).values_list("user_id", flat=True))
audited = set(
    AuditEvent.objects.filter(kind="registered", user_id__in=users).values_list("user_id", flat=True)
)
complete = profiles & audited
print(json.dumps({"stored": [e for pk, e in users.items() if pk in complete],
                  "half": [e for pk, e in users.items() if pk not in complete]}))
""",
)

WRITE_PATHS = [REGISTRATION]


@dataclass
class Record:
    at: float
    kind: str  # "write" or "read"
    status: int | None  # None: the connection failed (reset, refused, timed out)
    key: str = ""
    acked: bool = False


@dataclass
class Run:
    started: float
    records: list[Record] = field(default_factory=list)
    marks: dict[str, float] = field(default_factory=dict)

    def between(self, start: str, end: str) -> list[Record]:
        return [r for r in self.records if self.marks[start] <= r.at < self.marks[end]]

    def acked_keys(self) -> set[str]:
        return {r.key for r in self.records if r.kind == "write" and r.acked}

    def recovery_seconds(self, mark: str) -> float | None:
        """Seconds from `mark` to the first acknowledged write and first good read after it (the later)."""
        after = [r for r in list(self.records) if r.at >= self.marks[mark]]
        write = next((r.at for r in sorted(after, key=lambda r: r.at) if r.kind == "write" and r.acked), None)
        read = next(
            (r.at for r in sorted(after, key=lambda r: r.at) if r.kind == "read" and r.status == 200), None
        )
        if write is None or read is None:
            return None
        return max(write, read) - self.marks[mark]


def client_for(site: Site, gate_cookie: str, n: int) -> LiveClient:
    # Each write comes from its own loopback address, so the per-client email limit does not interfere.
    address = f"127.{(n // 250) % 250 + 10}.{n % 250 + 1}.{(site.port % 200) + 2}"
    return LiveClient(
        site.base_url, address, timeout=15, cookies={"hcp_confirmed": gate_cookie, "csrftoken": CSRF_SECRET}
    )


def gate_cookie(site: Site) -> str:
    client = LiveClient(site.base_url).pass_gate()
    return client.cookies["hcp_confirmed"]


def run_load(
    site: Site,
    path: WritePath,
    seconds: float,
    schedule: list[tuple[float, str, Callable[[], None]]],
    threads: int = 4,
    read_path: str = "/isi/",
    recovery_wait: float = 90,
) -> Run:
    """Runs writers and readers for `seconds` while `schedule` ((offset, mark name, action)) fires."""
    cookie = gate_cookie(site)
    run = Run(started=time.monotonic())
    stop = threading.Event()
    counter = iter(range(10**9))
    lock = threading.Lock()

    def worker(index: int) -> None:
        while not stop.is_set():
            with lock:
                n = next(counter)
            client = client_for(site, cookie, n)
            if index % 2 == 0:
                status: int | None
                try:
                    status, acked, key = path.attempt(site, client, n)
                except OSError:
                    acked, key, status = False, "", None
                run.records.append(Record(time.monotonic(), "write", status, key, acked))
            else:
                try:
                    status = client.get(read_path).status
                except OSError:
                    status = None
                run.records.append(Record(time.monotonic(), "read", status))
                time.sleep(0.05)

    pool = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(threads)]
    for thread in pool:
        thread.start()
    for offset, mark, action in sorted(schedule, key=lambda item: item[0]):
        delay = run.started + offset - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        run.marks[mark] = time.monotonic()
        action()
    remaining = run.started + seconds - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)
    # Then keep the load on until the site has visibly recovered (or clearly has not): a respawned
    # gunicorn worker imports the whole site before it answers, which takes seconds on a busy machine.
    last_mark = max(run.marks, key=run.marks.__getitem__) if run.marks else None
    deadline = time.monotonic() + recovery_wait
    while last_mark is not None and run.recovery_seconds(last_mark) is None and time.monotonic() < deadline:
        time.sleep(0.25)
    stop.set()
    for thread in pool:
        thread.join(timeout=30)
    run.marks["end"] = time.monotonic()
    return run
