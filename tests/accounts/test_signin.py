"""Sign-in by email, sign-out by POST only, throttling, password reset and change, account deletion."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from besponsa.accounts.models import ApiToken, AuditEvent, HcpProfile, ThrottleCounter

from .conftest import PASSWORD, make_hcp, make_staff, pass_gate, registration_data, sign_in

pytestmark = pytest.mark.django_db

WRONG_PASSWORD_MESSAGE = b"The email address or password is not right."


def test_sign_in_uses_the_email_address_in_any_case(gated_client: Client) -> None:
    make_hcp("ada@example.org")
    response = gated_client.post("/accounts/login/", {"username": "ADA@Example.org", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"


def test_sign_in_returns_to_a_local_next_page_only(gated_client: Client) -> None:
    make_hcp()
    data = {"username": "ada@example.org", "password": PASSWORD, "next": "https://evil.example/"}
    assert gated_client.post("/accounts/login/", data)["Location"] == "/accounts/profile/"
    gated_client.post("/accounts/logout/")
    data["next"] = "/dosing/"
    assert gated_client.post("/accounts/login/", data)["Location"] == "/dosing/"


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(gated_client: Client) -> None:
    make_hcp()
    wrong = gated_client.post(
        "/accounts/login/", {"username": "ada@example.org", "password": "nope nope nope"}
    )
    unknown = gated_client.post(
        "/accounts/login/", {"username": "who@example.org", "password": "nope nope nope"}
    )
    assert wrong.status_code == unknown.status_code == 400
    assert WRONG_PASSWORD_MESSAGE in wrong.content and WRONG_PASSWORD_MESSAGE in unknown.content
    failures = AuditEvent.objects.filter(kind="sign_in_failed")
    assert failures.count() == 2
    unknown_event = failures.get(user_id__isnull=True)
    assert "who@example.org" not in unknown_event.detail and unknown_event.detail.startswith(
        "unknown identifier"
    )


def test_five_failures_for_an_account_lock_it_with_429_even_for_the_right_password(
    gated_client: Client,
) -> None:
    make_hcp()
    for attempt in range(4):
        response = gated_client.post(
            "/accounts/login/", {"username": "ada@example.org", "password": f"bad {attempt}"}
        )
        assert response.status_code == 400
    fifth = gated_client.post("/accounts/login/", {"username": "ada@example.org", "password": "bad 5"})
    assert fifth.status_code == 429
    assert b"too many unsuccessful sign-in attempts" in fifth.content
    assert WRONG_PASSWORD_MESSAGE not in fifth.content  # says what happened, not which part was wrong
    assert 1 <= int(fifth["Retry-After"]) <= 15 * 60
    right = gated_client.post("/accounts/login/", {"username": "ada@example.org", "password": PASSWORD})
    assert right.status_code == 429
    assert "_auth_user_id" not in gated_client.session
    assert AuditEvent.objects.filter(kind="lockout").count() == 1

    # Another client (another address: a colleague, or the owner at home) is not locked out: only the
    # account + address pair is (a hospital NAT must not let one person's typing lock everyone).
    other = pass_gate(Client(REMOTE_ADDR="203.0.113.9"))
    assert (
        other.post("/accounts/login/", {"username": "ada@example.org", "password": PASSWORD}).status_code
        == 302
    )


def test_failures_from_one_address_slow_it_down_but_do_not_lock_its_other_users(
    gated_client: Client,
) -> None:
    make_hcp("ada@example.org")
    for attempt in range(5):
        gated_client.post(
            "/accounts/login/", {"username": f"guess{attempt}@example.org", "password": "x y z w"}
        )
    # Five wrong guesses at other accounts: Ada, behind the same address, still signs in.
    response = gated_client.post("/accounts/login/", {"username": "ada@example.org", "password": PASSWORD})
    assert response.status_code == 302
    # A sprayer keeps going: past the address threshold, attempts are spaced out (429 with a short
    # Retry-After), never locked for the whole window.
    sprayer = pass_gate(Client())
    answers = [
        sprayer.post("/accounts/login/", {"username": f"more{n}@example.org", "password": "x y z w"})
        for n in range(12)
    ]
    slowed = [a for a in answers if a.status_code == 429]
    assert slowed and all(1 <= int(a["Retry-After"]) <= 60 for a in slowed)
    elsewhere = pass_gate(Client(REMOTE_ADDR="198.51.100.7"))
    assert (
        elsewhere.post("/accounts/login/", {"username": "ada@example.org", "password": PASSWORD}).status_code
        == 302
    )


def test_the_lock_ends_when_the_window_passes(gated_client: Client) -> None:
    make_hcp()
    # A window long enough that a loaded machine does not close it during the six posts (1 s did once).
    with override_settings(LOGIN_FAILURE_WINDOW_SECONDS=60):
        for attempt in range(5):
            gated_client.post(
                "/accounts/login/", {"username": "ada@example.org", "password": f"bad {attempt}"}
            )
        assert (
            gated_client.post(
                "/accounts/login/", {"username": "ada@example.org", "password": PASSWORD}
            ).status_code
            == 429
        )
        # The counter's window ends; moving its start back is what time would do.
        ThrottleCounter.objects.update(window_started_at=timezone.now() - timedelta(seconds=61))
        assert (
            gated_client.post(
                "/accounts/login/", {"username": "ada@example.org", "password": PASSWORD}
            ).status_code
            == 302
        )


def test_a_form_missing_the_password_does_not_count_as_a_failure(gated_client: Client) -> None:
    make_hcp()
    for _ in range(6):
        response = gated_client.post("/accounts/login/", {"username": "ada@example.org", "password": ""})
        assert response.status_code == 400 and b"Password: this field is required." in response.content
    assert (
        gated_client.post(
            "/accounts/login/", {"username": "ada@example.org", "password": PASSWORD}
        ).status_code
        == 302
    )


def test_logout_is_post_only(gated_client: Client) -> None:
    user = make_hcp()
    sign_in(gated_client, user)
    assert gated_client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in gated_client.session
    response = gated_client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" not in gated_client.session
    assert AuditEvent.objects.filter(kind="sign_out", user_id=user.pk).exists()


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(gated_client: Client) -> None:
    make_hcp()
    known = gated_client.post("/accounts/password/reset/", {"email": "ada@example.org"})
    unknown = gated_client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ada@example.org"]

    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    form_page = gated_client.get(link.group(1), follow=True)
    assert b"Choose a new password" in form_page.content
    new = "a brand new passphrase 77"
    done = gated_client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    assert User.objects.get(email="ada@example.org").check_password(new)
    assert AuditEvent.objects.filter(kind="password_change", detail="by reset link").exists()


def test_password_change_checks_the_old_password_and_is_audited(gated_client: Client) -> None:
    user = make_hcp()
    sign_in(gated_client, user)
    new = "another fine passphrase 88"
    wrong = gated_client.post(
        "/accounts/password/change/", {"old_password": "wrong", "new_password1": new, "new_password2": new}
    )
    assert wrong.status_code == 200 and b"incorrectly" in wrong.content
    right = gated_client.post(
        "/accounts/password/change/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert right.status_code == 302 and right["Location"] == "/accounts/password/change/done/"
    assert gated_client.get("/accounts/profile/").status_code == 200  # still signed in
    assert AuditEvent.objects.filter(kind="password_change", user_id=user.pk).count() == 1


def test_profile_edit_saves_and_refuses_a_bad_npi(gated_client: Client) -> None:
    user = make_hcp()
    sign_in(gated_client, user)
    data = {
        "first_name": "Augusta",
        "last_name": "King",
        "profession": "pharmacist",
        "specialty": "Oncology pharmacy",
        "npi": "1245319599",
        "license_state": "TX",
        "license_number": "RPH-99",
    }
    assert gated_client.post("/accounts/profile/", data).status_code == 302
    profile = HcpProfile.objects.get(user=user)
    assert (profile.profession, profile.npi, profile.license_state) == ("pharmacist", "1245319599", "TX")
    assert User.objects.get(pk=user.pk).first_name == "Augusta"
    bad = gated_client.post("/accounts/profile/", {**data, "npi": "1245319590"})
    assert bad.status_code == 400 and b"NPI: this number fails the NPI check-digit test" in bad.content
    assert HcpProfile.objects.get(user=user).npi == "1245319599"


def test_account_deletion_needs_the_password_and_keeps_only_a_minimal_audit_trail(
    gated_client: Client,
) -> None:
    user = make_hcp()
    user_id = user.pk
    sign_in(gated_client, user)
    ApiToken.issue(user, "script")
    assert gated_client.get("/accounts/delete/").status_code == 200
    refused = gated_client.post("/accounts/delete/", {"password": "not it"})
    assert (
        refused.status_code == 400 and b"Your password: that is not your current password." in refused.content
    )
    assert User.objects.filter(pk=user_id).exists()
    done = gated_client.post("/accounts/delete/", {"password": PASSWORD})
    assert done.status_code == 200 and b"Account deleted" in done.content
    assert not User.objects.filter(pk=user_id).exists()
    assert not HcpProfile.objects.exists() and not ApiToken.objects.exists()
    events = AuditEvent.objects.filter(user_id=user_id)
    assert {"sign_in", "account_deleted"} <= set(events.values_list("kind", flat=True))
    for event in events:
        assert "ada" not in event.detail.lower()
    assert gated_client.get("/accounts/profile/").status_code == 302  # signed out


def test_staff_cannot_delete_their_own_account(gated_client: Client) -> None:
    staff = make_staff("Medical reviewers")
    sign_in(gated_client, staff)
    assert gated_client.post("/accounts/delete/", {"password": PASSWORD}).status_code == 403
    assert User.objects.filter(pk=staff.pk).exists()


def _change_link(body: str) -> str:
    match = re.search(r"http://testserver(/accounts/email/confirm/\S+/)", body)
    assert match, body
    return match.group(1)


def test_changing_the_email_takes_effect_only_when_the_new_address_confirms(gated_client: Client) -> None:
    user = make_hcp("old@example.org")
    sign_in(gated_client, user)
    wrong = gated_client.post("/accounts/email/", {"new_email": "new@example.org", "password": "nope"})
    assert wrong.status_code == 400 and b"Your password: that is not your current password." in wrong.content
    same = gated_client.post("/accounts/email/", {"new_email": "OLD@example.org", "password": PASSWORD})
    assert same.status_code == 400 and b"New email address: this is already your address." in same.content
    assert not mail.outbox

    sent = gated_client.post("/accounts/email/", {"new_email": "new@example.org", "password": PASSWORD})
    assert sent.status_code == 200 and b"Check your new inbox" in sent.content
    assert User.objects.get(pk=user.pk).email == "old@example.org"  # nothing changes yet
    assert mail.outbox[-1].to == ["new@example.org"]
    link = _change_link(mail.outbox[-1].body)

    done = gated_client.get(link)
    assert done.status_code == 200 and b"Email address changed" in done.content
    changed = User.objects.get(pk=user.pk)
    assert (changed.email, changed.username) == ("new@example.org", "new@example.org")
    assert mail.outbox[-1].to == ["old@example.org"]  # the old address is told
    assert AuditEvent.objects.filter(kind="email_changed", user_id=user.pk).exists()
    assert gated_client.get(link).status_code == 400  # the link is spent: the old address no longer matches

    gated_client.post("/accounts/logout/")
    assert (
        gated_client.post(
            "/accounts/login/", {"username": "old@example.org", "password": PASSWORD}
        ).status_code
        == 400
    )
    assert (
        gated_client.post(
            "/accounts/login/", {"username": "new@example.org", "password": PASSWORD}
        ).status_code
        == 302
    )


def test_changing_to_a_taken_address_answers_the_same_and_changes_nothing(gated_client: Client) -> None:
    make_hcp("taken@example.org")
    user = make_hcp("mine@example.org")
    sign_in(gated_client, user)
    response = gated_client.post("/accounts/email/", {"new_email": "Taken@example.org", "password": PASSWORD})
    assert response.status_code == 200 and b"Check your new inbox" in response.content
    assert len(mail.outbox) == 1 and "already has an account" in mail.outbox[0].body
    assert User.objects.get(pk=user.pk).email == "mine@example.org"


def test_email_requests_are_limited_per_address_and_per_client(gated_client: Client) -> None:
    make_hcp()
    for _ in range(3):
        assert gated_client.post("/accounts/password/reset/", {"email": "ada@example.org"}).status_code == 302
    fourth = gated_client.post("/accounts/password/reset/", {"email": "ada@example.org"})
    assert fourth.status_code == 429 and b"Too many emails requested" in fourth.content
    assert int(fourth["Retry-After"]) > 0
    assert len(mail.outbox) == 3
    # The same answer for an address with no account, so the limit reveals nothing about accounts.
    for _ in range(3):
        gated_client.post("/accounts/password/reset/", {"email": "ghost@example.org"})
    assert gated_client.post("/accounts/password/reset/", {"email": "ghost@example.org"}).status_code == 429

    # Per client: 10 requests in the window across any addresses (8 used above).
    gated_client.post("/accounts/password/reset/", {"email": "a1@example.org"})
    gated_client.post("/accounts/password/reset/", {"email": "a2@example.org"})
    over = gated_client.post("/accounts/register/", registration_data(email="fresh@example.org"))
    assert over.status_code == 429 and not User.objects.filter(email="fresh@example.org").exists()
