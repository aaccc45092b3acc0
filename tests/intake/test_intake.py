"""Item 1 and 2 of issue #13: durable intake, validity, encryption at rest, the forms' refusals."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone

from besponsa.intake import crypto, validity
from besponsa.intake.models import AdverseEventReport, MedicalInquiry, NotDeletable, Notification

from .conftest import COMPLETE_REPORT, QUESTION, form_token, make_hcp, post_form

pytestmark = pytest.mark.django_db
AE = "/report-adverse-event/"
MI = "/contact/medical-information/"


def _case_number(response: Any) -> str:
    import re

    match = re.search(r"data-case-number>([A-Z]{2}-\d{8}-[0-9A-Z]{6})<", response.content.decode())
    assert match, response.content.decode()[:2000]
    return match.group(1)


def test_a_complete_report_is_committed_and_acknowledged_with_its_case_number(gated: Client) -> None:
    response = post_form(gated, AE, COMPLETE_REPORT)
    assert response.status_code == 200
    number = _case_number(response)
    report = AdverseEventReport.objects.get(case_number=number)
    assert report.valid and report.serious and report.missing == []
    assert report.data["event_description"].startswith("Raised bilirubin")
    assert report.status == "new"
    assert "not yet a valid case" not in response.content.decode()
    assert response["Cache-Control"].startswith("no-store")


def test_an_incomplete_report_is_accepted_and_marked_not_yet_valid_naming_what_is_missing(
    gated: Client,
) -> None:
    response = post_form(gated, AE, {"event_description": "Severe rash", "product_name": ""})
    assert response.status_code == 200
    page = response.content.decode()
    report = AdverseEventReport.objects.get(case_number=_case_number(response))
    assert not report.valid and report.missing == ["reporter", "patient", "product"]
    assert "not yet a valid case" in page
    for name in ("reporter", "patient", "product"):
        assert validity.CRITERION_MESSAGES[name].replace("'", "&#x27;") in page
    assert validity.CRITERION_MESSAGES["event"] not in page


def test_health_data_is_encrypted_at_rest(gated: Client) -> None:
    post_form(gated, AE, COMPLETE_REPORT)
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM intake_adverseeventreport")
        (raw,) = cursor.fetchone()
    assert "bilirubin" not in raw and "Franklin" not in raw and "J.D." not in raw
    assert crypto.decrypt(raw)["reporter_name"] == "Dr Rosalind Franklin"


def test_without_a_key_the_forms_fail_closed(seeded: None, gated: Client, settings: Any) -> None:
    settings.INTAKE_ENCRYPTION_KEYS = []
    response = gated.get(AE)
    assert response.status_code == 503 and "1-800" in response.content.decode()
    response = gated.post(AE, {**COMPLETE_REPORT, "form_token": "x"})
    assert response.status_code == 503
    assert not AdverseEventReport.objects.exists()


def test_production_profile_has_no_fallback_key(tmp_path: Any) -> None:
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "BESPONSA_ENV": "production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "h",
        "BESPONSA_VAR_DIR": str(tmp_path),
    }
    env.pop("INTAKE_ENCRYPTION_KEY", None)
    code = "from django.conf import settings; print(settings.INTAKE_ENCRYPTION_KEYS)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "besponsa.project.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]" and not (tmp_path / "intake_key").exists()


def test_a_refused_post_names_the_field_and_reason_and_saves_nothing(gated: Client) -> None:
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    bad = {**COMPLETE_REPORT, "event_onset": future, "patient_age": "300", "reporter_email": "not-an-email"}
    response = post_form(gated, AE, bad)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Date the event started: The date is in the future" in page
    assert "Age at onset: Ensure this value is less than or equal to 120." in page
    assert "Email address: Enter a valid email address." in page
    assert "Raised bilirubin" in page  # entries kept
    assert not AdverseEventReport.objects.exists() and not Notification.objects.exists()


def test_an_empty_report_is_refused(gated: Client) -> None:
    response = post_form(gated, AE, {"product_name": "BESPONSA"})
    assert response.status_code == 400
    assert "The report is empty" in response.content.decode()


def test_posting_the_same_form_twice_gives_the_same_case_not_a_duplicate(gated: Client) -> None:
    token = form_token(gated, AE)
    first = _case_number(post_form(gated, AE, COMPLETE_REPORT, token))
    second = _case_number(post_form(gated, AE, COMPLETE_REPORT, token))
    assert first == second
    assert AdverseEventReport.objects.count() == 1 and Notification.objects.count() == 1


def test_honeypot_and_tampered_or_hasty_tokens_are_refused(gated: Client, settings: Any) -> None:
    response = post_form(gated, AE, {**COMPLETE_REPORT, "website": "http://spam.example"})
    assert response.status_code == 400 and "Leave this field empty" in response.content.decode()
    response = post_form(gated, AE, COMPLETE_REPORT, token="forged")
    assert response.status_code == 400 and "could not be checked" in response.content.decode()
    settings.INTAKE_MIN_FILL_SECONDS = 30
    response = post_form(gated, AE, COMPLETE_REPORT)
    assert response.status_code == 400 and "faster than a person" in response.content.decode()
    assert "Raised bilirubin" in response.content.decode()
    assert not AdverseEventReport.objects.exists()


def test_csrf_is_enforced(gated: Client) -> None:
    client = Client(enforce_csrf_checks=True)
    client.cookies = gated.cookies
    token = form_token(client, AE)
    response = client.post(AE, {**COMPLETE_REPORT, "form_token": token})
    assert response.status_code == 403
    assert not AdverseEventReport.objects.exists()


def test_rate_limit_per_reporter_does_not_lock_out_a_shared_address(gated: Client, settings: Any) -> None:
    settings.INTAKE_REPORTS_PER_REPORTER_PER_HOUR = 2
    settings.INTAKE_REPORTS_PER_ADDRESS_PER_HOUR = 5
    for _ in range(2):
        assert post_form(gated, AE, COMPLETE_REPORT).status_code == 200
    refused = post_form(gated, AE, COMPLETE_REPORT)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "in the last hour" in refused.content.decode()
    # A colleague behind the same address still gets through, up to the address's higher ceiling.
    colleague = {**COMPLETE_REPORT, "reporter_email": "colleague@hospital.example"}
    assert post_form(gated, AE, colleague).status_code == 200
    assert AdverseEventReport.objects.count() == 3


def test_signed_in_hcp_is_prefilled_and_linked(gated: Client) -> None:
    user = make_hcp("grace@example.org")
    gated.force_login(user, backend="besponsa.accounts.backends.EmailBackend")
    page = gated.get(AE).content.decode()
    assert 'value="grace@example.org"' in page and 'value="Ada Lovelace"' in page
    assert '<option value="physician" selected>' in page
    report = AdverseEventReport.objects.get(
        case_number=_case_number(post_form(gated, AE, {"event_description": "Fever"}))
    )
    assert report.reporter_user_id == user.pk


def test_medical_question_is_recorded_with_channel_and_routed_to_medical_information(
    gated: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = post_form(gated, MI, QUESTION)
    assert response.status_code == 200
    number = _case_number(response)
    assert number.startswith("MI-")
    inquiry = MedicalInquiry.objects.get(case_number=number)
    assert inquiry.preferred_channel == "email" and "dialysis" in inquiry.data["question"]
    (message,) = mail.outbox
    assert message.to == ["medical-information@localhost"] and number in message.subject
    assert "dialysis" not in message.body and "Meitner" not in message.body


def test_medical_question_needs_the_contact_for_the_chosen_channel(gated: Client) -> None:
    response = post_form(gated, MI, {**QUESTION, "preferred_channel": "phone"})
    assert response.status_code == 400
    assert "Phone number: Give a phone number, since you asked to be called." in response.content.decode()
    assert not MedicalInquiry.objects.exists()


def test_reports_cannot_be_deleted(gated: Client) -> None:
    post_form(gated, AE, COMPLETE_REPORT)
    with pytest.raises(NotDeletable):
        AdverseEventReport.objects.first().delete()  # type: ignore[union-attr]
    with pytest.raises(NotDeletable):
        AdverseEventReport.objects.all().delete()


def test_nothing_clinical_reaches_logs_or_the_email(
    gated: Client, caplog: pytest.LogCaptureFixture, django_capture_on_commit_callbacks: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        number = _case_number(post_form(gated, AE, COMPLETE_REPORT))
    (message,) = mail.outbox
    assert message.subject == f"New adverse event report {number}"
    text = message.subject + message.body + caplog.text
    for secret in ("bilirubin", "Franklin", "J.D.", "hospital.example", "LOT123"):
        assert secret not in text


def test_the_clock_counts_fifteen_calendar_days_for_serious_cases() -> None:
    day0 = dt.date(2026, 11, 30)
    serious = validity.clock(day0, True, dt.date(2026, 12, 10))
    assert serious.due == dt.date(2026, 12, 15) and serious.day == 10 and serious.days_left == 5
    assert validity.clock(day0, True, dt.date(2026, 12, 16)).overdue
    assert validity.clock(day0, False, dt.date(2026, 12, 16)).due is None


def test_deploy_check_names_a_missing_key(settings: Any) -> None:
    from besponsa.intake.checks import encryption_key_check

    assert encryption_key_check(None) == []
    settings.INTAKE_ENCRYPTION_KEYS = ["not-a-key"]
    (error,) = encryption_key_check(None)
    assert error.id == "intake.E001" and "INTAKE_ENCRYPTION_KEY" in error.msg
