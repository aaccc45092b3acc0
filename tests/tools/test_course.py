"""The whole-course planner page (issue 10 item 10, web side): earlier cycles as row slots that work
without JavaScript, the engine's answer for the next cycle, and its PDF and calendar as POSTs."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from besponsa.clinical.operations import execute
from besponsa.tools import forms
from tests.tools.test_pages import by_id, elements, text_of

pytestmark = pytest.mark.django_db

HISTORY = {
    "form": "course",
    "height_cm": "165",
    "weight_kg": "62.5",
    "age_years": "34",
    "cycle_rows": "2",
    "cycles[0].day1_date": "2025-03-03",
    "cycles[0].response": "cri",
    "cycles[0].last_dose_date": "2025-03-17",
    "cycles[1].day1_date": "2025-03-31",
    "cycles[1].response": "cr",
    "cycles[1].mrd_negative": "true",
    "cycles[1].last_dose_date": "2025-04-07",
    "cycles[1].interruption_days": "15",
}
ENGINE = {
    "height_cm": 165,
    "weight_kg": 62.5,
    "age_years": 34,
    "cycles": [
        {"day1_date": "2025-03-03", "response": "cri", "last_dose_date": "2025-03-17"},
        {
            "day1_date": "2025-03-31",
            "response": "cr",
            "mrd_negative": True,
            "last_dose_date": "2025-04-07",
            "interruption_days": 15,
        },
    ],
}


def test_the_course_page_is_linked_and_offers_blank_rows(hcp: Client) -> None:
    assert 'href="/tools/course/"' in hcp.get("/tools/").content.decode()
    html = hcp.get("/tools/course/").content
    names = [a.get("name") for _, a in elements(html)]
    assert "cycles[0].day1_date" in names and "cycles[1].day1_date" in names
    assert "cycles[2].day1_date" not in names
    assert by_id(html, "course-cycles-0-dose-level") is not None
    assert "data-required" not in by_id(html, "course-cycles-0-day1-date"), "a blank row is allowed"


def test_the_next_cycle_follows_the_history(hcp: Client) -> None:
    response = hcp.post("/tools/course/", HISTORY)
    assert response.status_code == 200
    plan = execute("course", ENGINE)
    assert (plan["cycle"], plan["dose_level"]) == (3, "reduced_25"), "a 15-day interruption steps down"
    text = text_of(response.content)
    assert text.split("Next cycle", 1)[1].lstrip().startswith(plan["headline"]), "the decision comes first"
    assert f"Cycles completed {plan['cycles_completed']}" in text
    for dose in plan["doses"]:
        assert dose["date"] in text and str(dose["dose_mg"]) in text
    html = response.content.decode()
    assert 'action="/tools/course/plan.pdf"' in html and 'formaction="/tools/course/plan.ics"' in html


def test_add_a_row_keeps_every_value_and_calculates_nothing(hcp: Client) -> None:
    response = hcp.post("/tools/course/", {**HISTORY, "add_cycle": "1"})
    assert response.status_code == 200
    html = response.content
    assert by_id(html, "course-cycles-2-day1-date")["value"] == ""
    assert by_id(html, "course-cycles-1-day1-date")["value"] == "2025-03-31"
    assert "checked" in by_id(html, "course-cycles-1-mrd-negative")
    assert "Calendar of cycle" not in html.decode()
    hidden = {a.get("name"): a.get("value") for _, a in elements(html) if a.get("type") == "hidden"}
    assert hidden["cycle_rows"] == "3"


def test_rows_stop_at_the_engines_limit(hcp: Client) -> None:
    limit = forms.list_limit("course", "cycles")
    html = hcp.post("/tools/course/", {**HISTORY, "cycle_rows": str(limit), "add_cycle": "1"}).content
    names = {a.get("name") for _, a in elements(html)}
    assert f"cycles[{limit - 1}].day1_date" in names and f"cycles[{limit}].day1_date" not in names
    assert 'name="add_cycle"' not in html.decode(), "no more rows can be added"


def test_a_bad_row_is_named_by_its_cycle_and_marked_at_its_field(hcp: Client) -> None:
    posted = {**HISTORY, "cycles[1].day1_date": "", "cycles[1].interruption_days": "-1"}
    response = hcp.post("/tools/course/", posted)
    assert response.status_code == 422
    html = response.content
    assert by_id(html, "course-cycles-1-day1-date").get("aria-invalid") == "true"
    assert by_id(html, "course-cycles-1-interruption-days").get("aria-invalid") == "true"
    text = text_of(html)
    assert "Earlier cycle 2: Actual Day 1 of that cycle" in text and "is required" in text
    assert 'href="#course-cycles-1-day1-date"' in html.decode()
    assert "cycles[1]" not in text.split("Please correct")[1], "messages use labels, not code names"


def test_the_first_cycle_needs_its_day_one(hcp: Client) -> None:
    posted = {k: v for k, v in HISTORY.items() if not k.startswith("cycles[")}
    response = hcp.post("/tools/course/", posted)
    assert response.status_code == 422
    assert by_id(response.content, "course-start-date").get("aria-invalid") == "true"
    plan = hcp.post("/tools/course/", {**posted, "start_date": "2025-03-03", "peripheral_blasts": "12"})
    assert plan.status_code == 200
    status = execute("course", {**ENGINE, "cycles": [], "start_date": "2025-03-03", "peripheral_blasts": 12})
    assert status["status"] == "consider", "the cytoreduction gate holds the first cycle"
    assert "Status of cycle 1: May be considered" in text_of(plan.content)


def test_the_course_pdf_prints_the_history_and_the_calendar_holds_the_plan(
    hcp: Client, tmp_path: Path
) -> None:
    response = hcp.post("/tools/course/plan.pdf", {**HISTORY, "paper": "letter"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    path = tmp_path / "course.pdf"
    path.write_bytes(response.content)
    text = re.sub(
        r"\s+",
        " ",
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout,
    )
    plan = execute("course", ENGINE)
    assert "Earlier cycles (as entered)" in text and "2025-03-31" in text and "15 days" in text
    assert plan["headline"] in text and "PP-INO-USA-0707" in text
    calendar = hcp.post("/tools/course/plan.ics", HISTORY)
    assert calendar.status_code == 200
    starts = re.findall(r"DTSTART;VALUE=DATE:(\d+)", calendar.content.decode())
    assert starts[0] == plan["doses"][0]["date"].replace("-", "")
    assert hcp.get("/tools/course/plan.pdf").status_code == 405
