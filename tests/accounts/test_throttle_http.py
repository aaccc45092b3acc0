"""Issue 17 item 1 on the SQLite default, through a real server (threads in the server, one SQLite file):
50 parallel guesses check at most 5 passwords, and 20 parallel token requests create at most 5 tokens."""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import SiteServer
from tests.liveclient import LiveClient

pytestmark = pytest.mark.heavy

PASSWORD = "correct horse battery staple 42"

CREATE_HCP = """
from django.contrib.auth.models import User
from django.utils import timezone
from besponsa.accounts.models import HcpProfile
u = User.objects.create_user(
    username="{email}", email="{email}", password="{password}", first_name="Ada", last_name="L"
)
HcpProfile.objects.create(user=u, profession="physician", specialty="Hematology", npi="1234567893",
    npi_checked_by="check-digit", license_state="NY", license_number="1", terms_accepted_at=timezone.now(),
    email_verified_at=timezone.now())
"""


def _make_hcp(server: SiteServer, email: str) -> None:
    server.manage("shell", "-c", CREATE_HCP.format(email=email, password=PASSWORD))


def _parallel(count: int, work: object) -> list[int]:
    start = threading.Barrier(count)

    def run(n: int) -> int:
        start.wait()
        return work(n)  # type: ignore[operator, no-any-return]

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_fifty_parallel_guesses_on_sqlite_check_at_most_five_passwords(site_server: SiteServer) -> None:
    _make_hcp(site_server, "parallel-guess@example.org")
    clients = [LiveClient(site_server.base_url, "127.0.0.77").pass_gate() for _ in range(50)]
    tokens = [client.csrf_token("/accounts/login/") for client in clients]

    def guess(n: int) -> int:
        from urllib.parse import urlencode

        body = urlencode(
            {
                "csrfmiddlewaretoken": tokens[n],
                "username": "parallel-guess@example.org",
                "password": f"guess {n}",
            }
        ).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        for _ in range(20):  # runserver's small listen backlog resets some of 50 simultaneous connects
            try:
                return clients[n].request("POST", "/accounts/login/", body, headers).status
            except ConnectionResetError:
                time.sleep(0.05)
        raise AssertionError("the server kept resetting the connection")

    answers = _parallel(50, guess)
    # 400 = a password was checked and refused; 429 = refused before any password was checked.
    assert answers.count(400) <= 5, answers
    assert set(answers) <= {400, 429}
    # And the right password is refused too, from that address, while another address signs in.
    locked = LiveClient(site_server.base_url, "127.0.0.77").pass_gate()
    assert locked.sign_in("parallel-guess@example.org", PASSWORD).status == 429
    other = LiveClient(site_server.base_url, "127.0.0.78").pass_gate()
    assert other.sign_in("parallel-guess@example.org", PASSWORD).status == 302


def test_twenty_parallel_token_requests_on_sqlite_create_at_most_five(site_server: SiteServer) -> None:
    _make_hcp(site_server, "parallel-token@example.org")
    client = LiveClient(site_server.base_url, "127.0.0.79").pass_gate()
    assert client.sign_in("parallel-token@example.org", PASSWORD).status == 302
    token = client.csrf_token("/accounts/tokens/")

    def create(n: int) -> int:
        from urllib.parse import urlencode

        twin = LiveClient(site_server.base_url, "127.0.0.79", cookies=dict(client.cookies))
        body = urlencode({"csrfmiddlewaretoken": token, "name": f"script {n}"}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        for _ in range(20):
            try:
                return twin.request("POST", "/accounts/tokens/", body, headers).status
            except ConnectionResetError:
                time.sleep(0.05)
        raise AssertionError("the server kept resetting the connection")

    answers = _parallel(20, create)
    assert answers.count(201) == 5 and answers.count(400) == 15, answers
    page = client.get("/accounts/tokens/").body.decode()
    assert len(re.findall(r"/accounts/tokens/\d+/revoke/", page)) == 5
