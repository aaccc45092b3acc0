"""Issue 17 item 1: one throttle in the authentication backend, for every way a password or token is tried.

Each test here failed on the main branch before the throttle moved into the backend and the database.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client

from besponsa.accounts.models import ApiToken, AuditEvent
from besponsa.clinical.operations import EXAMPLES
from besponsa.compliance import setup

from .conftest import PASSWORD, make_hcp, make_staff, pass_gate, pass_two_factor, sign_in

pytestmark = pytest.mark.django_db


def _fail(client: Client, email: str, times: int = 5, path: str = "/accounts/login/") -> list[int]:
    return [
        client.post(path, {"username": email, "password": f"wrong guess {n}"}).status_code
        for n in range(times)
    ]


def test_wagtails_own_login_view_is_locked_too(gated_client: Client) -> None:
    make_hcp("ada@example.org")
    assert _fail(gated_client, "ada@example.org")[-1] == 429
    # The same right password on Wagtail's front-end login (/_util/login/) must not sign in.
    gated_client.post("/_util/login/", {"username": "ada@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in gated_client.session
    # …and guesses there count towards the same lock.
    other = pass_gate(Client(REMOTE_ADDR="203.0.113.50"))
    _fail(other, "ada@example.org", path="/_util/login/")
    response = other.post("/accounts/login/", {"username": "ada@example.org", "password": PASSWORD})
    assert response.status_code == 429


def test_the_lock_is_in_the_database_so_clearing_the_cache_does_not_lift_it(gated_client: Client) -> None:
    make_hcp("ada@example.org")
    _fail(gated_client, "ada@example.org")
    cache.clear()  # what a flood of page-cache entries (or a Redis restart) does to cache-held counters
    response = gated_client.post("/accounts/login/", {"username": "ada@example.org", "password": PASSWORD})
    assert response.status_code == 429


VARIANTS = ["ADS@example.org", "adſ@example.org", "ads@EXAMPLE.org", "aDſ@Example.org", "Ads@example.org"]


@pytest.mark.postgres
def test_spelling_variants_of_one_address_count_as_one_account() -> None:
    # PostgreSQL's case-insensitive match finds "ads@example.org" for "adſ@…" (long s) and "ADS@…": a
    # guesser spreading attempts over addresses and spellings must still meet one account counter, so
    # past the account's threshold attempts are spaced out (429) wherever they come from.
    make_hcp("ads@example.org")
    for n in range(20):
        visitor = pass_gate(Client(REMOTE_ADDR=f"192.0.2.{n + 1}"))
        answer = visitor.post("/accounts/login/", {"username": VARIANTS[n % 5], "password": f"wrong {n}"})
        assert answer.status_code == 400
    fresh = [
        pass_gate(Client(REMOTE_ADDR=f"198.51.100.{n + 1}")).post(
            "/accounts/login/", {"username": "ads@example.org", "password": f"again {n}"}
        )
        for n in range(3)
    ]
    assert 429 in [answer.status_code for answer in fresh]


def test_identities_fold_as_the_database_folds_them() -> None:
    from besponsa.accounts.throttle import normalize_identity

    assert {normalize_identity(v) for v in VARIANTS[:4]} == {"ads@example.org"}
    assert normalize_identity("ırıs@example.org") == normalize_identity("IRIS@example.org")


def test_re_entering_the_password_is_throttled_like_sign_in(gated_client: Client) -> None:
    user = make_hcp()
    sign_in(gated_client, user)
    answers = [
        gated_client.post("/accounts/delete/", {"password": f"guess {n}"}).status_code for n in range(6)
    ]
    assert answers[:4] == [400] * 4 and answers[4:] == [429, 429]
    # Locked now even with the right password, on every page that asks for it.
    assert gated_client.post("/accounts/delete/", {"password": PASSWORD}).status_code == 429
    new = "another fine passphrase 88"
    change = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    assert gated_client.post("/accounts/password/change/", change).status_code == 429
    email_change = {"new_email": "ada.new@example.org", "password": PASSWORD}
    assert gated_client.post("/accounts/email/", email_change).status_code == 429
    assert User.objects.filter(pk=user.pk).exists() and User.objects.get(pk=user.pk).check_password(PASSWORD)
    assert AuditEvent.objects.filter(kind="lockout", user_id=user.pk).count() == 1


def _cms_account_change(client: Client, user: User, old_password: str) -> Any:
    """Wagtail's account settings form as the browser sends it: every panel, a new password typed."""
    new = "another fine passphrase 88"
    form = {
        "name_email-first_name": user.first_name, "name_email-last_name": user.last_name or "Reviewer",
        "name_email-email": user.email, "notifications-submitted_notifications": "on",
        "locale-preferred_language": "en", "locale-current_time_zone": "", "theme-theme": "system",
        "theme-density": "default", "theme-contrast": "system", "theme-keyboard_shortcuts": "on",
        "password-old_password": old_password, "password-new_password1": new, "password-new_password2": new,
    }  # fmt: skip
    return client.post("/cms/account/", form)


def test_wagtails_change_password_form_is_throttled_like_sign_in(gated_client: Client) -> None:
    staff = make_staff(setup.MEDICAL)
    sign_in(gated_client, staff)
    pass_two_factor(gated_client, staff)
    answers = [_cms_account_change(gated_client, staff, f"guess {n}").status_code for n in range(5)]
    # Wagtail shows a wrong current password on the form (200); the fifth failure locks the pair.
    assert answers == [200, 200, 200, 200, 429]
    locked = _cms_account_change(gated_client, staff, PASSWORD)
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    assert "too many unsuccessful attempts" in locked.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD), "the password was changed through a locked form"
    # One lock for every path: signing in from this address with the right password is paused too.
    again = pass_gate(Client())
    assert again.post("/accounts/login/", {"username": staff.email, "password": PASSWORD}).status_code == 429
    assert AuditEvent.objects.filter(kind="lockout", user_id=staff.pk).count() == 1


def test_the_right_current_password_still_changes_it_on_wagtails_form(gated_client: Client) -> None:
    staff = make_staff(setup.MEDICAL)
    sign_in(gated_client, staff)
    pass_two_factor(gated_client, staff)
    assert _cms_account_change(gated_client, staff, "one wrong guess").status_code == 200
    assert _cms_account_change(gated_client, staff, PASSWORD).status_code == 302
    staff.refresh_from_db()
    assert staff.check_password("another fine passphrase 88")


def _api_call(client: Client, authorization: str) -> int:
    body = json.dumps(EXAMPLES["bsa"])
    response = client.post(
        "/api/v1/clinical/bsa", body, content_type="application/json", HTTP_AUTHORIZATION=authorization
    )
    return int(response.status_code)


def test_invalid_api_tokens_from_one_address_get_429(client: Client) -> None:
    answers = [_api_call(client, "Bearer bsp_" + "x" * 43) for _ in range(12)]
    assert answers[:10] == [401] * 10 and answers[10:] == [429, 429]


def test_a_valid_token_is_not_counted_as_a_guess(client: Client) -> None:
    user = make_hcp()
    _, raw = ApiToken.issue(user, "script")
    assert [_api_call(client, f"Bearer {raw}") for _ in range(15)] == [200] * 15


# Concurrency: threads, each with its own database connection, on PostgreSQL (make test's second pass).


def _in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    start = threading.Barrier(count)

    def run(n: int) -> Any:
        try:
            start.wait()
            return work(n)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_guesses_check_at_most_five_passwords() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "in-process threads need a server database; SQLite is covered over HTTP in test_throttle_http"
        )
    make_hcp("ada@example.org")
    checked = []
    original = User.check_password

    def counting(self: User, raw: str) -> bool:
        checked.append(raw)
        return original(self, raw)

    User.check_password = counting  # type: ignore[method-assign]
    try:
        answers = _in_threads(
            50,
            lambda n: (
                pass_gate(Client())
                .post("/accounts/login/", {"username": "ada@example.org", "password": f"guess {n}"})
                .status_code
            ),
        )
    finally:
        User.check_password = original  # type: ignore[method-assign]
    assert len(checked) <= 5
    assert answers.count(429) >= 45 and set(answers) <= {400, 429}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_five_token_cap_holds_under_parallel_creation() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "in-process threads need a server database; SQLite is covered over HTTP in test_throttle_http"
        )
    user = make_hcp()

    def create(n: int) -> int:
        client = pass_gate(Client())
        client.force_login(user)
        return client.post("/accounts/tokens/", {"name": f"script {n}"}).status_code

    answers = _in_threads(20, create)
    assert ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() == 5
    assert answers.count(201) == 5 and answers.count(400) == 15
