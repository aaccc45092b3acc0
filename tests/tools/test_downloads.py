"""The planner's downloads: the printable PDF (Letter or A4) and the .ics calendar."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from django.test import Client

from besponsa.clinical.operations import execute
from besponsa.portal.models import SafetyInformation

pytestmark = pytest.mark.django_db

PLAN = {
    "form": "plan",
    "height_cm": "165",
    "weight_kg": "62.5",
    "age_years": "34",
    "cycle": "2",
    "start_date": "2025-03-03",
    "best_response": "cr",
    "hsct_planned": "true",
}
ENGINE_PLAN = execute(
    "plan",
    {
        "height_cm": 165,
        "weight_kg": 62.5,
        "age_years": 34,
        "cycle": 2,
        "start_date": "2025-03-03",
        "best_response": "cr",
        "hsct_planned": True,
    },
)


@contextmanager
def freeze(moment: dt.datetime) -> Iterator[None]:
    with mock.patch("besponsa.tools.ics._now", return_value=moment):
        yield


@pytest.fixture
def isi(db: None) -> SafetyInformation:
    item = SafetyInformation(
        title="Important Safety Information",
        boxed_warning_title="WARNING: HEPATOTOXICITY TEST TITLE",
        boxed_warning="<p>Boxed warning text.</p>",
        tray_summary="Tray summary sentence for the test.",
        indication="<p>Indication.</p>",
        warnings_and_precautions="<p>W&amp;P.</p>",
        adverse_reactions="<p>AR.</p>",
        specific_populations="<p>SP.</p>",
    )
    item.save()
    item.save_revision().publish()
    return item


def pdf_text(content: bytes, tmp_path: Path) -> tuple[str, str]:
    path = tmp_path / "plan.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return info, text


def raw_text(content: bytes, tmp_path: Path) -> str:
    """The PDF's text in reading order (not laid out in columns), whitespace collapsed."""
    path = tmp_path / "plan.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module", autouse=True)
def _poppler() -> None:
    if not shutil.which("pdfinfo"):
        pytest.fail("poppler-utils (pdfinfo, pdftotext) is missing: apt-get install -y poppler-utils")


@pytest.mark.parametrize(("paper", "points"), [("letter", "612 x 792"), ("a4", "595.276 x 841.89")])
def test_pdf_plan_has_the_chosen_page_size_and_every_item(
    hcp: Client, isi: SafetyInformation, tmp_path: Path, paper: str, points: str
) -> None:
    response = hcp.post("/tools/planner/plan.pdf", {**PLAN, "paper": paper})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith(b"%PDF")
    info, text = pdf_text(response.content, tmp_path)
    assert re.search(rf"Page size:\s+{re.escape(points)} pts", info), info
    flat = re.sub(r"\s+", " ", text)
    assert f"BSA {ENGINE_PLAN['bsa_m2']} m²" in flat
    for dose in ENGINE_PLAN["doses"]:
        assert dose["date"] in flat
    assert str(ENGINE_PLAN["doses"][0]["volume_ml"]) in flat
    assert "Complete blood count before each dose" in flat
    assert "PI 2.2 Table 1" in flat
    assert "PP-INO-USA-0703" in flat
    assert "WARNING: HEPATOTOXICITY TEST TITLE" in flat and "Tray summary sentence for the test." in flat
    assert "the treating clinician decides" in flat


def test_pdf_plan_is_ready_for_the_chart(hcp: Client, isi: SafetyInformation, tmp_path: Path) -> None:
    """Body size and formula, handwritten identity lines, sign-offs, preparation with its time limits,
    vial lot and expiry, pre-dose tick boxes, the status and every note (issue 10 item 12)."""
    response = hcp.post("/tools/planner/plan.pdf", {**PLAN, "paper": "letter"})
    flat = raw_text(response.content, tmp_path)
    bsa = execute("bsa", {"height_cm": 165, "weight_kg": 62.5})
    assert "165 cm" in flat and "62.5 kg" in flat
    assert bsa["formula_text"] in flat and bsa["formula_reference"] in flat
    for line in ("Patient name", "Medical record number (MRN)", "Date of birth", "write by hand"):
        assert line in flat
    assert "Prescriber" in flat and "Pharmacist (verified)" in flat and "Signature" in flat
    for mg in {dose["dose_mg"] for dose in ENGINE_PLAN["doses"]}:
        prepared = execute("prepare", {"dose_mg": mg})
        assert f"Preparing a {mg} mg dose" in flat
        for step in prepared["steps"]:
            assert re.sub(r"\s+", " ", step) in flat
        assert f"at most {prepared['max_hours_reconstitution_to_dilution']:g} h from reconstitution" in flat
        assert f"{prepared['max_hours_reconstitution_to_end_of_infusion']:g} h after reconstitution" in flat
    assert "Vial lot" in flat and "Vial expiry" in flat
    assert "Checks for each dose (tick when done)" in flat
    for check in ENGINE_PLAN["pre_dose_checks"]:
        assert re.sub(r"\s+", " ", check["text"]) in flat
    assert "Status: Proceed" in flat
    notes = ENGINE_PLAN["notes"] + bsa["notes"]
    for note in notes:
        body = note.split("): ", 1)[-1]
        assert re.sub(r"\s+", " ", body) in flat, body


def test_pdf_never_prints_who_the_patient_is(hcp: Client, isi: SafetyInformation, tmp_path: Path) -> None:
    response = hcp.post("/tools/planner/plan.pdf", {**PLAN, "paper": "letter", "initials": "QXZ"})
    _, text = pdf_text(response.content, tmp_path)
    assert "QXZ" not in text, "no identity field is read, even if one is posted"


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"paper": "legal"}, "Paper size must be Letter or A4"),
        ({"paper": "a4", "weight_kg": "0"}, "Actual body weight in kg must be between 3 and 300 kg"),
    ],
)
def test_pdf_with_bad_options_answers_the_planner_with_a_message(
    hcp: Client, extra: dict[str, str], words: str
) -> None:
    response = hcp.post("/tools/planner/plan.pdf", {**PLAN, **extra})
    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/html")
    assert words in response.content.decode()


def test_pdf_rendering_fetches_nothing_but_our_static_files() -> None:
    from besponsa.tools.pdf import _static_fetcher

    fetcher = _static_fetcher()
    assert fetcher.fetch("static:tools/css/plan-print.css").read().startswith(b"/*")
    for url in ("https://example.com/x.css", "http://127.0.0.1/x.css", "file:///etc/passwd", "static:../x"):
        with pytest.raises(ValueError, match="fetches nothing but our own static files"):
            fetcher.fetch(url)


def unfolded(raw: bytes) -> list[str]:
    return raw.decode().replace("\r\n ", "").split("\r\n")[:-1]


def test_ics_is_rfc5545_with_an_all_day_event_per_dose_day(hcp: Client) -> None:
    response = hcp.post("/tools/planner/plan.ics", PLAN)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert 'filename="besponsa-cycle-2.ics"' in response["Content-Disposition"]
    raw = response.content
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b""), "every line ends in CRLF"
    physical = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in physical), "lines are folded at 75 octets"
    lines = unfolded(raw)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    assert "METHOD:PUBLISH" in lines
    starts = [line.split(":", 1)[1] for line in lines if line.startswith("DTSTART;VALUE=DATE:")]
    dose_days = [dose["date"].replace("-", "") for dose in ENGINE_PLAN["doses"]]
    assert starts[:3] == dose_days
    assert starts[3] == ENGINE_PLAN["next_cycle_earliest_start"].replace("-", "")
    events = lines.count("BEGIN:VEVENT")
    assert events == 4 == lines.count("END:VEVENT") == lines.count("STATUS:CONFIRMED")
    uids = [line for line in lines if line.startswith("UID:")]
    assert len(set(uids)) == events
    assert sum(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines) == events
    assert "SUMMARY:BESPONSA cycle 2\\, Day 1" in lines
    assert any(line.startswith("DESCRIPTION:Plan status: Proceed.") for line in lines)


def _uids(lines: list[str]) -> list[str]:
    return [line.split(":", 1)[1] for line in lines if line.startswith("UID:")]


def _sequence(lines: list[str]) -> int:
    return int(next(line for line in lines if line.startswith("SEQUENCE:")).split(":")[1])


def test_each_new_plan_gets_fresh_random_uids(hcp: Client) -> None:
    first = _uids(unfolded(hcp.post("/tools/planner/plan.ics", PLAN).content))
    second = _uids(unfolded(hcp.post("/tools/planner/plan.ics", PLAN).content))
    assert not set(first) & set(second), "the same values on a fresh page are a new plan, never a clash"
    series = first[0].split("-c2-")[0]
    assert uuid.UUID(series).version == 4


def test_a_changed_plan_replaces_the_earlier_events(hcp: Client) -> None:
    page = hcp.post("/tools/planner/", PLAN).content.decode()
    series = re.search(r'name="calendar_series" value="([0-9a-f-]{36})"', page)
    assert series, "the planner form carries the plan's series id"
    posted = {**PLAN, "calendar_series": series.group(1)}
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with freeze(now):
        before = unfolded(hcp.post("/tools/planner/plan.ics", posted).content)
    with freeze(now + dt.timedelta(minutes=5)):
        after = unfolded(hcp.post("/tools/planner/plan.ics", {**posted, "start_date": "2025-03-05"}).content)
    assert _uids(before) == _uids(after) and _uids(after)[0].startswith(series.group(1))
    assert _sequence(after) > _sequence(before), "the later download wins in the calendar"
    assert "DTSTART;VALUE=DATE:20250305" in after


def test_a_slot_the_new_plan_no_longer_has_is_cancelled() -> None:
    from besponsa.tools.ics import calendar

    stop = execute(
        "plan", {"height_cm": 165, "weight_kg": 62.5, "age_years": 34, "cycle": 4, "start_date": "2025-03-03"}
    )
    assert stop["status"] == "stop" and not stop["doses"]
    lines = unfolded(calendar(stop, series=str(uuid.uuid4())).encode())
    assert lines.count("STATUS:CANCELLED") == lines.count("BEGIN:VEVENT") == 4
    assert any("Plan status" not in line and "cancelled" in line for line in lines)


def test_a_status_other_than_proceed_is_in_every_event(hcp: Client) -> None:
    posted = {**PLAN, "cycle": "1", "best_response": "none", "hsct_planned": "", "peripheral_blasts": "12"}
    plan = execute(
        "plan",
        {
            "height_cm": 165,
            "weight_kg": 62.5,
            "age_years": 34,
            "cycle": 1,
            "start_date": "2025-03-03",
            "peripheral_blasts": 12,
        },
    )
    lines = unfolded(hcp.post("/tools/planner/plan.ics", posted).content)
    label = {"proceed": "Proceed", "consider": "May be considered", "stop": "Stop"}[plan["status"]]
    descriptions = [line for line in lines if line.startswith("DESCRIPTION:")]
    assert descriptions and all(
        line.startswith(f"DESCRIPTION:Plan status: {label}.") for line in descriptions
    )
    if plan["status"] != "proceed":
        assert all("check the plan" in line for line in lines if line.startswith("SUMMARY:"))


def test_ics_for_invalid_input_answers_the_form_with_messages(hcp: Client) -> None:
    response = hcp.post("/tools/planner/plan.ics", {"form": "plan", "height_cm": "165"})
    assert response.status_code == 422
    assert "is required" in response.content.decode()


def test_ics_folding_never_splits_a_character() -> None:
    from besponsa.tools.ics import _fold

    pieces = _fold("DESCRIPTION:" + "m² × " * 40)
    assert all(len(piece.encode()) <= 75 for piece in pieces)
    assert "".join(p if i == 0 else p[1:] for i, p in enumerate(pieces)) == "DESCRIPTION:" + "m² × " * 40


def test_rendering_a_pdf_keeps_svg_figures_serialising_with_the_default_namespace(
    hcp: Client, isi: SafetyInformation
) -> None:
    import xml.etree.ElementTree as ET

    assert hcp.post("/tools/planner/plan.pdf", ({**PLAN, "paper": "a4"})).status_code == 200
    svg = ET.Element("{http://www.w3.org/2000/svg}svg")
    assert ET.tostring(svg, encoding="unicode").startswith("<svg ")
