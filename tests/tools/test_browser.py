"""Every tool form filled in real Chromium, with JavaScript on (live results) and off (plain POST forms),
and axe-core on every tool page, blank, with results and with errors. No value ever reaches the address."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import SiteServer, confirm_hcp

pytestmark = pytest.mark.browser

# (page, {field id: value}, words the result must show)
FORMS: list[tuple[str, dict[str, str], str]] = [
    (
        "/tools/dose/",
        {"dose-height-cm": "170", "dose-weight-kg": "70", "dose-age-years": "34", "dose-cycle": "1"},
        "Preparing a 1.46 mg dose",
    ),
    (
        "/tools/planner/",
        {
            "plan-height-cm": "165",
            "plan-weight-kg": "62.5",
            "plan-age-years": "34",
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
    assert page.url == site_server.url(path), "the values were posted, never put in the address"


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
    assert page.url == url_before, "live results never put values in the address"


def test_field_errors_are_shown_and_announced_with_javascript_off(
    nojs_hcp_page: Any, site_server: SiteServer
) -> None:
    page = nojs_hcp_page
    page.goto(site_server.url("/tools/dose/"))
    fill(page, {"dose-height-cm": "1700", "dose-weight-kg": "70", "dose-age-years": "34", "dose-cycle": "1"})
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
    fill(page, {"dose-height-cm": "170", "dose-weight-kg": "70", "dose-age-years": "34", "dose-cycle": "1"})
    page.wait_for_function("() => document.getElementById('dose-result').innerText.includes('1.46 mg')")
    page.locator("#dose-height-cm").fill("1700")
    page.wait_for_function("() => !document.getElementById('dose-height-cm-error').hidden")
    assert page.locator("#dose-height-cm").get_attribute("aria-invalid") == "true"
    page.locator("#dose-height-cm").fill("170")
    page.wait_for_function("() => document.getElementById('dose-height-cm-error').hidden")


def test_planner_downloads_are_posts_with_javascript_off(nojs_hcp_page: Any, site_server: SiteServer) -> None:
    page = nojs_hcp_page
    path, values, _ = FORMS[1]
    page.goto(site_server.url(path))
    fill(page, values)
    page.locator("form[data-tool-form] button[type=submit]").click()
    page.wait_for_load_state()
    requests: list[Any] = []
    page.on("request", lambda request: requests.append(request))
    with page.expect_download() as pdf:
        page.get_by_role("button", name="Download the PDF plan").click()
    assert pdf.value.suggested_filename == "besponsa-cycle-2-plan.pdf"
    with page.expect_download() as calendar:
        page.get_by_role("button", name="Download the calendar (.ics)").click()
    assert calendar.value.suggested_filename == "besponsa-cycle-2.ics"
    downloads = [r for r in requests if "/plan." in r.url]
    assert len(downloads) == 2 and all(r.method == "POST" and "?" not in r.url for r in downloads)
    assert all("2025-03-03" in (r.post_data or "") for r in downloads)


def test_modifications_leads_with_the_decision_with_javascript_on_and_off(
    hcp_page: Any, nojs_hcp_page: Any, site_server: SiteServer
) -> None:
    path, values, _ = FORMS[2]
    for page in (hcp_page, nojs_hcp_page):
        page.goto(site_server.url(path))
        fill(page, values)
        if page is nojs_hcp_page:
            page.locator("form[data-tool-form] button[type=submit]").click()
            page.wait_for_load_state()
        else:
            page.wait_for_function("() => document.querySelector('#modify-result .tool-outcome') !== null")
        headline = page.locator("#modify-result .tool-outcome").first.inner_text()
        assert headline.startswith("Give this cycle"), headline
        assert page.url == site_server.url(path)


COURSE = {
    "course-height-cm": "165",
    "course-weight-kg": "62.5",
    "course-age-years": "34",
    "course-cycles-0-day1-date": "2025-03-03",
    "course-cycles-0-response": "cri",
    "course-cycles-0-last-dose-date": "2025-03-17",
    "course-cycles-1-day1-date": "2025-03-31",
    "course-cycles-1-response": "cr",
    "course-cycles-1-last-dose-date": "2025-04-07",
}


def test_course_rows_are_added_and_planned_with_javascript_off(
    nojs_hcp_page: Any, site_server: SiteServer
) -> None:
    page = nojs_hcp_page
    page.goto(site_server.url("/tools/course/"))
    fill(page, COURSE)
    assert page.locator("#course-cycles-2-day1-date").count() == 0
    page.get_by_role("button", name="Add a row for another earlier cycle").click()
    page.wait_for_load_state()
    assert page.locator("#course-cycles-1-day1-date").input_value() == "2025-03-31", "values are kept"
    fill(page, {"course-cycles-2-day1-date": "2025-04-28", "course-cycles-2-last-dose-date": "2025-05-12"})
    page.get_by_role("button", name="Plan the next cycle").click()
    page.wait_for_load_state()
    result = page.locator("#course-result").inner_text()
    assert "cycle 4" in result and "Cycles completed\t3" in result.replace(": ", "\t"), result[:400]
    assert page.url == site_server.url("/tools/course/")


# (page, values to fill or None for the blank page, words to wait for)
AXE_STATES: list[tuple[str, dict[str, str] | None, str]] = [
    ("/tools/", None, ""),
    ("/tools/dose/", None, ""),
    FORMS[0],
    (
        "/tools/dose/",
        {"dose-height-cm": "1700", "dose-weight-kg": "x", "dose-age-years": "34", "dose-cycle": "1"},
        "must be between",
    ),
    ("/tools/planner/", None, ""),
    FORMS[1],
    ("/tools/course/", None, ""),
    ("/tools/course/", COURSE, "Calendar of cycle 3"),
    ("/tools/course/", {**COURSE, "course-cycles-1-interruption-days": "-1"}, "must be between 0 and"),
    ("/tools/modifications/", None, ""),
    FORMS[2],
    ("/tools/modifications/", {**FORMS[2][1], "modify-baseline-anc": "x"}, "must be a number"),
    ("/tools/response/", None, ""),
    FORMS[3],
    ("/tools/safety/", None, ""),
    FORMS[4],
    ("/tools/safety/", {"grade-term": "ast_increased", "grade-value": "x"}, "must be a number"),
]


def test_axe_finds_no_violation_on_any_tool_page(
    hcp_page: Any, site_server: SiteServer, axe_violations: Any
) -> None:
    page = hcp_page
    found = {}
    for number, (path, values, words) in enumerate(AXE_STATES):
        page.goto(site_server.url(path))
        if values:
            fill(page, values)
            first = next(iter(values))
            form = page.locator(f"#{first}").locator("xpath=ancestor::form")
            form.locator("button[type=submit]").first.click()
            page.wait_for_load_state()
            assert words in page.content(), (path, words)
        violations = axe_violations(page)
        if violations:
            found[f"{number}:{path}"] = violations
    page.goto(site_server.url("/api/v1/docs"))
    if violations := axe_violations(page):
        found["/api/v1/docs"] = violations
    assert found == {}
