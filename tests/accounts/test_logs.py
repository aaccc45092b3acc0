"""Issue 17 item 5: no secrets or personal data in the logs, captured while real flows run."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.core import mail
from django.test import Client

from besponsa.accounts.logredact import redact
from besponsa.accounts.models import ApiToken
from besponsa.clinical.operations import EXAMPLES

from .conftest import PASSWORD, make_hcp, pass_gate, registration_data, sign_in

pytestmark = pytest.mark.django_db


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    lines = []
    for record in caplog.records:
        lines.append(record.getMessage())
        if record.exc_text:
            lines.append(record.exc_text)
    return "\n".join(lines)


def test_account_flows_log_no_tokens_emails_or_query_strings(
    caplog: pytest.LogCaptureFixture, gated_client: Client
) -> None:
    caplog.set_level(logging.DEBUG)
    # Registration and the emailed verification link.
    gated_client.post("/accounts/register/", registration_data(email="grace.hopper@example.org"))
    link = re.search(r"(/accounts/verify/[^\s/]+/)", mail.outbox[-1].body)
    assert link
    gated_client.get(link.group(1) + "?utm_source=grace.hopper@example.org")
    # Password reset: the emailed link carries the uid and token.
    gated_client.post("/accounts/password/reset/", {"email": "grace.hopper@example.org"})
    reset = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[-1].body)
    assert reset
    gated_client.get(reset.group(1))
    # A sign-in with a next= query, a tool URL with patient values, an API call with a bad token.
    gated_client.post(
        "/accounts/login/?next=/tools/?weight=71", {"username": "x@example.org", "password": "no"}
    )
    gated_client.get("/tools/bsa/?height_cm=171&weight_kg=68")
    user = make_hcp("ada@example.org")
    _, raw = ApiToken.issue(user, "script")
    Client().post(
        "/api/v1/clinical/bsa",
        json.dumps(EXAMPLES["bsa"]),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}x",
    )
    logged = _logged(caplog)
    assert "/accounts/verify/" in logged  # the flows were logged: their paths, not their secrets
    secrets = [link.group(1).split("/")[3], *reset.group(1).split("/")[3:5], raw, "grace.hopper", "ada@"]
    for secret in secrets:
        assert secret not in logged, secret
    assert "weight" not in logged and "height_cm" not in logged and "utm_source" not in logged


def test_an_error_log_with_a_traceback_is_redacted(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    try:
        raise ValueError("could not send to ada@example.org with bsp_abcdefghijkl")
    except ValueError:
        logging.getLogger("besponsa.test").exception("failed for /accounts/reset/MQ/abc-123/?x=1")
    logged = _logged(caplog)
    assert "ada@example.org" not in logged and "bsp_abcdefghijkl" not in logged and "abc-123" not in logged
    assert "/accounts/reset/[uid]/[token]" in logged


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("GET /accounts/verify/eyJ1IjoxfQ:1abc:xyz/ 200", "GET /accounts/verify/[token]/ 200"),
        ("GET /accounts/email/confirm/abc:def/ 400", "GET /accounts/email/confirm/[token]/ 400"),
        ('"GET /tools/bsa/?height_cm=170 HTTP/1.1" 200', '"GET /tools/bsa/?[query] HTTP/1.1" 200'),
        ("Authorization: Bearer bsp_secret123", "Authorization: Bearer [token]"),
        ("mail to o'brien.jr+x@mail.example.com failed", "mail to [email] failed"),
    ],
)
def test_redaction_rules(line: str, expected: str) -> None:
    assert redact(line) == expected


def test_sign_in_itself_still_works_with_redaction(gated_client: Client) -> None:
    user = make_hcp()
    sign_in(gated_client, user)
    assert (
        pass_gate(Client())
        .post("/accounts/login/", {"username": user.email, "password": PASSWORD})
        .status_code
        == 302
    )
