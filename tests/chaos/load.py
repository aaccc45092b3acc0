"""Load for the fault-injection suite: threads that keep writing (through a registered write path) and
reading pages while faults are injected on a schedule, recording every answer with its time.

Write paths are a registry: each is one `WritePath` entry saying how to make one write over HTTP and
how to read back, from the database, which writes are complete and which are half-written. Every write
the site accepts is an entry: registration, the adverse-event report and the Medical Information
request (intake), the print order, the event registration and the support referral (services), and
the Medical step of the MLR review (the CMS). Signed-in paths use sessions made beforehand by
`fixtures.py` (one JSON document per site, in `Site.fixtures`).
"""

from __future__ import annotations

import http.client
import queue
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from tests.chaos.harness import Site
from tests.liveclient import LiveClient

# A request that got no whole answer: refused, reset, or cut mid-body when a worker is killed while it sends
# (http.client.IncompleteRead is not an OSError). It counts as a failed request, never as an answer.
CUT = (OSError, http.client.HTTPException)

CSRF_SECRET = secrets.token_hex(16)  # 32 characters: Django accepts the unmasked secret as the form token
PASSWORD = "lantern quietly orbits 7 figs"


@dataclass(frozen=True)
class WritePath:
    name: str
    # Makes write number n; returns (HTTP status, acknowledged to the user, the key the database will show).
    attempt: Callable[[Site, LiveClient, int], tuple[int, bool, str]]
    # Python for `manage.py shell` printing JSON {"stored": [keys complete], "half": [keys incomplete]}.
    readback: str
    # The fixture pool each write uses up (a session registered once, a page approved once), if any.
    pool: str | None = None


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


def _post(client: LiveClient, path: str, data: dict[str, Any]) -> Any:
    body = urlencode({"csrfmiddlewaretoken": CSRF_SECRET, **data}, doseq=True).encode()
    return client.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})


# Intake: the form's one-use token comes from the form page; the answer shows the case number.
FORM_TOKEN = re.compile(rb'name="form_token" value="([^"]+)"')
CASE_NUMBER = re.compile(rb"data-case-number>([A-Z]{2}-\d{8}-[0-9A-Z]{6})<")


def _intake(path: str, fields: Callable[[str], dict[str, str]]) -> Callable[..., tuple[int, bool, str]]:
    def attempt(site: Site, client: LiveClient, n: int) -> tuple[int, bool, str]:
        token = FORM_TOKEN.search(client.get(path).body)
        if token is None:
            return 0, False, ""
        marker = f"chaos {uuid.uuid4()}"
        answer = _post(client, path, {"form_token": token.group(1).decode(), **fields(marker)})
        case = CASE_NUMBER.search(answer.body) if answer.status == 200 else None
        # The key holds what was sent, so the read-back proves the stored record holds it too.
        return answer.status, case is not None, f"{case.group(1).decode()}|{marker}" if case else ""

    return attempt


def _intake_readback(model: str, field_name: str) -> str:
    """Complete: the case's data decrypts and its outbox row (Notification) exists; else half-written."""
    return f"""
import json
from besponsa.intake.models import {model}, Notification
notified = set(Notification.objects.values_list("case_number", flat=True))
stored, half = [], []
for number in {model}.objects.values_list("case_number", flat=True):
    try:  # the data is decrypted as it is read: a torn or unreadable row raises here
        data = {model}.objects.filter(case_number=number).values_list("data", flat=True).get()
    except Exception:
        half.append(number + "|unreadable")
        continue
    key = number + "|" + str(data.get("{field_name}", ""))
    (stored if number in notified else half).append(key)
print(json.dumps({{"stored": stored, "half": half}}))
"""


AE_REPORT = WritePath(
    name="adverse-event report",
    attempt=_intake(
        "/report-adverse-event/",
        lambda marker: {
            "event_description": marker,
            "patient_initials": "KT",
            "product_name": "BESPONSA",
            "reporter_email": f"{uuid.uuid4().hex[:8]}@chaos.example",
            "outcomes": "hospitalization",
        },
    ),
    readback=_intake_readback("AdverseEventReport", "event_description"),
)

MEDICAL_INFORMATION = WritePath(
    name="medical-information request",
    attempt=_intake(
        "/contact/medical-information/",
        lambda marker: {
            "question": marker,
            "requester_name": "Chaos Tester",
            "requester_profession": "physician",
            "preferred_channel": "email",
            "requester_email": f"{uuid.uuid4().hex[:8]}@chaos.example",
        },
    ),
    readback=_intake_readback("MedicalInquiry", "question"),
)


# Signed-in paths: sessions made by fixtures.py, handed to one writer at a time (a cart lives in its
# session); a session used for an event registration or a page approved is not handed out again.
_pools: dict[tuple[int, str], queue.Queue[Any]] = {}
_pools_lock = threading.Lock()


@contextmanager
def _take(site: Site, name: str, *, give_back: bool) -> Iterator[Any]:
    with _pools_lock:
        if (site.port, name) not in _pools:
            pool: queue.Queue[Any] = queue.Queue()
            for item in site.fixtures[name]:
                pool.put(item)
            _pools[(site.port, name)] = pool
    try:
        item = _pools[(site.port, name)].get(timeout=30)
    except queue.Empty:  # all used: this writer stops (an OSError ends a write without a record)
        raise OSError(f"chaos fixtures: no {name} left") from None
    try:
        yield item
    finally:
        if give_back:
            _pools[(site.port, name)].put(item)


def _signed_in(client: LiveClient, session: str) -> LiveClient:
    client.cookies["sessionid"] = session
    return client


SHIPPING = {
    "recipient": "Dr Chaos", "organization": "Example Cancer Center", "address_line1": "1 Main St",
    "address_line2": "", "city": "Albany", "state": "NY", "zip_code": "12207",
}  # fmt: skip
ORDER_PAGE = re.compile(r"/materials/orders/(\d+)/$")


def _order(site: Site, client: LiveClient, n: int) -> tuple[int, bool, str]:
    with _take(site, "hcp_sessions", give_back=True) as session:
        _signed_in(client, session)
        for material in site.fixtures["materials"]:
            added = _post(client, "/materials/order/", {"material": material, "quantity": 2, "action": "add"})
            if added.status != 302:
                return added.status, False, ""
        answer = _post(client, "/materials/order/checkout/", SHIPPING)
    placed = ORDER_PAGE.search(answer.headers.get("location", "")) if answer.status == 302 else None
    return answer.status, placed is not None, placed.group(1) if placed else ""


def _with_outbox(task: str, sorting: str) -> str:
    """A read-back for a services record: `sorting` appends each record's key to `stored` or `half`,
    knowing `outbox`, the first argument of every `task` row in the durable outbox (django-tasks-db)."""
    return f"""
import json
from django_tasks_db.models import DBTaskResult
outbox = {{row["args_kwargs"]["args"][0] for row in DBTaskResult.objects.filter(
    task_path__endswith="{task}").values("args_kwargs")}}
stored, half = [], []
{sorting.strip()}
print(json.dumps({{"stored": stored, "half": half}}))
"""


PRINT_ORDER = WritePath(
    name="print order",
    attempt=_order,
    readback=_with_outbox(
        "send_order_confirmation",
        """
from django.db.models import Count
from besponsa.services.models import Order
for pk, lines in Order.objects.annotate(lines=Count("items")).values_list("pk", "lines"):
    # Every order was for the fixtures' two materials: fewer lines, or no confirmation task, is half.
    (stored if lines == 2 and pk in outbox else half).append(str(pk))
""",
    ),
)

REFERRAL_SENT = re.compile(r"/support-referral/(\d+)/sent/$")


def _referral(site: Site, client: LiveClient, n: int) -> tuple[int, bool, str]:
    with _take(site, "hcp_sessions", give_back=True) as session:
        fields = {
            "office_name": "Example Cancer Center", "contact_name": "Chaos Tester", "phone": "518-555-0142",
            "email": f"office-{n}@chaos.example", "preferred_time": "morning",
            "time_zone": "America/New_York", "help_types": ["coverage", "logistics"],
        }  # fmt: skip
        answer = _post(_signed_in(client, session), "/support-referral/", fields)
    sent = REFERRAL_SENT.search(answer.headers.get("location", "")) if answer.status == 302 else None
    return answer.status, sent is not None, sent.group(1) if sent else ""


SUPPORT_REFERRAL = WritePath(
    name="support referral",
    attempt=_referral,
    readback=_with_outbox(
        "send_referral_acknowledgment",
        """
from besponsa.services.models import SupportReferral
for pk, coverage, logistics in SupportReferral.objects.values_list("pk", "coverage", "logistics"):
    (stored if coverage and logistics and pk in outbox else half).append(str(pk))
""",
    ),
)


def _event_registration(site: Site, client: LiveClient, n: int) -> tuple[int, bool, str]:
    with _take(site, "event_sessions", give_back=False) as (user_id, session):
        answer = _post(_signed_in(client, session), f"/events/{site.fixtures['event']}/register/", {})
    # The view redirects to the event page; the page then says registered or waitlisted.
    return (
        answer.status,
        answer.status == 302 and "/events/" in answer.headers.get("location", ""),
        str(user_id),
    )


EVENT_REGISTRATION = WritePath(
    name="event registration",
    attempt=_event_registration,
    readback=_with_outbox(
        "send_registration_email",
        """
from besponsa.services.models import Registration
for pk, user_id in Registration.objects.values_list("pk", "user_id"):
    (stored if pk in outbox else half).append(str(user_id))
""",
    ),
    pool="event_sessions",
)


def _approve(site: Site, client: LiveClient, n: int) -> tuple[int, bool, str]:
    with _take(site, "pages", give_back=False) as (page_id, task_state_id):
        client = _signed_in(client, site.fixtures["reviewer_session"])
        answer = _post(
            client, f"/cms/pages/workflow/action/{page_id}/approve/{task_state_id}/", {"comment": ""}
        )
    location = answer.headers.get("location", "")
    return answer.status, answer.status == 302 and "/refused/" not in location, str(page_id)


MLR_APPROVAL = WritePath(
    name="MLR approval",
    attempt=_approve,
    readback="""
import json
from wagtail.models import TaskState
from besponsa.compliance.models import ApprovalEvent
mine = TaskState.objects.filter(workflow_state__requested_by__username="fixture-editor")
approved = {str(pk) for pk in mine.filter(task__name="Medical review", status="approved").values_list(
    "workflow_state__object_id", flat=True)}
audited = {str(pk) for pk in ApprovalEvent.objects.filter(
    action=ApprovalEvent.APPROVED, step="Medical review", user__username="fixture-medical"
).values_list("object_id", flat=True)}
handed_on = {str(pk) for pk in mine.filter(task__name="Legal review", status="in_progress").values_list(
    "workflow_state__object_id", flat=True)}
# Complete: the step approved, its line in the approval history, and the review moved on to Legal.
print(json.dumps({"stored": sorted(approved & audited & handed_on),
                  "half": sorted((approved | audited | handed_on) - (approved & audited & handed_on))}))
""",
    pool="pages",
)

WRITE_PATHS = [
    REGISTRATION, AE_REPORT, MEDICAL_INFORMATION, PRINT_ORDER, EVENT_REGISTRATION, SUPPORT_REFERRAL,
    MLR_APPROVAL,
]  # fmt: skip


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

    # A write that uses up a fixture is paced so that at most 70 % of the pool goes in `seconds`: on a
    # fast machine the writers would otherwise use it all before the fault ends, and with no write left
    # to make, recovery could not be seen.
    writers = (threads + 1) // 2
    pace = writers * seconds / (0.7 * len(site.fixtures[path.pool])) if path.pool else 0.0

    def worker(index: int) -> None:
        while not stop.is_set():
            with lock:
                n = next(counter)
            client = client_for(site, cookie, n)
            if index % 2 == 0:
                status: int | None
                began = time.monotonic()
                try:
                    status, acked, key = path.attempt(site, client, n)
                except CUT:
                    acked, key, status = False, "", None
                run.records.append(Record(time.monotonic(), "write", status, key, acked))
                stop.wait(max(0.0, pace - (time.monotonic() - began)))
            else:
                try:
                    status = client.get(read_path).status
                except CUT:
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
