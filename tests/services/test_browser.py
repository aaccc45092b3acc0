"""In Chromium, JavaScript on and off: the materials library, downloads and a verified HCP's print order,
through the real server and the real outbox worker; axe-core on every page of the flow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.accounts.conftest import PASSWORD
from tests.conftest import confirm_hcp

pytestmark = pytest.mark.browser


# One account per test run, so that no run sees another's orders, saved results or registrations.
HCPS = {
    f"services-{test}-{run}@example.org": True
    for test in ("orders", "referral", "event", "workspace")
    for run in ("js", "nojs")
}
HCPS["services-unverified@example.org"] = False
EVENT_CODES = {True: "PP-INO-USA-0818", False: "PP-INO-USA-0819"}  # by javascript: one event per run

# What the module's tests start from, made by one `manage.py shell` on the server's database (each
# command in a process of its own would cost a Django start-up each): the three materials, the HCPs,
# an event with five seats for each run of the event test, and the video.
SETUP = f"""
from django.core.management import call_command
from tests.accounts.conftest import make_hcp
from tests.services.test_events import make_event
from tests.services.test_videos import make_video
call_command("generate_materials")
for email, verified in {HCPS!r}.items():
    make_hcp(email, verified=verified)
for code in {sorted(EVENT_CODES.values())!r}:
    make_event(code=code, capacity=5)
make_video()
"""


@pytest.fixture(scope="module")
def materials_site(site_server: Any) -> Any:
    site_server.manage("shell", "-c", SETUP)
    return site_server


def _sign_in(page: Any, server: Any, email: str) -> None:
    page.goto(server.url("/accounts/login/?next=/support/materials/"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server.url("/support/materials/"))


def _verified_hcp(browser: Any, server: Any, test: str, *, javascript: bool) -> tuple[Any, Any, str]:
    """This run's verified HCP (made by `materials_site`), signed in through the form in a fresh browser
    context."""
    email = f"services-{test}-{'js' if javascript else 'nojs'}@example.org"
    assert HCPS[email]
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    confirm_hcp(page, server)
    _sign_in(page, server, email)
    return context, page, email


def _mail_containing(server: Any, needle: str) -> str:
    mail_dir = Path(server.var_dir) / "mail"
    for message in sorted(mail_dir.glob("*.log")) if mail_dir.exists() else []:
        text = message.read_text()
        if needle in text:
            return text
    raise AssertionError(f"no email containing {needle!r}")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_signed_out_hcps_browse_and_download_but_must_sign_in_to_order(
    browser: Any, materials_site: Any, axe_violations: Any, javascript: bool
) -> None:
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    confirm_hcp(page, materials_site)
    page.goto(materials_site.url("/support/materials/"))
    cards = page.locator(".material-card")
    assert cards.count() == 3
    assert page.get_by_role("link", name="sign in").first.is_visible()
    if javascript:
        assert axe_violations(page) == []
    href = cards.first.get_by_role("link", name="Download PDF").get_attribute("href")
    response = page.request.get(materials_site.url(href))
    assert response.status == 200 and response.body().startswith(b"%PDF")
    page.goto(materials_site.url("/materials/order/"))
    assert "/accounts/login/" in page.url
    context.close()


def test_an_unverified_hcp_is_told_to_confirm_the_address(
    page: Any, materials_site: Any, axe_violations: Any
) -> None:
    confirm_hcp(page, materials_site)
    _sign_in(page, materials_site, "services-unverified@example.org")
    assert "confirm your email address to order" in page.locator(".materials").inner_text()
    response = page.goto(materials_site.url("/materials/order/"))
    assert response.status == 403
    assert axe_violations(page) == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_verified_hcp_orders_printed_copies_and_the_worker_sends_the_confirmation(
    browser: Any, materials_site: Any, axe_violations: Any, javascript: bool
) -> None:
    context, page, _email = _verified_hcp(browser, materials_site, "orders", javascript=javascript)

    card = page.locator(".material-card").first
    title = card.get_by_role("heading").inner_text()
    card.get_by_label("Printed copies").fill("9999")
    card.get_by_role("button", name="Add to order").click()
    assert "Copies: enter a whole number of copies from 1 to" in page.locator(".error-summary").inner_text()
    if javascript:
        assert axe_violations(page) == []
    page.goto(materials_site.url("/support/materials/"))
    card = page.locator(".material-card").first
    card.get_by_label("Printed copies").fill("4")
    card.get_by_role("button", name="Add to order").click()
    assert page.get_by_role("row", name=title).is_visible()
    if javascript:
        assert axe_violations(page) == []

    page.get_by_role("link", name="Continue to shipping address").click()
    page.get_by_label("Recipient").fill("Dr Barbara McClintock")
    page.get_by_label("Street address").fill("1 Main Street")
    page.get_by_label("City").fill("Albany")
    page.get_by_label("State").select_option("NY")
    page.get_by_label("ZIP code").fill("1220")
    page.get_by_role("button", name="Place order").click()
    assert "ZIP code: enter 5 digits" in page.locator(".error-summary").inner_text()
    assert page.get_by_label("ZIP code").get_attribute("aria-invalid") == "true"
    if javascript:
        assert axe_violations(page) == []
    page.get_by_label("ZIP code").fill("12207")
    page.get_by_role("button", name="Place order").click()
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.startswith("Order MO-")
    reference = heading.removeprefix("Order ")
    assert "Received" in page.locator("dl").inner_text()
    if javascript:
        assert axe_violations(page) == []

    # The confirmation waits in the durable outbox until the worker runs.
    materials_site.manage("db_worker", "--backend", "outbox", "--batch", "--no-startup-delay")
    mail = _mail_containing(materials_site, reference)
    assert "4 × " + title in mail and "Albany, NY 12207" in mail

    page.goto(materials_site.url("/materials/orders/"))
    assert page.get_by_role("link", name=reference).is_visible()
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_verified_hcp_asks_patient_support_to_call(
    browser: Any, materials_site: Any, axe_violations: Any, javascript: bool
) -> None:
    context, page, _email = _verified_hcp(browser, materials_site, "referral", javascript=javascript)
    page.goto(materials_site.url("/support/patient-support/"))
    page.get_by_role("link", name="Request a call from patient support").click()
    page.get_by_label("Practice or institution").fill("Mercy Hospital Infusion Center")
    page.get_by_label("Office phone").fill("555-0142")
    page.get_by_label("Best time to call").select_option("afternoon")
    page.get_by_label("Office time zone").select_option("America/Chicago")
    page.get_by_role("button", name="Send request").click()
    summary = page.locator(".error-summary").inner_text()
    assert "Office phone: enter a 10-digit US number" in summary
    assert "Help needed: choose at least one kind of help." in summary
    if javascript:
        assert axe_violations(page) == []
    page.get_by_label("Office phone").fill("518-555-0142")
    page.get_by_label("Financial assistance").check()
    page.get_by_role("button", name="Send request").click()
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.startswith("Request PS-") and heading.endswith(" sent")
    if javascript:
        assert axe_violations(page) == []
    materials_site.manage("db_worker", "--backend", "outbox", "--batch", "--no-startup-delay")
    mail = _mail_containing(materials_site, heading.split()[1])
    assert "Financial assistance" in mail and "Central time" in mail
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_verified_hcp_registers_for_an_event_and_cancels(
    browser: Any, materials_site: Any, axe_violations: Any, javascript: bool
) -> None:
    code = EVENT_CODES[javascript]
    context, page, email = _verified_hcp(browser, materials_site, "event", javascript=javascript)
    page.goto(materials_site.url(f"/support/events/event-{code[-4:]}/"))
    assert page.get_by_text("5 seats left").is_visible()
    if javascript:
        assert axe_violations(page) == []
    page.get_by_role("button", name="Register").click()
    assert page.get_by_text("You are registered.", exact=True).is_visible()
    if javascript:
        assert axe_violations(page) == []
    materials_site.manage("db_worker", "--backend", "outbox", "--batch", "--no-startup-delay")
    mail = _mail_containing(materials_site, email)
    assert "BEGIN:VCALENDAR" in mail
    page.get_by_role("button", name="Cancel my registration").click()
    assert page.get_by_text("Your registration is cancelled.").is_visible()
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_verified_hcp_saves_a_dose_result_to_the_workspace_and_exports_it(
    browser: Any, materials_site: Any, axe_violations: Any, javascript: bool
) -> None:
    context, page, _email = _verified_hcp(browser, materials_site, "workspace", javascript=javascript)

    def calculate() -> None:  # the tools take values in a POST body only: type them and submit
        page.goto(materials_site.url("/tools/dose/"))
        for name, value in {"height_cm": "170", "weight_kg": "70", "age_years": "50", "cycle": "1"}.items():
            page.locator(f"input[name={name}]").fill(value)
        page.get_by_role("button", name="Calculate").click()
        page.get_by_label("Save to my workspace as").wait_for()

    calculate()
    page.get_by_label("Save to my workspace as").fill("MRN 1234567")
    page.get_by_role("button", name="Save", exact=True).click()
    assert "Label: no record numbers or dates" in page.locator(".error-summary").inner_text()
    calculate()
    page.get_by_label("Save to my workspace as").fill("cycle 1 dose check")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(materials_site.url("/account/"))
    assert page.get_by_role("row", name="cycle 1 dose check").first.is_visible()
    if javascript:
        assert axe_violations(page) == []
    response = page.request.get(materials_site.url("/account/export.json"))
    assert response.status == 200
    assert response.json()["saved_calculations"][0]["label"] == "cycle 1 dose check"
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_video_page_has_captions_transcript_and_the_isi(
    browser: Any, materials_site: Any, axe_violations: Any, javascript: bool
) -> None:
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    confirm_hcp(page, materials_site)
    page.goto(materials_site.url("/support/videos/preparing-besponsa/"))
    assert page.locator("video track[kind=captions]").count() == 1
    assert page.get_by_role("heading", name="Transcript").is_visible()
    assert (
        page.get_by_role("complementary")
        .get_by_role("link", name="Read the full Important Safety Information")
        .is_visible()
    )
    if javascript:
        assert axe_violations(page) == []
    context.close()
