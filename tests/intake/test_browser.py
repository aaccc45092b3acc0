"""Browser walks (Playwright, the real server of tests/conftest.py): a report and a medical question with
JavaScript on and off, the Safety queue with a status change, and the E2B export download."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from defusedxml import ElementTree as SafeET

from tests.conftest import SiteServer, confirm_hcp

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple 42"
FILL_WAIT_MS = 1200  # the test server's minimum fill time is 1 s (INTAKE_MIN_FILL_SECONDS, server_env)
CASE = re.compile(r"^(AE|MI)-\d{8}-[0-9A-Z]{6}$")


def _stored(server: SiteServer, number: str) -> str:
    """status / serious / valid of a case, read in the server's own database."""
    return server.manage(
        "shell", "-c",
        "from besponsa.intake.models import AdverseEventReport as R, MedicalInquiry as M; "
        f"n = '{number}'; c = (R if n.startswith('AE') else M).objects.get(case_number=n); "
        "print(c.status, getattr(c, 'serious', '-'), getattr(c, 'valid', '-'), "
        "c.data.get('reporter_name') or c.data.get('requester_name'))",
    ).strip().splitlines()[-1]  # fmt: skip


@pytest.fixture(params=["js", "nojs"])
def any_page(request: pytest.FixtureRequest, site_server: SiteServer) -> Any:
    page = request.getfixturevalue("page" if request.param == "js" else "nojs_page")
    confirm_hcp(page, site_server)
    return page


def test_report_an_adverse_event_end_to_end(
    any_page: Any, site_server: SiteServer, axe_violations: Any, request: pytest.FixtureRequest
) -> None:
    page = any_page
    page.goto(site_server.url("/safety/adult/"))
    page.get_by_role("link", name="Report a suspected adverse event online").click()
    page.wait_for_url(site_server.url("/report-adverse-event/"))
    if "js" in request.node.callspec.id.split("-"):  # with JavaScript on, check accessibility too
        assert axe_violations(page) == []
    page.get_by_label("Patient initials or your reference").fill("A.B.")
    page.get_by_label("Age at onset").fill("41")
    page.get_by_label("Sex").select_option("male")
    page.get_by_label("What happened").fill("Veno-occlusive disease with ascites after cycle 2.")
    page.get_by_label("Date the event started").fill("2099-01-01")  # wrong on purpose: in the future
    page.get_by_label("Hospitalization (initial or prolonged)").check()
    page.get_by_label("Your name").fill("Dr Barbara McClintock")
    page.get_by_label("Email address").fill("bmcclintock@hospital.example")
    page.wait_for_timeout(FILL_WAIT_MS)
    with page.expect_navigation() as refused:
        page.get_by_role("button", name="Send the report").click()
    assert refused.value.status == 400
    summary = page.locator("[data-error-summary]")
    assert "Date the event started: The date is in the future" in summary.inner_text()
    assert page.get_by_label("What happened").input_value().startswith("Veno-occlusive")  # kept
    page.get_by_label("Date the event started").fill("2026-10-02")
    with page.expect_navigation() as accepted:
        page.get_by_role("button", name="Send the report").click()
    assert accepted.value.status == 200
    number = page.locator("[data-case-number]").inner_text()
    assert CASE.match(number) and page.locator("[data-validity=valid]").is_visible()
    assert _stored(site_server, number) == "new True True Dr Barbara McClintock"


def test_an_incomplete_report_is_taken_and_says_what_is_missing(
    any_page: Any, site_server: SiteServer
) -> None:
    page = any_page
    page.goto(site_server.url("/"))
    page.locator("footer").get_by_role("link", name="Report an adverse event online").click()
    page.get_by_label("What happened").fill("Fever and rigors during the infusion.")
    page.wait_for_timeout(FILL_WAIT_MS)
    page.get_by_role("button", name="Send the report").click()
    missing = page.locator("[data-validity=not-yet-valid]")
    assert (
        "An identifiable reporter" in missing.inner_text()
        and "An identifiable patient" in missing.inner_text()
    )
    number = page.locator("[data-case-number]").inner_text()
    assert _stored(site_server, number) == "new False False None"


def test_ask_medical_information_end_to_end(any_page: Any, site_server: SiteServer) -> None:
    page = any_page
    page.goto(site_server.url("/"))
    page.locator("footer").get_by_role("link", name="ask Medical Information a question").click()
    page.wait_for_url(site_server.url("/contact/medical-information/"))
    assert "uses that are not in the Prescribing Information" in page.locator("main").inner_text()
    page.get_by_label("Your question", exact=True).fill("Has BESPONSA been studied in CNS relapse?")
    page.get_by_label("Your name").fill("Dr Chien-Shiung Wu")
    page.get_by_label("Your profession").select_option("physician")
    page.get_by_label("Phone call").check()
    page.wait_for_timeout(FILL_WAIT_MS)
    with page.expect_navigation() as refused:
        page.get_by_role("button", name="Send the question").click()
    assert refused.value.status == 400
    assert "Phone number: Give a phone number" in page.locator("[data-error-summary]").inner_text()
    page.get_by_label("Phone number").fill("555-0199")
    page.get_by_role("button", name="Send the question").click()
    number = page.locator("[data-case-number]").inner_text()
    assert number.startswith("MI-") and "phone call" in page.locator("main").inner_text()
    assert _stored(site_server, number) == "new - - Dr Chien-Shiung Wu"


def test_the_isi_tray_links_to_the_report_form(hcp_page: Any, site_server: SiteServer) -> None:
    hcp_page.goto(site_server.url("/"))
    assert hcp_page.locator(".isi-tray a[href='/report-adverse-event/']").count() == 1


def test_safety_queue_status_change_and_e2b_export(page: Any, site_server: SiteServer, tmp_path: Any) -> None:
    from django_otp.oath import totp

    confirm_hcp(page, site_server)
    email = f"safety-{time.time_ns()}@staff.example.org"
    key = "3132333435363738393031323334353637383930"
    site_server.manage(
        "shell", "-c",
        "from django.contrib.auth.models import Group, User; "
        "from django_otp.plugins.otp_totp.models import TOTPDevice; "
        f"u = User.objects.create_user(username='{email}', email='{email}', password='{PASSWORD}'); "
        "u.groups.add(Group.objects.get(name='Safety')); "
        f"TOTPDevice.objects.create(user=u, name='phone', key='{key}', confirmed=True)",
    )  # fmt: skip
    page.goto(site_server.url("/report-adverse-event/"))
    page.get_by_label("What happened").fill("Queue walk: thrombocytopenia grade 4.")
    page.get_by_label("Life-threatening").check()
    page.get_by_label("Patient initials or your reference").fill("Q.W.")
    page.get_by_label("Your name").fill("Dr Queue Walker")
    page.wait_for_timeout(FILL_WAIT_MS)
    page.get_by_role("button", name="Send the report").click()
    number = page.locator("[data-case-number]").inner_text()

    page.goto(site_server.url("/cms/intake/safety/"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/accounts/2fa/.*"))
    page.locator("input[name=code]").fill(f"{totp(bytes.fromhex(key)):06d}")
    page.locator("input[name=code]").press("Enter")
    page.wait_for_url(re.compile(r".*/cms/intake/safety/$"))
    row = page.locator(f"tr[data-case='{number}']")
    assert "Serious" in row.inner_text() and "Day 0" in row.inner_text() and "Valid" in row.inner_text()
    row.get_by_role("link", name=number).click()
    assert "thrombocytopenia" in page.locator("main").inner_text()
    page.get_by_label("Status").select_option("triaged")
    page.get_by_label("Add a note").fill("Called the reporter; platelet counts to follow.")
    page.get_by_role("button", name="Save").click()
    assert "platelet counts to follow" in page.locator("main").inner_text()
    assert _stored(site_server, number).startswith("triaged True True")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export as ICH E2B(R3) XML").click()
    path = tmp_path / "case.xml"
    download.value.save_as(path)
    root = SafeET.fromstring(path.read_bytes())
    ids = [element.get("extension") for element in root.iter("{urn:hl7-org:v3}id")]
    assert any(str(value).endswith(number) for value in ids)
