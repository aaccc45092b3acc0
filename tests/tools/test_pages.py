"""The tool pages through Django's test client: what a clinician sees with JavaScript off."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.test import Client

from besponsa.clinical.operations import execute

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
    "dose_level": "full",
}
DOSE = {
    "form": "dose",
    "height_cm": "170",
    "weight_kg": "70",
    "age_years": "34",
    "cycle": "1",
    "route": "bag",
}
MODIFY = {
    "form": "modify",
    "timing": "before_cycle",
    "baseline.anc": "0.6",
    "baseline.platelets": "35",
    "previous_cycle_baseline.anc": "0.8",
    "previous_cycle_baseline.platelets": "40",
    "labs.anc": "0.9",
    "labs.platelets": "45",
}
ASSESS = {
    "form": "assess",
    "marrow_blasts_pct": "3",
    "peripheral_blasts": "0",
    "anc": "0.8",
    "platelets": "110",
    "mrd_fraction": "0.00005",
}

PAGES = [
    "/tools/",
    "/tools/dose/",
    "/tools/planner/",
    "/tools/course/",
    "/tools/modifications/",
    "/tools/response/",
    "/tools/safety/",
]


def engine_payload(posted: dict[str, str]) -> dict[str, object]:
    """The posted form as the engine's JSON payload (what the API would receive)."""
    from besponsa.tools import forms

    form = forms.build_form({"plan": "plan", "modify": "modify"}[posted["form"]], prefix=posted["form"])
    return forms.payload_from(form, posted)


def text_of(html: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode())).replace("&#x27;", "'")


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def elements(html: bytes) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html.decode())
    return parser.elements


def by_id(html: bytes, element_id: str) -> dict[str, str | None]:
    return next(attrs for _, attrs in elements(html) if attrs.get("id") == element_id)


@pytest.mark.parametrize("path", PAGES)
def test_every_tool_page_is_behind_the_gate(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/hcp-confirm/")


@pytest.mark.parametrize("path", PAGES)
def test_every_page_says_what_it_is_and_is_never_cached(hcp: Client, path: str) -> None:
    response = hcp.get(path)
    assert response.status_code == 200
    text = text_of(response.content)
    assert "the treating clinician decides" in text
    assert "No patient data is stored" in text
    assert re.search(r"PP-INO-USA-07\d\d", text)
    assert response["Cache-Control"] == "no-store"
    assert "X-Page-Cache" not in response
    html = response.content.decode()
    assert "<script>" not in html and 'style="' not in html and "<style" not in html


def test_the_tools_index_links_every_tool(hcp: Client) -> None:
    html = hcp.get("/tools/").content.decode()
    for path in PAGES[1:]:
        assert f'href="{path}"' in html


def test_dose_shows_bsa_doses_volumes_vials_and_preparation(hcp: Client) -> None:
    response = hcp.post("/tools/dose/", (DOSE))
    assert response.status_code == 200
    text = text_of(response.content)
    assert "1.82 m²" in text and "Mosteller" in text  # √(170 × 70 / 3600) = 1.818 → 1.82
    # Cycle 1 at 1.82 m²: 0.8 mg/m² on Day 1 = 1.46 mg (5.84 mL at 0.25 mg/mL), 0.5 mg/m² = 0.91 mg after
    assert "Preparing a 1.46 mg dose" in text and "Preparing a 0.91 mg dose" in text
    assert "5.84 mL" in text and "3.64 mL" in text
    assert "Take 2 single-dose vial(s) of 0.9 mg for this dose alone" in text
    assert "4 h" in text and "8 h" in text, "time limits are shown with their unit"
    assert "Interpretation — the label does not specify this" in text
    assert "PI 2.4" in text


def test_invalid_dose_input_gets_422_messages_next_to_each_field_and_a_summary(hcp: Client) -> None:
    response = hcp.post("/tools/dose/", ({**DOSE, "height_cm": "1700", "weight_kg": "heavy"}))
    assert response.status_code == 422
    html = response.content
    height = by_id(html, "dose-height-cm")
    assert height.get("aria-invalid") == "true"
    assert "dose-height-cm-error" in (height.get("aria-describedby") or "")
    text = text_of(html)
    assert "Body height in cm must be between 40 and 250 cm (got 1700)" in text
    assert "Actual body weight in kg must be a number" in text
    assert 'role="alert"' in html.decode()
    assert 'href="#dose-weight-kg"' in html.decode()
    assert by_id(html, "dose-height-cm")["value"] == "1700", "what was typed is kept"


def test_planner_shows_the_calendar_rule_and_downloads(hcp: Client) -> None:
    response = hcp.post("/tools/planner/", (PLAN))
    assert response.status_code == 200
    plan = execute(
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
    text = text_of(response.content)
    for dose in plan["doses"]:
        assert dose["date"] in text
    assert f"{plan['doses'][1]['window_earliest']} to {plan['doses'][1]['window_latest']}" in text
    assert plan["cycle_end_date"] in text and plan["next_cycle_earliest_start"] in text
    assert "Complete blood count before each dose" in text
    html = response.content.decode()
    download = next(a for _, a in elements(response.content) if a.get("action") == "/tools/planner/plan.pdf")
    assert download.get("method") == "post"
    assert 'formaction="/tools/planner/plan.ics"' in html, "the calendar is a POST of the same form"
    assert "plan.ics?" not in html and "plan.pdf?" not in html, "no download address carries values"
    hidden = [a for _, a in elements(response.content) if a.get("type") == "hidden"]
    replayed = {a.get("name"): a.get("value") for a in hidden}
    assert replayed["height_cm"] == "165" and replayed["start_date"] == "2025-03-03"
    assert "csrfmiddlewaretoken" in replayed


def test_planner_stops_after_three_cycles_without_response(hcp: Client) -> None:
    query = {**PLAN, "cycle": "4", "best_response": "none", "hsct_planned": ""}
    response = hcp.post("/tools/planner/", (query))
    assert response.status_code == 200
    text = text_of(response.content)
    plan = execute("plan", {**engine_payload(query), "hsct_planned": False})
    assert plan["status"] == "stop"
    assert text.split("Plan the cycle Plan", 1)[1].lstrip().startswith(plan["headline"]), "decision first"
    assert "Status of cycle 4: Stop" in text
    assert "Download the PDF plan" not in text


def test_planner_refuses_a_reduced_dose_in_cycle_one_with_the_engines_reason(hcp: Client) -> None:
    response = hcp.post("/tools/planner/", ({**PLAN, "cycle": "1", "dose_level": "reduced_25"}))
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()


def test_modifications_lists_each_finding_with_its_table(hcp: Client) -> None:
    response = hcp.post("/tools/modifications/", (MODIFY))
    assert response.status_code == 200
    text = text_of(response.content)
    advice = execute("modify", engine_payload(MODIFY))
    assert advice["action"] == "give"
    headline = text.split("Advice", 1)[1]
    assert headline.lstrip().startswith(advice["headline"]), "the decision comes first"
    assert "PI 2.3 Table 2" in text


def test_modifications_names_nested_fields_in_words(hcp: Client) -> None:
    response = hcp.post("/tools/modifications/", ({**MODIFY, "labs.anc": "", "labs.platelets": "-3"}))
    assert response.status_code == 422
    html = response.content
    assert by_id(html, "modify-labs-platelets").get("aria-invalid") == "true"
    text = text_of(html)
    assert "Platelet count not supported by transfusion" in text
    assert "labs.platelets" not in text.split("Please correct")[1], "messages use labels, not code names"


# What the engine and the CMS call a label fact's source status (a working note for reviewers), and how
# it was worded on tool pages before: none of it may reach a visitor.
WORKING_NOTES = re.compile(
    r"unconfirmed|not checked against|recollection|secondary source|not read (?:in|from) the label"
    r"|not (?:taken from )?the US label|institutional protocol",
    re.I,
)


def test_findings_on_unconfirmed_label_rows_ask_to_check_the_pi_without_working_notes(hcp: Client) -> None:
    query = {**MODIFY, "timing": "before_dose", "interruption_days": "8"}
    html = hcp.post("/tools/modifications/", (query)).content
    text = text_of(html)
    assert re.search(r"Check the current PI\s*: confirm this row in the label before acting on it", text)
    assert re.search(
        r"Check the current PI \(PI 2.3 Table 4\)\s*: Confirm what this result takes from PI 2.3", text
    )
    assert "Liver tests" in text, "what was not evaluated is said"
    assert WORKING_NOTES.search(html.decode()) is None, WORKING_NOTES.search(html.decode())


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/tools/planner/", {**PLAN}),
        ("/tools/dose/", {**DOSE, "route": "syringe"}),
        ("/tools/modifications/", {**MODIFY, "timing": "before_dose", "interruption_days": "30"}),
        ("/tools/", {}),
    ],
)
def test_no_tool_page_shows_a_working_note(hcp: Client, path: str, fields: dict[str, str]) -> None:
    response = hcp.post(path, fields) if fields else hcp.get(path)
    assert response.status_code == 200
    found = WORKING_NOTES.search(response.content.decode())
    assert found is None, f"{path}: {found.group(0)!r} reached a visitor" if found else ""


def test_response_shows_criteria_met_and_not_met(hcp: Client) -> None:
    text = text_of(hcp.post("/tools/response/", (ASSESS)).content)
    assert "CR with incomplete hematologic recovery (CRi)" in text
    assert "MRD: negative" in text
    assert "Met" in text and "Not met" in text


def test_safety_runs_each_form_on_its_own(hcp: Client) -> None:
    qtc = text_of(hcp.post("/tools/safety/", {"form": "qtc", "qt_ms": "420", "heart_rate_bpm": "75"}).content)
    assert "452.4 ms" in qtc and "469.6 ms" in qtc
    grade = text_of(
        hcp.post(
            "/tools/safety/", {"form": "grade", "term": "ast_increased", "value": "120", "uln": "40"}
        ).content
    )
    assert "grade 1" in grade
    dates = text_of(hcp.post("/tools/safety/", {"form": "dates", "last_dose_date": "2025-05-31"}).content)
    assert "2026-01-31" in dates and "2025-10-31" in dates and "2025-07-31" in dates
    response = hcp.post("/tools/safety/", {"form": "dates", "last_dose_date": "2025-02-30"})
    assert response.status_code == 422
    assert "is not a real calendar date" in text_of(response.content)


def test_safety_lists_the_vod_risk_factors_with_citations(hcp: Client) -> None:
    text = text_of(hcp.get("/tools/safety/").content)
    assert "Prior HSCT (PI Boxed Warning)" in text


def test_a_blank_form_shows_no_errors(hcp: Client) -> None:
    response = hcp.get("/tools/planner/")
    assert response.status_code == 200
    assert 'role="alert"' not in response.content.decode()


def test_syringe_preparation_sends_to_the_pi_for_what_it_does_not_give(hcp: Client) -> None:
    response = hcp.post("/tools/dose/", {**DOSE, "route": "syringe"})
    assert response.status_code == 200
    text = text_of(response.content)
    # every blank amount of the syringe route is named, in words
    assert (
        "Check the current PI: total volume after dilution, concentration after dilution, infusion rate, "
        "infusion duration are not given here; take them from the current PI." in text
    )
    assert text.count("See the current PI") == 6  # two distinct doses prepared, three amounts each
    assert "syringe" in text


def test_a_get_with_values_in_the_address_computes_nothing(hcp: Client) -> None:
    """Old bookmarks with values in the query string show a blank form: values are only ever posted."""
    response = hcp.get("/tools/planner/?" + urlencode(PLAN))
    assert response.status_code == 200
    assert PLAN["start_date"] not in response.content.decode()
    assert by_id(response.content, "plan-height-cm")["value"] == ""


@pytest.mark.parametrize("path", PAGES[1:])
def test_tool_forms_post_with_a_csrf_token(hcp: Client, path: str) -> None:
    forms = [a for tag, a in elements(hcp.get(path).content) if tag == "form" and "data-tool-form" in a]
    assert forms and all(a.get("method") == "post" for a in forms)
    assert "csrfmiddlewaretoken" in hcp.get(path).content.decode()


def test_a_post_without_the_csrf_token_is_refused(db: None) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.get("/hcp-confirm/")
    token = strict.cookies["csrftoken"].value
    strict.post("/hcp-confirm/", {"answer": "yes", "next": "/tools/", "csrfmiddlewaretoken": token})
    assert strict.post("/tools/planner/", PLAN).status_code == 403
    page = strict.get("/tools/planner/").content
    token = next(a["value"] for _, a in elements(page) if a.get("name") == "csrfmiddlewaretoken")
    response = strict.post("/tools/planner/", {**PLAN, "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert PLAN["start_date"] in response.content.decode()


@pytest.mark.parametrize("path", ["/tools/planner/plan.pdf", "/tools/planner/plan.ics"])
def test_downloads_never_answer_a_get(hcp: Client, path: str) -> None:
    assert hcp.get(path + "?" + urlencode(PLAN)).status_code == 405


def test_a_hold_is_never_hidden_by_the_next_cycles_reduction(hcp: Client) -> None:
    """Issue 10 item 2: liver tests 3×ULN after a 14-day interruption, before Day 1 — hold now, reduced
    dose next. The page leads with the engine's headline, which says both."""
    query = {
        "form": "modify",
        "timing": "before_cycle",
        "dose_level": "full",
        "baseline.anc": "2",
        "baseline.platelets": "150",
        "labs.anc": "2",
        "labs.platelets": "150",
        "labs.total_bilirubin_x_uln": "3",
        "labs.alt_x_uln": "3",
        "interruption_days": "15",
    }
    advice = execute("modify", engine_payload(query))
    assert (advice["action"], advice["next_dose_level"]) == ("hold", "reduced_25")
    text = text_of(hcp.post("/tools/modifications/", query).content)
    headline = text.split("Advice", 1)[1].lstrip()
    assert headline.startswith(advice["headline"])
    assert re.match(r"Hold [^.;]*until recovered; then [^.]*reduced by 25%", headline)
    assert (
        "Now Hold the dose" in text and "Dose level for this cycle, once it can start Reduced by 25%" in text
    )


def _selected(html: bytes, select_id: str) -> list[str | None]:
    """The values of the selected options of one <select>."""
    inside = html.decode().split(f'id="{select_id}"')[1].split("</select>")[0]
    return [
        attrs.get("value")
        for tag, attrs in elements(inside.encode())
        if tag == "option" and "selected" in attrs
    ]


def test_each_visitor_sees_only_what_they_typed_in_the_form(hcp: Client) -> None:
    # The fields' markup is made once per process for each state (tools/field_markup.py): what one
    # visitor typed, ticked or chose must never show in anyone else's form.
    typed = {**PLAN, "height_cm": '1<b>"&', "best_response": "cri"}
    first = hcp.post("/tools/planner/", typed)
    assert first.status_code == 422
    assert by_id(first.content, "plan-height-cm")["value"] == '1<b>"&'
    assert by_id(first.content, "plan-height-cm").get("aria-invalid") == "true"
    assert "<b>" not in first.content.decode()
    assert "checked" in by_id(first.content, "plan-hsct-planned")
    assert _selected(first.content, "plan-best-response") == ["cri"]

    other = Client()
    other.post("/hcp-confirm/", {"answer": "yes", "next": "/"})
    untouched = {k: v for k, v in PLAN.items() if k != "hsct_planned"}
    second = other.post("/tools/planner/", {**untouched, "best_response": "none"})
    assert second.status_code == 200
    height = by_id(second.content, "plan-height-cm")
    assert height["value"] == "165" and "aria-invalid" not in height
    assert "checked" not in by_id(second.content, "plan-hsct-planned")
    assert _selected(second.content, "plan-best-response") == ["none"]
    assert "1&lt;b&gt;" not in second.content.decode()

    blank = other.get("/tools/planner/")
    assert by_id(blank.content, "plan-height-cm")["value"] == ""
    assert _selected(blank.content, "plan-best-response") == ["none"]  # the engine's default
    assert "aria-invalid" not in blank.content.decode()
