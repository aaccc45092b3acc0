"""The planner's downloads: the printable PDF (Letter or A4) and the .ics calendar."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.test import Client

from besponsa.clinical.operations import execute
from besponsa.portal.models import SafetyInformation

pytestmark = pytest.mark.django_db

PLAN = {
    "form": "plan",
    "height_cm": "165",
    "weight_kg": "62.5",
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
        "cycle": 2,
        "start_date": "2025-03-03",
        "best_response": "cr",
        "hsct_planned": True,
    },
)


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


@pytest.fixture(scope="module", autouse=True)
def _poppler() -> None:
    if not shutil.which("pdfinfo"):
        pytest.fail("poppler-utils (pdfinfo, pdftotext) is missing: apt-get install -y poppler-utils")


@pytest.mark.parametrize(("paper", "points"), [("letter", "612 x 792"), ("a4", "595.276 x 841.89")])
def test_pdf_plan_has_the_chosen_page_size_and_every_item(
    hcp: Client, isi: SafetyInformation, tmp_path: Path, paper: str, points: str
) -> None:
    response = hcp.get("/tools/planner/plan.pdf?" + urlencode({**PLAN, "paper": paper, "initials": "J.D."}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith(b"%PDF")
    info, text = pdf_text(response.content, tmp_path)
    assert re.search(rf"Page size:\s+{re.escape(points)} pts", info), info
    flat = re.sub(r"\s+", " ", text)
    assert "J.D." in flat
    assert f"BSA {ENGINE_PLAN['bsa_m2']} m²" in flat
    for dose in ENGINE_PLAN["doses"]:
        assert dose["date"] in flat
    assert str(ENGINE_PLAN["doses"][0]["volume_ml"]) in flat
    assert "Complete blood count before each dose" in flat
    assert "PI 2.2 Table 1" in flat
    assert "PP-INO-USA-0703" in flat
    assert "WARNING: HEPATOTOXICITY TEST TITLE" in flat and "Tray summary sentence for the test." in flat
    assert "the treating clinician decides" in flat


def test_pdf_without_initials_prints_none(hcp: Client, isi: SafetyInformation, tmp_path: Path) -> None:
    response = hcp.get("/tools/planner/plan.pdf?" + urlencode({**PLAN, "paper": "letter"}))
    _, text = pdf_text(response.content, tmp_path)
    assert "Patient initials" not in text


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"paper": "legal"}, "Paper size must be Letter or A4"),
        ({"paper": "a4", "initials": "<script>"}, "Patient initials must be up to 8 letters"),
        ({"paper": "a4", "weight_kg": "0"}, "Actual body weight in kg must be between 3 and 300 kg"),
    ],
)
def test_pdf_with_bad_options_answers_the_planner_with_a_message(
    hcp: Client, extra: dict[str, str], words: str
) -> None:
    response = hcp.get("/tools/planner/plan.pdf?" + urlencode({**PLAN, **extra}))
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


def test_ics_is_rfc5545_with_an_all_day_event_per_dose_day(hcp: Client) -> None:
    response = hcp.get("/tools/planner/plan.ics?" + urlencode(PLAN))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert 'filename="besponsa-cycle-2.ics"' in response["Content-Disposition"]
    raw = response.content
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b""), "every line ends in CRLF"
    physical = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in physical), "lines are folded at 75 octets"
    lines = raw.decode().replace("\r\n ", "").split("\r\n")[:-1]  # unfold
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    starts = [line.split(":", 1)[1] for line in lines if line.startswith("DTSTART;VALUE=DATE:")]
    dose_days = [dose["date"].replace("-", "") for dose in ENGINE_PLAN["doses"]]
    assert starts[:3] == dose_days
    assert starts[3] == ENGINE_PLAN["next_cycle_earliest_start"].replace("-", "")
    events = lines.count("BEGIN:VEVENT")
    assert events == 4 == lines.count("END:VEVENT")
    uids = [line for line in lines if line.startswith("UID:")]
    assert len(set(uids)) == events
    assert sum(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines) == events
    assert "SUMMARY:BESPONSA cycle 2\\, Day 1" in lines


def test_ics_for_invalid_input_answers_the_form_with_messages(hcp: Client) -> None:
    response = hcp.get("/tools/planner/plan.ics?form=plan&height_cm=165")
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

    assert hcp.get("/tools/planner/plan.pdf?" + urlencode({**PLAN, "paper": "a4"})).status_code == 200
    svg = ET.Element("{http://www.w3.org/2000/svg}svg")
    assert ET.tostring(svg, encoding="unicode").startswith("<svg ")
