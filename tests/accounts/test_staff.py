"""Staff roles, the TOTP requirement in front of /cms/, and the append-only audit log."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from besponsa.accounts.groups import ensure_roles
from besponsa.accounts.models import AppendOnlyError, AuditEvent
from besponsa.accounts.roles import ADMINISTRATORS, MEDICAL_REVIEWERS, STAFF_ROLES

from .conftest import current_code, make_hcp, make_staff, pass_two_factor, sign_in

pytestmark = pytest.mark.django_db


def test_every_staff_role_exists_after_migrate_and_creating_them_again_changes_nothing() -> None:
    for role in STAFF_ROLES:
        assert Group.objects.filter(name=role).count() == 1
    before = Group.objects.count()
    assert ensure_roles() == []
    assert Group.objects.count() == before
    assert Group.objects.get(name=ADMINISTRATORS).permissions.filter(codename="view_auditevent").exists()


def test_anonymous_visitors_are_sent_to_our_sign_in_page_not_wagtails(client: Client) -> None:
    response = client.get("/cms/pages/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=%2Fcms%2Fpages%2F"
    wagtail_login = client.get("/cms/login/")
    assert wagtail_login["Location"] == "/accounts/login/?next=%2Fcms%2F"


def test_an_hcp_never_reaches_the_cms(gated_client: Client) -> None:
    sign_in(gated_client, make_hcp())
    response = gated_client.get("/cms/")
    assert response.status_code == 403 and b"Staff only" in response.content
    assert gated_client.get("/accounts/2fa/").status_code == 403
    assert gated_client.get("/accounts/2fa/setup/").status_code == 403


def test_new_staff_enrol_a_totp_app_then_reach_the_cms(gated_client: Client) -> None:
    staff = make_staff(MEDICAL_REVIEWERS, device=False)
    sign_in(gated_client, staff)
    first = gated_client.get("/cms/")
    assert first.status_code == 302 and first["Location"] == "/accounts/2fa/?next=%2Fcms%2F"
    to_setup = gated_client.get(first["Location"])
    assert to_setup.status_code == 302 and to_setup["Location"].startswith("/accounts/2fa/setup/")
    setup = gated_client.get(to_setup["Location"])
    html = setup.content.decode()
    uri = re.search(r"otpauth://totp/[^<\s]+", html)
    assert uri and "issuer=BESPONSA" in uri.group(0)
    secret = re.search(r'<code class="totp-secret">([A-Z2-7 ]+)</code>', html)
    assert secret
    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed
    from base64 import b32decode

    assert b32decode(secret.group(1).replace(" ", "")) == device.bin_key  # the key shown is the device's

    ok = gated_client.post("/accounts/2fa/setup/", {"code": current_code(device), "next": "/cms/"})
    assert ok.status_code == 302 and ok["Location"] == "/cms/"
    device.refresh_from_db()
    assert device.confirmed
    assert gated_client.get("/cms/").status_code == 200
    # Once a device is confirmed, set-up cannot enrol another one.
    assert gated_client.get("/accounts/2fa/setup/")["Location"].startswith("/accounts/2fa/")
    assert AuditEvent.objects.filter(kind="2fa_enrolled", user_id=staff.pk).exists()


def test_a_wrong_code_does_not_confirm_a_new_device(gated_client: Client) -> None:
    staff = make_staff(MEDICAL_REVIEWERS, device=False)
    sign_in(gated_client, staff)
    gated_client.get("/accounts/2fa/setup/")
    device = TOTPDevice.objects.get(user=staff)
    wrong = "000000" if current_code(device) != "000000" else "111111"
    response = gated_client.post("/accounts/2fa/setup/", {"code": wrong, "next": "/cms/"})
    assert response.status_code == 400 and b"Code: that code is not right" in response.content
    device.refresh_from_db()
    assert not device.confirmed
    assert gated_client.get("/cms/").status_code == 302


def test_enrolled_staff_must_enter_a_code_in_every_new_session(gated_client: Client) -> None:
    staff = make_staff(MEDICAL_REVIEWERS)
    sign_in(gated_client, staff)
    assert gated_client.get("/cms/")["Location"] == "/accounts/2fa/?next=%2Fcms%2F"
    page = gated_client.get("/accounts/2fa/?next=/cms/")
    assert page.status_code == 200 and b"Two-factor check" in page.content
    bad = gated_client.post("/accounts/2fa/", {"code": "12ab56", "next": "/cms/"})
    assert bad.status_code == 400 and b"Code: enter the 6 digits" in bad.content
    pass_two_factor(gated_client, staff)
    assert gated_client.get("/cms/").status_code == 200
    gated_client.post("/accounts/logout/")
    sign_in(gated_client, staff)
    assert gated_client.get("/cms/").status_code == 302


def test_a_code_from_another_time_window_is_refused(gated_client: Client) -> None:
    staff = make_staff(MEDICAL_REVIEWERS)
    device = TOTPDevice.objects.get(user=staff)
    sign_in(gated_client, staff)
    old = (
        f"{totp(device.bin_key, step=device.step, t0=device.t0 + 10 * device.step, digits=device.digits):06d}"
    )
    response = gated_client.post("/accounts/2fa/", {"code": old, "next": "/cms/"})
    if old != current_code(device):
        assert response.status_code == 400 and b"not right or has expired" in response.content
        assert AuditEvent.objects.filter(kind="2fa_failed", user_id=staff.pk).exists()


def test_reset_2fa_command_removes_devices(gated_client: Client) -> None:
    staff = make_staff(MEDICAL_REVIEWERS)
    out = StringIO()
    call_command("reset_2fa", staff.email, stdout=out)
    assert "Removed 1 device" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert AuditEvent.objects.filter(kind="2fa_reset", user_id=staff.pk).exists()


def test_role_changes_are_audited_with_who_made_them(gated_client: Client) -> None:
    admin = make_staff(ADMINISTRATORS)
    target = make_hcp("staffer@example.org")
    sign_in(gated_client, admin)
    pass_two_factor(gated_client, admin)
    medical = Group.objects.get(name=MEDICAL_REVIEWERS)
    data = {
        "username": target.username,
        "email": target.email,
        "first_name": target.first_name,
        "last_name": target.last_name,
        "is_active": "on",
        "groups": [str(medical.pk)],
    }
    response = gated_client.post(f"/cms/users/edit/{target.pk}/", data)
    assert response.status_code == 302, response.content[:2000]
    event = AuditEvent.objects.get(kind="role_change", user_id=target.pk)
    assert event.detail == f"added to {MEDICAL_REVIEWERS}" and event.actor_id == admin.pk

    target.is_superuser = True
    target.save()
    assert AuditEvent.objects.filter(
        kind="role_change", user_id=target.pk, detail="is_superuser granted"
    ).exists()


def test_audit_events_cannot_be_changed_or_deleted() -> None:
    event = AuditEvent.objects.create(kind="sign_in", user_id=1)
    event.detail = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).detail == ""


def test_only_administrators_see_the_audit_log(gated_client: Client) -> None:
    reviewer = make_staff(MEDICAL_REVIEWERS)
    admin = make_staff(ADMINISTRATORS)
    AuditEvent.objects.create(kind="lockout", user_id=reviewer.pk, detail="marker-123")
    sign_in(gated_client, reviewer)
    pass_two_factor(gated_client, reviewer)
    denied = gated_client.get("/cms/audit-log/")
    assert denied.status_code in {302, 403} and b"marker-123" not in denied.content
    gated_client.post("/accounts/logout/")
    sign_in(gated_client, admin)
    pass_two_factor(gated_client, admin)
    shown = gated_client.get("/cms/audit-log/?kind=lockout")
    assert (
        shown.status_code == 200
        and b"marker-123" in shown.content
        and reviewer.email.encode() in shown.content
    )
    assert b"marker-123" not in gated_client.get("/cms/audit-log/?kind=sign_in").content


def test_sign_in_is_audited_with_the_client_address(gated_client: Client) -> None:
    user = make_hcp()
    sign_in(gated_client, user)
    event = AuditEvent.objects.get(kind="sign_in", user_id=user.pk)
    assert event.ip_address == "127.0.0.1"
    assert User.objects.get(pk=user.pk).last_login is not None
