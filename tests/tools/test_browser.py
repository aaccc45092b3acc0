"""Every tool form filled in real Chromium, with JavaScript on (live results) and off (plain GET forms),
and axe-core on every tool page, blank, with results and with errors."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import SiteServer, confirm_hcp

pytestmark = pytest.mark.browser

# (page, {field id: value}, words the result must show)
FORMS: list[tuple[str, dict[str, str], str]] = [
    (
        "/tools/dose/",
        {"dose-height-cm": "170", "dose-weight-kg": "70", "dose-cycle": "1"},
        "Preparing a 1.46 mg dose",
    ),
    (
        "/tools/planner/",
        {
            "plan-height-cm": "165",
            "plan-weight-kg": "62.5",
            "plan-cycle": "2",
            "plan-start-date": "2025-03-03",
            "plan-best-response": "cr",
        },
        "2025-03-17",
    ),
    (
        "/tools/modifications/",
        {
            "modify-timing": "before_cycle",
            "modify-baseline-anc": "0.6",
            "modify-baseline-platelets": "35",
            "modify-previous-cycle-baseline-anc": "0.8",
            "modify-previous-cycle-baseline-platelets": "40",
            "modify-labs-anc": "0.9",
            "modify-labs-platelets": "45",
        },
        "Give the dose",
    ),
    (
        "/tools/response/",
        {
            "assess-marrow-blasts-pct": "3",
            "assess-peripheral-blasts": "0",
            "assess-anc": "1.2",
            "assess-platelets": "120",
        },
        "Complete remission (CR)",
    ),
    ("/tools/safety/", {"qtc-qt-ms": "420", "qtc-heart-rate-bpm": "75"}, "452.4 ms"),
    ("/tools/safety/", {"grade-term": "platelet_count_decreased", "grade-value": "40"}, "grade 3"),
    ("/tools/safety/", {"dates-last-dose-date": "2025-05-31"}, "2026-01-31"),
]


def fill(page: Any, values: dict[str, str]) -> None:
    for field_id, value in values.items():
        locator = page.locator(f"#{field_id}")
        if locator.evaluate("el => el.tagName") == "SELECT":
            locator.select_option(value)
        else:
            locator.fill(value)


def result_of(page: Any, field_id: str) -> Any:
    form = page.locator(f"#{field_id}").locator("xpath=ancestor::form")
    return page.locator("#" + form.get_attribute("data-result"))


@pytest.fixture
def nojs_hcp_page(nojs_page: Any, site_server: SiteServer) -> Any:
    confirm_hcp(nojs_page, site_server)
    return nojs_page


@pytest.mark.parametrize(
    ("path", "values", "words"), FORMS, ids=[f"{p}{i}" for i, (p, _, _) in enumerate(FORMS)]
)
def test_forms_work_with_javascript_off(
    nojs_hcp_page: Any, site_server: SiteServer, path: str, values: dict[str, str], words: str
) -> None:
    page = nojs_hcp_page
    page.goto(site_server.url(path))
    fill(page, values)
    first = next(iter(values))
    page.locator(f"#{first}").locator("xpath=ancestor::form").locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert words in result_of(page, first).inner_text()
    assert "form=" in page.url, "the result is a bookmarkable GET URL"


@pytest.mark.parametrize(
    ("path", "values", "words"), FORMS, ids=[f"{p}{i}" for i, (p, _, _) in enumerate(FORMS)]
)
def test_results_update_while_typing_with_javascript_on(
    hcp_page: Any, site_server: SiteServer, path: str, values: dict[str, str], words: str
) -> None:
    page = hcp_page
    page.goto(site_server.url(path))
    url_before = page.url
    fill(page, values)
    first = next(iter(values))
    region = result_of(page, first)
    assert region.get_attribute("aria-live") == "polite"
    page.wait_for_function(
        "([id, words]) => document.getElementById(id).innerText.includes(words)",
        arg=[region.get_attribute("id"), words],
        timeout=5000,
    )
    assert page.url != url_before and "form=" in page.url, "the address follows the result"


def test_field_errors_are_shown_and_announced_with_javascript_off(
    nojs_hcp_page: Any, site_server: SiteServer
) -> None:
    page = nojs_hcp_page
    page.goto(site_server.url("/tools/dose/"))
    fill(page, {"dose-height-cm": "1700", "dose-weight-kg": "70", "dose-cycle": "1"})
    page.locator("form[data-tool-form] button[type=submit]").click()
    page.wait_for_load_state()
    height = page.locator("#dose-height-cm")
    assert height.get_attribute("aria-invalid") == "true"
    assert "dose-height-cm-error" in height.get_attribute("aria-describedby")
    assert "must be between 40 and 250 cm" in page.locator("#dose-height-cm-error").inner_text()
    summary = page.locator("[role=alert]")
    assert "must be between 40 and 250 cm" in summary.inner_text()


def test_field_errors_update_while_typing(hcp_page: Any, site_server: SiteServer) -> None:
    page = hcp_page
    page.goto(site_server.url("/tools/dose/"))
    fill(page, {"dose-height-cm": "170", "dose-weight-kg": "70", "dose-cycle": "1"})
    page.wait_for_function("() => document.getElementById('dose-result').innerText.includes('1.46 mg')")
    page.locator("#dose-height-cm").fill("1700")
    page.wait_for_function("() => !document.getElementById('dose-height-cm-error').hidden")
    assert page.locator("#dose-height-cm").get_attribute("aria-invalid") == "true"
    page.locator("#dose-height-cm").fill("170")
    page.wait_for_function("() => document.getElementById('dose-height-cm-error').hidden")


AXE_URLS = [
    "/tools/",
    "/tools/dose/",
    "/tools/dose/?form=dose&height_cm=170&weight_kg=70&cycle=1&route=bag",
    "/tools/dose/?form=dose&height_cm=1700&weight_kg=x&cycle=1",
    "/tools/planner/",
    "/tools/planner/?form=plan&height_cm=165&weight_kg=62.5&cycle=2&start_date=2025-03-03&best_response=cr",
    "/tools/planner/?form=plan&height_cm=165",
    "/tools/modifications/",
    "/tools/modifications/?form=modify&timing=before_dose&baseline.anc=2&baseline.platelets=150&interruption_days=8",
    "/tools/modifications/?form=modify&timing=before_cycle&baseline.anc=x",
    "/tools/response/",
    "/tools/response/?form=assess&marrow_blasts_pct=3&peripheral_blasts=0&anc=0.8&platelets=110",
    "/tools/safety/",
    "/tools/safety/?form=qtc&qt_ms=420&heart_rate_bpm=75",
    "/tools/safety/?form=grade&term=ast_increased&value=x",
    "/api/v1/docs",
]


def test_axe_finds_no_violation_on_any_tool_page(
    hcp_page: Any, site_server: SiteServer, axe_violations: Any
) -> None:
    found = {}
    for path in AXE_URLS:
        hcp_page.goto(site_server.url(path))
        violations = axe_violations(hcp_page)
        if violations:
            found[path] = violations
    assert found == {}
