"""In Chromium: the account pages pass axe-core, and the whole HCP journey works end to end."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/accounts/register/", "/accounts/login/", "/accounts/password/reset/"])
def test_account_pages_have_no_axe_violations(
    hcp_page: Any, site_server: Any, axe_violations: Any, path: str
) -> None:
    hcp_page.goto(site_server.url(path))
    assert axe_violations(hcp_page) == []


def test_registration_errors_have_no_axe_violations(
    hcp_page: Any, site_server: Any, axe_violations: Any
) -> None:
    hcp_page.goto(site_server.url("/accounts/register/"))
    hcp_page.get_by_role("button", name="Create account").click()
    hcp_page.wait_for_load_state()
    assert hcp_page.locator(".error-summary[role=alert]").is_visible()
    hcp_page.wait_for_function("document.activeElement.classList.contains('error-summary')")
    assert axe_violations(hcp_page) == []


def _mail_containing(server: Any, needle: str, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    mail_dir = Path(server.var_dir) / "mail"
    while time.monotonic() < deadline:
        for message in sorted(mail_dir.glob("*.log")) if mail_dir.exists() else []:
            text = message.read_text()
            if needle in text:
                return text
        time.sleep(0.2)
    raise AssertionError(f"no email containing {needle!r}")


def test_register_verify_sign_in_create_a_token_and_sign_out(
    hcp_page: Any, site_server: Any, axe_violations: Any
) -> None:
    page = hcp_page
    email = f"journey-{time.time_ns()}@example.org"
    page.goto(site_server.url("/accounts/register/"))
    page.get_by_label("First name").fill("Barbara")
    page.get_by_label("Last name").fill("McClintock")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Profession", exact=True).select_option("physician")
    page.get_by_label("Specialty").fill("Hematology")
    page.get_by_label("NPI (National Provider Identifier)").fill("1234567890")  # wrong check digit first
    page.get_by_label("State of license").select_option("NY")
    page.get_by_label("License number").fill("NY-55555")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_label("I confirm I am a US healthcare professional").check()
    page.get_by_role("button", name="Create account").click()
    alert = page.locator(".error-summary")
    assert "NPI: this number fails the NPI check-digit test" in alert.inner_text()
    assert page.get_by_label("NPI (National Provider Identifier)").get_attribute("aria-invalid") == "true"

    page.get_by_label("NPI (National Provider Identifier)").fill("1234567893")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(site_server.url("/accounts/register/done/"))

    body = _mail_containing(site_server, email)
    link = re.search(r"http://[^\s]+/accounts/verify/[^\s]+/", body)
    assert link, body
    page.goto(link.group(0))
    assert page.get_by_role("heading", name="Email address confirmed").is_visible()

    page.goto(site_server.url("/accounts/login/"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(site_server.url("/accounts/profile/"))
    utility = page.get_by_role("navigation", name="Utility")
    assert utility.get_by_role("link", name="Barbara").is_visible()
    assert axe_violations(page) == []  # the profile page, with its edit form

    page.get_by_role("link", name="Create or revoke API tokens").click()
    page.get_by_label("Token name").fill("ward laptop")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("[data-token]").inner_text()
    assert token.startswith("bsp_") and len(token) > 40
    assert page.get_by_role("rowheader", name="ward laptop").is_visible()
    assert axe_violations(page) == []  # the token page, showing the new token and the table

    utility.get_by_role("button", name="Log out").click()
    page.wait_for_url(site_server.url("/"))
    assert page.get_by_role("navigation", name="Utility").get_by_role("link", name="Sign in").is_visible()


def test_staff_enrol_totp_in_the_browser_then_reach_the_cms(
    hcp_page: Any, site_server: Any, axe_violations: Any
) -> None:
    from base64 import b32decode

    from django_otp.oath import totp

    email = f"editor-{time.time_ns()}@staff.example.org"
    site_server.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import Group, User; "
        f"u = User.objects.create_user(username='{email}', email='{email}', password='{PASSWORD}', "
        "first_name='Edith'); u.groups.add(Group.objects.get(name='Content editors'))",
    )
    page = hcp_page
    page.goto(site_server.url("/cms/"))
    page.wait_for_url(re.compile(r".*/accounts/login/\?next=%2Fcms%2F$"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/accounts/2fa/setup/.*"))
    assert axe_violations(page) == []
    secret = page.locator(".totp-secret").inner_text().replace(" ", "")
    assert page.locator(".totp-uri").inner_text().startswith("otpauth://totp/")
    code = f"{totp(b32decode(secret)):06d}"
    page.get_by_label("6-digit code from your authenticator app").fill(code)
    page.get_by_role("button", name="Confirm and continue").click()
    page.wait_for_url(site_server.url("/cms/"))
    assert "Dashboard" in page.title()
