"""/account/: saved calculations (no patient identifiers), orders, events, preferences, export, deletion."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from besponsa.services import events
from besponsa.services.models import EmailPreferences, Registration, SavedCalculation

from .conftest import body, client_for, make_hcp
from .test_events import make_event

pytestmark = pytest.mark.django_db

INPUTS = {"height_cm": "170", "weight_kg": "70", "cycle": 1}
OUTPUTS = {"bsa_m2": "1.81", "dose_mg": "1.45"}


def save(client: Client, **changes: Any) -> Any:
    data = {
        "tool": "dose",
        "label": "cycle 1 check",
        "inputs": json.dumps(INPUTS),
        "outputs": json.dumps(OUTPUTS),
    }
    return client.post("/account/saved/", {**data, **changes})


@pytest.mark.parametrize("path", ["/account/", "/account/export.json"])
def test_the_workspace_is_for_verified_hcps(db: None, path: str) -> None:
    response = client_for("anonymous").get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    unverified = client_for("unverified")
    assert unverified.get(path).status_code == 403
    assert save(unverified).status_code == 403


def test_a_tool_result_is_saved_under_the_hcps_label_and_deleted(verified: Client) -> None:
    assert save(verified).status_code == 302
    saved = SavedCalculation.objects.get()
    assert (saved.tool, saved.label, saved.inputs, saved.outputs) == (
        "dose",
        "cycle 1 check",
        INPUTS,
        OUTPUTS,
    )
    page = body(verified.get("/account/"))
    assert "cycle 1 check" in page and "Dose and infusion calculator" in page and "height_cm" in page
    other = client_for("anonymous")
    other.force_login(make_hcp("other@example.org"), backend="besponsa.accounts.backends.EmailBackend")
    assert "cycle 1 check" not in body(other.get("/account/"))
    assert other.post(f"/account/saved/{saved.pk}/delete/").status_code == 404
    assert verified.post(f"/account/saved/{saved.pk}/delete/").status_code == 302
    assert not SavedCalculation.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"label": ""}, "Label: give the calculation a name"),
        ({"label": "MRN 12345678"}, "Label: no record numbers or dates"),
        ({"label": "seen 3/14/2026"}, "Label: no record numbers or dates"),
        ({"inputs": json.dumps({**INPUTS, "patient_name": "J Smith"})}, "Inputs: holds a patient identifier"),
        ({"outputs": json.dumps({"nested": {"DOB": "1970-01-01"}})}, "Results: holds a patient identifier"),
        ({"inputs": "not json"}, "Inputs: not the JSON"),
        ({"outputs": "[1, 2]"}, "Results: not the JSON object"),
        ({"inputs": json.dumps({"x": "y" * 30_000})}, "Inputs: larger than 20 kB"),
        ({"tool": "spreadsheet"}, "Tool: not one of this site"),
    ],
)
def test_identifiers_and_malformed_results_are_refused(
    verified: Client, changes: dict[str, str], message: str
) -> None:
    response = save(verified, **changes)
    assert response.status_code == 400 and message in body(response)
    assert not SavedCalculation.objects.exists()


def test_the_save_form_include_posts_the_tool_values_for_verified_hcps_only(db: None) -> None:
    request = RequestFactory().get("/tools/dose/")
    request.user = make_hcp("v@example.org")
    html = render_to_string(
        "services/_save_calculation.html",
        {"tool": "dose", "inputs": INPUTS, "outputs": OUTPUTS},
        request=request,
    )
    assert 'action="/account/saved/"' in html and "&quot;height_cm&quot;: &quot;170&quot;" in html
    request.user = make_hcp("u@example.org", verified=False)
    assert "<form" not in render_to_string(
        "services/_save_calculation.html", {"tool": "dose"}, request=request
    )


def test_preferences_turn_off_reminders(seeded_site: None, verified: Client) -> None:
    verified.post("/account/preferences/", {"order_updates": "on"})
    prefs = EmailPreferences.objects.get()
    assert (prefs.event_reminders, prefs.order_updates) == (False, True)
    event = make_event(starts_in=dt.timedelta(hours=3))
    verified.post(f"/events/{event.pk}/register/")
    mail.outbox.clear()
    call_command("send_event_reminders", verbosity=0)
    assert mail.outbox == []


def test_export_and_deletion_of_own_data(seeded_site: None, verified: Client) -> None:
    save(verified)
    event = make_event(capacity=1)
    verified.post(f"/events/{event.pk}/register/")
    waiting = make_hcp("waiting@example.org")
    events.register(waiting, event.pk)
    referral = {
        "office_name": "Mercy",
        "contact_name": "G H",
        "phone": "518-555-0142",
        "email": "o@example.org",
        "preferred_time": "any",
        "time_zone": "America/New_York",
        "help_types": ["coverage"],
    }
    verified.post("/support-referral/", referral)
    response = verified.get("/account/export.json")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(body(response))
    assert data["account"]["email"] == "verified@example.org"
    assert data["saved_calculations"][0]["inputs"] == INPUTS
    assert data["event_registrations"][0]["npi"] == "1234567893"
    assert data["support_requests"][0]["office"] == "Mercy"

    assert verified.post("/account/delete-data/").status_code == 400  # not confirmed
    assert SavedCalculation.objects.exists()
    assert verified.post("/account/delete-data/", {"confirm": "yes"}).status_code == 302
    assert not SavedCalculation.objects.exists()
    assert Registration.objects.get(user__email="verified@example.org").status == "cancelled"
    assert Registration.objects.get(user=waiting).status == "confirmed"  # the freed seat was passed on


def test_the_dose_tool_result_saves_to_the_workspace(seeded_site: None, verified: Client) -> None:
    typed = {"form": "dose", "height_cm": "170", "weight_kg": "70", "age_years": "50", "cycle": "1"}
    page = body(verified.post("/tools/dose/", {**typed, "route": "bag"}))
    assert 'action="/account/saved/"' in page
    import html
    import re

    fields = {
        name: html.unescape(value)
        for name, value in re.findall(
            r'<input type="hidden" name="(tool|inputs|outputs)" value="([^"]*)"', page
        )
    }
    assert save(verified, **fields, label="cycle 1, 170 cm").status_code == 302
    saved = SavedCalculation.objects.get()
    assert saved.inputs["height_cm"] == "170" and saved.outputs["doses"]


def test_a_cycle_plan_from_the_planner_can_be_saved_with_what_was_typed(verified: Client) -> None:
    typed = {"height_cm": "165", "weight_kg": "62.5", "age_years": "34", "cycle": "1"}
    page = verified.post("/tools/planner/", {"form": "plan", **typed, "start_date": "2026-12-01"})
    html = body(page)
    assert page.status_code == 200 and 'name="tool" value="planner"' in html
    assert "&quot;height_cm&quot;: &quot;165&quot;" in html  # the POSTed values, not an empty address query
    form = {
        "tool": "planner",
        "label": "cycle 1 plan",
        "inputs": json.dumps({**typed, "start_date": "2026-12-01"}),
        "outputs": json.dumps({"status": "proceed"}),
    }
    assert verified.post("/account/saved/", form).status_code == 302
    saved = SavedCalculation.objects.get()
    assert saved.tool == "planner" and saved.inputs["height_cm"] == "165"
