"""Item 4: the Safety and Medical Information queues: who gets in, the clock, changes, audit, no delete."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from besponsa.accounts import roles
from besponsa.accounts.models import AuditEvent
from besponsa.intake.groups import MEDICAL_INFORMATION, SAFETY
from besponsa.intake.models import AdverseEventReport, CaseNote, MedicalInquiry

from .conftest import COMPLETE_REPORT, QUESTION, post_form, staff_client

pytestmark = pytest.mark.django_db
AE, MI = "/report-adverse-event/", "/contact/medical-information/"


@pytest.fixture
def cases(gated: Client) -> tuple[AdverseEventReport, AdverseEventReport, MedicalInquiry]:
    post_form(gated, AE, COMPLETE_REPORT)
    post_form(gated, AE, {"event_description": "Mild nausea", "product_name": "BESPONSA"})
    post_form(gated, MI, QUESTION)
    serious = AdverseEventReport.objects.get(serious=True)
    mild = AdverseEventReport.objects.get(serious=False)
    return serious, mild, MedicalInquiry.objects.get()


def test_only_the_safety_group_sees_the_safety_queue(cases: Any) -> None:
    serious, _mild, inquiry = cases
    urls = [
        "/cms/intake/safety/",
        f"/cms/intake/safety/{serious.pk}/",
        f"/cms/intake/safety/{serious.pk}/e2b.xml",
    ]
    for role in (*roles.STAFF_ROLES, MEDICAL_INFORMATION):
        client = staff_client(role)
        for url in urls:
            # Wagtail answers a PermissionDenied in the CMS with a redirect to the dashboard.
            assert client.get(url).status_code in {302, 403}, (role, url)
    superuser = User.objects.create_superuser("root@example.org", "root@example.org", "x" * 20)
    admin = Client()
    admin.force_login(superuser, backend="besponsa.accounts.backends.EmailBackend")
    assert admin.get(urls[0]).status_code in {302, 403}  # not a member: no health data, even for a superuser
    safety = staff_client(SAFETY)
    for url in urls:
        assert safety.get(url).status_code == 200, url
    assert safety.get(f"/cms/intake/medical-information/{inquiry.pk}/").status_code in {302, 403}
    mi = staff_client(MEDICAL_INFORMATION, "mi@staff.example.org")
    assert mi.get("/cms/intake/medical-information/").status_code == 200
    page = mi.get(f"/cms/intake/medical-information/{inquiry.pk}/").content.decode()
    assert "dialysis" in page and "Email" in page
    assert Client().get(urls[0]).status_code == 302  # anonymous: to the sign-in page


def test_the_queue_shows_the_clock_seriousness_validity_and_puts_serious_cases_first(cases: Any) -> None:
    serious, mild, _inquiry = cases
    AdverseEventReport.objects.filter(pk=serious.pk).update(
        received_at=timezone.now() - dt.timedelta(days=17)
    )
    page = staff_client(SAFETY).get("/cms/intake/safety/").content.decode()
    rows = re.findall(r'<tr data-case="([^"]+)">(.*?)</tr>', page, re.S)
    assert [number for number, _ in rows] == [serious.case_number, mild.case_number]
    serious_row, mild_row = rows[0][1], rows[1][1]
    assert "Day 17" in serious_row and "overdue by 2 days" in serious_row and "Serious" in serious_row
    assert "Valid" in serious_row and "New" in serious_row
    assert "periodic" in mild_row and "Not yet valid" in mild_row and "Non-serious" in mild_row
    assert "bilirubin" not in page  # the list holds no clinical content


def test_status_changes_and_notes_are_kept_and_every_view_is_audited(cases: Any) -> None:
    serious, _mild, _inquiry = cases
    client = staff_client(SAFETY)
    url = f"/cms/intake/safety/{serious.pk}/"
    page = client.get(url).content.decode()
    assert "bilirubin" in page and "Dr Rosalind Franklin" in page and "due" in page
    response = client.post(url, {"status": "follow_up", "note": "Asked the reporter for LFT dates."})
    assert response.status_code == 302
    serious.refresh_from_db()
    assert serious.status == "follow_up"
    (note,) = CaseNote.objects.filter(report=serious)
    assert note.body == {"text": "Asked the reporter for LFT dates."} and note.status_to == "follow_up"
    assert client.post(url, {"status": "deleted"}).status_code == 400
    assert "Asked the reporter for LFT dates." in client.get(url).content.decode()
    client.get(f"{url}e2b.xml")
    kinds = list(
        AuditEvent.objects.filter(detail__startswith=serious.case_number).values_list("kind", "detail")
    )
    assert ("safety_case_viewed", serious.case_number) in kinds
    assert ("safety_case_changed", f"{serious.case_number}: new -> follow_up") in kinds
    assert ("safety_case_exported", f"{serious.case_number}: E2B(R3)") in kinds
    assert all("LFT" not in detail for _kind, detail in kinds)


def test_duplicate_hints_link_reports_of_the_same_patient_event(gated: Client) -> None:
    post_form(gated, AE, COMPLETE_REPORT)
    post_form(
        gated, AE, {**COMPLETE_REPORT, "reporter_email": "nurse@other.example", "reporter_name": "RN Jones"}
    )
    first, second = AdverseEventReport.objects.order_by("received_at")
    page = staff_client(SAFETY).get(f"/cms/intake/safety/{second.pk}/").content.decode()
    assert f"Possible duplicates: {first.case_number}" in page


def test_the_cms_offers_no_delete(cases: Any) -> None:
    serious, _mild, _inquiry = cases
    client = staff_client(SAFETY)
    assert client.post(f"/cms/intake/safety/{serious.pk}/delete/").status_code == 404
    assert AdverseEventReport.objects.filter(pk=serious.pk).exists()


def test_a_wrong_key_fails_closed_in_the_queue(cases: Any, settings: Any) -> None:
    from cryptography.fernet import Fernet

    serious, _mild, _inquiry = cases
    client = staff_client(SAFETY)
    settings.INTAKE_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    response = client.get(f"/cms/intake/safety/{serious.pk}/")
    assert response.status_code == 503 and b"INTAKE_ENCRYPTION_KEY" in response.content
    assert b"bilirubin" not in response.content
