"""No engine code word reaches a person (issue 12 item 6): every tool result page, every error page and
the printed plan are scanned for snake_case tokens (`before_dose`, `liver_tests`, `reduced_25`) and for
the engine's dotted field paths (`labs.anc`)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from besponsa.api.openapi import output_json_schema
from besponsa.clinical.models import INPUTS, FieldDoc, field_docs
from besponsa.clinical.operations import OPERATION_NAMES
from besponsa.tools.forms import CHOICE_LABELS
from tests.tools.test_pages import DOSE, PAGES

pytestmark = pytest.mark.django_db

CODE_WORD = re.compile(
    r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b|\b(?:baseline|labs|previous_cycle_baseline|vod_risk)\.[a-z_]+\b"
)
VISIBLE_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder", "aria-description"}

PLAN = {
    "form": "plan",
    "height_cm": "165",
    "weight_kg": "62.5",
    "age_years": "34",
    "cycle": "1",
    "start_date": "2025-03-03",
    "peripheral_blasts": "12",
    "vod_risk.prior_hsct": "true",
}
MODIFY = {
    "form": "modify",
    "timing": "before_dose",
    "baseline.anc": "2",
    "baseline.platelets": "150",
}
# (path, posted fields): results of every kind, then refusals of every kind.
CASES: list[tuple[str, dict[str, str]]] = [
    (
        "/tools/dose/",
        DOSE,
    ),
    (
        "/tools/dose/",
        {
            "form": "dose",
            "height_cm": "170",
            "weight_kg": "70",
            "cycle": "2",
            "route": "syringe",
            "best_response": "cr",
            "dose_level": "reduced_25",
        },
    ),
    ("/tools/planner/", PLAN),
    (
        "/tools/planner/",
        {
            **PLAN,
            "cycle": "2",
            "best_response": "cri",
            "mrd_negative": "true",
            "hsct_planned": "true",
            "dose_level": "two_doses_per_cycle",
        },
    ),
    ("/tools/planner/", {**PLAN, "cycle": "4", "peripheral_blasts": ""}),
    ("/tools/modifications/", MODIFY),
    (
        "/tools/modifications/",
        {**MODIFY, "labs.total_bilirubin_x_uln": "3", "labs.alt_x_uln": "3", "interruption_days": "15"},
    ),
    (
        "/tools/modifications/",
        {
            **MODIFY,
            "timing": "before_cycle",
            "labs.anc": "0.4",
            "labs.platelets": "20",
            "previous_cycle_baseline.anc": "2",
            "previous_cycle_baseline.platelets": "150",
            "cytopenia_days": "30",
            "infusion_reaction": "severe",
            "vod": "true",
            "other_nonhematologic_grade": "3",
            "interruption_days": "30",
            "dose_level": "two_doses_per_cycle",
        },
    ),
    (
        "/tools/response/",
        {
            "form": "assess",
            "marrow_blasts_pct": "3",
            "peripheral_blasts": "0",
            "anc": "0.8",
            "platelets": "110",
            "mrd_fraction": "0.00005",
        },
    ),
    ("/tools/safety/", {"form": "qtc", "qt_ms": "480", "heart_rate_bpm": "90", "baseline_qtcf_ms": "420"}),
    ("/tools/safety/", {"form": "grade", "term": "blood_bilirubin_increased", "value": "3", "uln": "1"}),
    ("/tools/safety/", {"form": "grade", "term": "platelet_count_decreased", "value": "40"}),
    ("/tools/safety/", {"form": "dates", "last_dose_date": "2025-05-31"}),
    (
        "/tools/course/",
        {
            "form": "course",
            "height_cm": "165",
            "weight_kg": "62.5",
            "age_years": "0.5",
            "cycle_rows": "2",
            "cycles[0].day1_date": "2025-03-03",
            "cycles[0].response": "none",
            "cycles[0].last_dose_date": "2025-03-17",
            "cycles[1].day1_date": "2025-03-24",
            "cycles[1].dose_level": "two_doses_per_cycle",
            "cycles[1].interruption_days": "30",
            "hsct_planned": "true",
        },
    ),
    # refusals
    (
        "/tools/course/",
        {
            "form": "course",
            "height_cm": "165",
            "weight_kg": "62.5",
            "age_years": "34",
            "cycle_rows": "2",
            "cycles[0].dose_level": "reduced_25",
            "cycles[0].extended_to_28_days": "true",
            "cycles[1].day1_date": "2025-02-30",
            "cycles[1].response": "maybe",
        },
    ),
    (
        "/tools/dose/",
        {"form": "dose", "height_cm": "1700", "weight_kg": "heavy", "age_years": "34", "cycle": "0"},
    ),
    ("/tools/planner/", {**PLAN, "dose_level": "reduced_25"}),
    ("/tools/planner/", {"form": "plan", "start_date": "2025-02-30", "cycle": "x"}),
    ("/tools/modifications/", {"form": "modify", "timing": "before_cycle", "labs.anc": "800"}),
    ("/tools/modifications/", {"form": "modify", "timing": "sometime", "baseline.anc": "x"}),
    ("/tools/response/", {"form": "assess", "marrow_blasts_pct": "300", "mrd_fraction": "7"}),
    ("/tools/safety/", {"form": "grade", "term": "nope", "value": "x"}),
    ("/tools/safety/", {"form": "qtc", "qt_ms": "", "heart_rate_bpm": "-1"}),
]


class _Visible(HTMLParser):
    """The text a person can read or hear: character data outside script and style, and the attributes
    read aloud or shown."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._hidden += 1
        self.parts.extend(value or "" for name, value in attrs if name in VISIBLE_ATTRIBUTES)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: bytes) -> str:
    parser = _Visible()
    parser.feed(html.decode())
    return " ".join(parser.parts)


def code_words(text: str) -> list[str]:
    return sorted(set(CODE_WORD.findall(text)))


def test_the_scanner_finds_code_words() -> None:
    assert code_words("Hold: before_dose, liver_tests and reduced_25; labs.anc") == [
        "before_dose",
        "labs.anc",
        "liver_tests",
        "reduced_25",
    ]
    assert code_words("ALT 3×ULN, 0.8 ×10⁹/L, e.g. Day 8, Table 2") == []


@pytest.mark.parametrize(("path", "data"), CASES, ids=[f"{i}{p}" for i, (p, _) in enumerate(CASES)])
def test_no_tool_page_shows_a_code_word(hcp: Client, path: str, data: dict[str, str]) -> None:
    response = hcp.post(path, data)
    assert response.status_code in (200, 422)
    text = visible_text(response.content)
    assert "Please correct" in text or "Sources" in text, "a result or the refusal was shown"
    assert code_words(text) == []


@pytest.mark.parametrize("path", PAGES)
def test_no_blank_tool_page_shows_a_code_word(hcp: Client, path: str) -> None:
    assert code_words(visible_text(hcp.get(path).content)) == []


@pytest.mark.parametrize("data", [CASES[2][1], CASES[3][1]], ids=["cycle-1-consider", "cycle-2-two-doses"])
def test_the_printed_plan_shows_no_code_word(hcp: Client, tmp_path: Path, data: dict[str, str]) -> None:
    response = hcp.post("/tools/planner/plan.pdf", {**data, "paper": "letter"})
    assert response.status_code == 200
    path = tmp_path / "plan.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Patient name" in text
    assert code_words(text) == []


def _choices(fields: Sequence[FieldDoc], path: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for spec in fields:
        name = f"{path}{spec.name}"
        out += [(name, code) for code in spec.choices]
        out += _choices(spec.fields, f"{name}.")
    return out


def _output_choices(schema: dict[str, Any], path: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name, prop in schema.get("properties", {}).items():
        for option in prop.get("anyOf", [prop]):
            out += [
                (f"{path}{name}", code) for code in [*option.get("enum", []), option.get("const")] if code
            ]
            out += _output_choices(option, f"{path}{name}.")
            out += _output_choices(option.get("items", {}), f"{path}{name}.")
    return out


def test_every_choice_a_person_sees_has_words() -> None:
    """Every choice of every form, and every coded answer the pages show (status, action, level, when a
    check applies), has words in CHOICE_LABELS: a new engine code cannot reach a page as a code. Codes
    the pages never show (reason and finding codes) are left out."""
    shown = [pair for model in INPUTS.values() for pair in _choices(field_docs(model))]
    shown += [
        pair
        for operation in OPERATION_NAMES
        for pair in _output_choices(output_json_schema(operation))
        if not pair[0].endswith("code")
    ]
    missing = sorted({f"{name}={code}" for name, code in shown if code not in CHOICE_LABELS})
    assert missing == []
