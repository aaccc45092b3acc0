"""Permission-matrix rows for the intake URLs: every role against the two public forms and both queues.

Same personas as tests/accounts/test_permission_matrix.py plus the two intake groups. The queues hold
health data, so only the matching group gets a 200; everyone else is sent to sign in, to two-factor
sign-in, or refused (Wagtail turns a refusal in the CMS into a redirect to the dashboard).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from besponsa.accounts import roles
from besponsa.intake.groups import MEDICAL_INFORMATION, SAFETY
from besponsa.intake.models import AdverseEventReport, MedicalInquiry

from .conftest import COMPLETE_REPORT, QUESTION, make_hcp, make_staff, pass_gate, post_form

pytestmark = [pytest.mark.django_db, pytest.mark.heavy]
ROLES = ("anonymous", "unverified HCP", "verified HCP", "staff before 2FA", *roles.STAFF_ROLES, SAFETY,
         MEDICAL_INFORMATION)  # fmt: skip
REFUSED = {302, 403}


def _client(role: str) -> Client:
    client = pass_gate(Client())
    if role == "anonymous":
        return client
    if role.endswith("HCP"):
        user = make_hcp(f"{role.split()[0]}@example.org", verified=role == "verified HCP")
    elif role == "staff before 2FA":
        user = make_staff(roles.CONTENT_EDITORS, "no-2fa@staff.example.org")
    else:
        user = make_staff(role)
    client.force_login(user, backend="besponsa.accounts.backends.EmailBackend")
    if role not in {"staff before 2FA"} and not role.endswith("HCP"):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
        session.save()
    return client


def expected(role: str, path: str) -> set[int]:
    if not path.startswith("/cms/"):
        return {200}  # the public forms answer everyone who passed the gate
    if role == "anonymous" or role == "staff before 2FA":
        return {302}
    if role.endswith("HCP"):
        return {403}
    owner = SAFETY if path.startswith("/cms/intake/safety/") else MEDICAL_INFORMATION
    return {200} if role == owner else REFUSED


def test_intake_urls_as_every_role(gated: Client) -> None:
    post_form(gated, "/report-adverse-event/", COMPLETE_REPORT)
    post_form(gated, "/contact/medical-information/", QUESTION)
    report, inquiry = AdverseEventReport.objects.get(), MedicalInquiry.objects.get()
    paths = [
        "/report-adverse-event/",
        "/contact/medical-information/",
        "/cms/intake/safety/",
        f"/cms/intake/safety/{report.pk}/",
        f"/cms/intake/safety/{report.pk}/e2b.xml",
        "/cms/intake/medical-information/",
        f"/cms/intake/medical-information/{inquiry.pk}/",
    ]
    problems: list[str] = []
    for role in ROLES:
        client = _client(role)
        for path in paths:
            response: Any = client.get(path)
            if response.status_code not in expected(role, path):
                problems.append(
                    f"{role:28} GET {path}: got {response.status_code}, expected {expected(role, path)}"
                )
            if response.status_code == 302 and role == "anonymous":
                assert response["Location"].startswith("/accounts/login/"), path
            if response.status_code == 302 and role == "staff before 2FA":
                assert response["Location"].startswith("/accounts/2fa/"), path
            if response.status_code != 200:
                assert report.case_number.encode() not in response.content, (role, path)
    assert not problems, "\n".join(problems)
