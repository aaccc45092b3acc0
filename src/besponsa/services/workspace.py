"""The HCP's workspace: saved calculations (checked for patient identifiers), export and data deletion."""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils import timezone

from besponsa.services import events
from besponsa.services.models import (
    EmailPreferences,
    Order,
    Registration,
    SavedCalculation,
    SupportReferral,
)

MAX_SAVED_BYTES = 20_000
MAX_SAVED_PER_USER = 200
# Keys a tool never sends and a patient identifier would come in under.
IDENTIFIER_KEYS = {"name", "patient", "patient_name", "initials", "mrn", "dob", "birth_date", "date_of_birth",
                   "ssn", "address", "phone", "email"}  # fmt: skip
# A label of several digits in a row (a record number) or a date looks like an identifier.
IDENTIFIER_TEXT = re.compile(r"\d{5,}|\b\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b")


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return {str(k).lower() for k in value} | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def saved_problems(
    *, label: str, inputs_text: str, outputs_text: str, count: int
) -> tuple[list[str], Any, Any]:
    """Messages naming the field (empty when the calculation may be saved) and the parsed JSON."""
    problems: list[str] = []
    label = label.strip()
    if not label:
        problems.append("Label: give the calculation a name you will recognize, e.g. “cycle 2 check”.")
    elif len(label) > 80:
        problems.append("Label: at most 80 characters.")
    elif IDENTIFIER_TEXT.search(label):
        problems.append("Label: no record numbers or dates; never identify a patient.")
    parsed: list[Any] = []
    for field, text in (("Inputs", inputs_text), ("Results", outputs_text)):
        if len(text.encode()) > MAX_SAVED_BYTES:
            problems.append(f"{field}: larger than {MAX_SAVED_BYTES // 1000} kB, which no tool result is.")
            parsed.append(None)
            continue
        try:
            value = json.loads(text)
        except ValueError:
            problems.append(f"{field}: not the JSON a tool result sends.")
            parsed.append(None)
            continue
        if not isinstance(value, dict):
            problems.append(f"{field}: not the JSON object a tool result sends.")
        elif _keys(value) & IDENTIFIER_KEYS:
            problems.append(f"{field}: holds a patient identifier field; only tool values can be saved.")
        parsed.append(value)
    if count >= MAX_SAVED_PER_USER:
        problems.append(f"Saved calculations: you have {MAX_SAVED_PER_USER}; delete some first.")
    return problems, parsed[0], parsed[1]


def export(user: Any) -> dict[str, Any]:
    """Everything this app holds about the HCP, as JSON-ready data."""
    preferences = EmailPreferences.for_user(user)
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {"email": user.email, "first_name": user.first_name, "last_name": user.last_name},
        "email_preferences": {
            "event_reminders": preferences.event_reminders,
            "order_updates": preferences.order_updates,
        },
        "saved_calculations": [
            {
                "tool": s.tool,
                "label": s.label,
                "inputs": s.inputs,
                "outputs": s.outputs,
                "saved_at": s.created_at.isoformat(),
            }
            for s in SavedCalculation.objects.filter(user=user)
        ],
        "orders": [
            {
                "reference": o.reference,
                "status": o.status,
                "placed_at": o.created_at.isoformat(),
                "ship_to": {f: getattr(o, f) for f in Order.ADDRESS_FIELDS},
                "items": [
                    {"title": i.title, "job_code": i.job_code, "copies": i.quantity} for i in o.items.all()
                ],
            }
            for o in Order.objects.filter(user=user).prefetch_related("items")
        ],
        "event_registrations": [
            {
                "event": r.event.title,
                "starts_at": r.event.starts_at.isoformat(),
                "status": r.status,
                "npi": r.npi,
                "license_state": r.license_state,
                "registered_at": r.created_at.isoformat(),
            }
            for r in Registration.objects.filter(user=user).select_related("event")
        ],
        "support_requests": [
            {
                "reference": r.reference,
                "office": r.office_name,
                "contact": r.contact_name,
                "phone": r.phone,
                "email": r.email,
                "help": r.help_labels,
                "status": r.status,
                "sent_at": r.created_at.isoformat(),
            }
            for r in SupportReferral.objects.filter(user=user)
        ],
    }


def delete_data(user: Any) -> dict[str, int]:
    """Deletes the saved calculations and preferences and cancels upcoming event registrations (their
    seats go to the waitlist). Orders, support requests and registration records stay: they are the
    record of what was shipped, asked for and attended; deleting the account removes them."""
    saved, _ = SavedCalculation.objects.filter(user=user).delete()
    EmailPreferences.objects.filter(user=user).delete()
    cancelled = 0
    upcoming = Registration.objects.filter(user=user, event__starts_at__gt=timezone.now()).exclude(
        status=Registration.CANCELLED
    )
    for event_id in list(upcoming.values_list("event_id", flat=True)):
        if events.cancel(user, event_id) is not None:
            cancelled += 1
    return {"saved_calculations": saved, "registrations_cancelled": cancelled}
