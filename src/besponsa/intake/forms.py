"""The two public forms. Field names are the keys of the encrypted `data` of a case; the section lists
below are the single place the queue, the acknowledgment and the E2B export read labels and order from.

Adverse-event fields follow the sections of FDA MedWatch Form 3500 (A patient, B event, C/D suspect
product, concomitant products, E reporter) and ask for as little identifying data as a case needs.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from besponsa.accounts.models import Profession
from besponsa.intake import validity
from besponsa.intake.guard import HONEYPOT_FIELD
from besponsa.intake.models import ResponseChannel

BESPONSA = "BESPONSA (inotuzumab ozogamicin)"
YES_NO_UNKNOWN = [("", "Choose…"), ("yes", "Yes"), ("no", "No"), ("unknown", "Unknown")]
CHALLENGE = [*YES_NO_UNKNOWN, ("not_applicable", "Not applicable")]
SEX = [("", "Choose…"), ("female", "Female"), ("male", "Male"), ("unknown", "Unknown")]
AGE_UNITS = [("years", "years"), ("months", "months"), ("weeks", "weeks"), ("days", "days")]
WEIGHT_UNITS = [("kg", "kg"), ("lb", "lb")]
PROFESSIONS = [("", "Choose…"), *Profession.choices]
LB_PER_KG = Decimal("2.20462")


class SpamGuardFields(forms.Form):
    """The signed token and the honeypot; checked in views.py before the form's own validation."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def honeypot_filled(self) -> bool:
        return bool(str(self.data.get(HONEYPOT_FIELD, "")).strip())


def _date(label: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=False, help_text=help_text, widget=forms.DateInput(attrs={"type": "date"})
    )


def _text(label: str, max_length: int, help_text: str = "", rows: int = 0) -> forms.CharField:
    widget: forms.Widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label, required=False, max_length=max_length, help_text=help_text, widget=widget, strip=True
    )


class AdverseEventForm(SpamGuardFields):
    # A. Patient
    patient_initials = _text(
        "Patient initials or your reference", 10, "Initials or a reference you can trace, never a full name."
    )
    patient_age = forms.IntegerField(label="Age at onset", required=False, min_value=0, max_value=120)
    patient_age_unit = forms.ChoiceField(label="Age unit", choices=AGE_UNITS, initial="years", required=False)
    patient_dob = _date("Date of birth", "Only if the age is not known.")
    patient_sex = forms.ChoiceField(label="Sex", choices=SEX, required=False)
    patient_weight = forms.DecimalField(
        label="Weight", required=False, min_value=Decimal("0.3"), max_value=Decimal("800"), decimal_places=1
    )
    patient_weight_unit = forms.ChoiceField(
        label="Weight unit", choices=WEIGHT_UNITS, initial="kg", required=False
    )
    # B. Adverse event
    event_description = _text("What happened", 5000, "The event, its course and how it was treated.", rows=6)
    event_onset = _date("Date the event started")
    outcomes = forms.MultipleChoiceField(
        label="Outcomes (tick all that apply)",
        choices=validity.OUTCOMES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    death_date = _date("Date of death", "Only if the patient died.")
    tests_labs = _text("Relevant tests and laboratory data, with dates", 3000, rows=4)
    medical_history = _text("Other relevant history, including pre-existing conditions", 3000, rows=3)
    # C/D. Suspect product
    product_name = _text("Suspect product", 100)
    dose = _text("Dose, frequency and route", 200, "For example 0.8 mg/m² IV on day 1.")
    therapy_start = _date("Therapy started")
    therapy_end = _date("Therapy stopped", "Leave empty if continuing.")
    indication = _text("Reason for use", 200)
    lot_number = _text("Lot number, if known", 30)
    dechallenge = forms.ChoiceField(
        label="Did the event abate after use stopped or the dose was reduced?",
        choices=CHALLENGE,
        required=False,
    )
    rechallenge = forms.ChoiceField(
        label="Did the event reappear after reintroduction?", choices=CHALLENGE, required=False
    )
    # Concomitant products
    concomitant_products = _text(
        "Other products the patient was taking, with dates", 3000, "Exclude treatment of the event.", rows=3
    )
    # E. Reporter
    reporter_name = _text("Your name", 120)
    reporter_profession = forms.ChoiceField(label="Your profession", choices=PROFESSIONS, required=False)
    reporter_email = forms.EmailField(label="Email address", required=False, max_length=254)
    reporter_phone = _text("Phone number", 30)
    reporter_institution = _text("Institution", 200)
    reported_to_fda = forms.ChoiceField(
        label="Have you also reported this event to the FDA?", choices=YES_NO_UNKNOWN, required=False
    )

    SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
        (
            "Patient",
            (
                "patient_initials",
                "patient_age",
                "patient_age_unit",
                "patient_dob",
                "patient_sex",
                "patient_weight",
                "patient_weight_unit",
            ),
        ),
        (
            "Adverse event",
            ("event_description", "event_onset", "outcomes", "death_date", "tests_labs", "medical_history"),
        ),
        (
            "Suspect product",
            (
                "product_name",
                "dose",
                "therapy_start",
                "therapy_end",
                "indication",
                "lot_number",
                "dechallenge",
                "rechallenge",
            ),
        ),
        ("Concomitant products", ("concomitant_products",)),
        (
            "Reporter",
            (
                "reporter_name",
                "reporter_profession",
                "reporter_email",
                "reporter_phone",
                "reporter_institution",
                "reported_to_fda",
            ),
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product_name"].initial = BESPONSA

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        for name in ("patient_dob", "event_onset", "death_date", "therapy_start", "therapy_end"):
            value = data.get(name)
            if isinstance(value, dt.date) and value > today:
                self.add_error(name, f"The date is in the future (today is {today:%m/%d/%Y}).")
        start, end = data.get("therapy_start"), data.get("therapy_end")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            self.add_error("therapy_end", "Therapy cannot stop before it started.")
        dob, onset = data.get("patient_dob"), data.get("event_onset")
        if isinstance(dob, dt.date) and isinstance(onset, dt.date) and onset < dob:
            self.add_error("event_onset", "The event cannot start before the date of birth.")
        death = data.get("death_date")
        if isinstance(death, dt.date) and isinstance(onset, dt.date) and death < onset:
            self.add_error("death_date", "The date of death is before the event started.")
        weight = data.get("patient_weight")
        if isinstance(weight, Decimal):
            kg = weight / LB_PER_KG if data.get("patient_weight_unit") == "lb" else weight
            if not Decimal("0.3") <= kg <= Decimal("350"):
                self.add_error("patient_weight", "Weight must be between 0.3 and 350 kg (0.7 to 770 lb).")
        meaningful = [
            f
            for f in self.fields
            if f not in {"form_token", "website", "product_name", "patient_age_unit", "patient_weight_unit"}
        ]
        if not any(data.get(f) not in (None, "", []) for f in meaningful):
            raise forms.ValidationError(
                "The report is empty: describe what happened or tell us how to reach you.", code="empty"
            )
        return data

    def report_data(self) -> dict[str, Any]:
        """The cleaned values as JSON-ready data: dates as ISO strings, decimals as strings."""
        return _plain(self.cleaned_data, self.SECTIONS)


class MedicalInquiryForm(SpamGuardFields):
    requester_name = forms.CharField(label="Your name", max_length=120)
    requester_profession = forms.ChoiceField(label="Your profession", choices=PROFESSIONS)
    requester_institution = _text("Institution", 200)
    question = forms.CharField(
        label="Your question", max_length=5000, widget=forms.Textarea(attrs={"rows": 7}), strip=True
    )
    preferred_channel = forms.ChoiceField(
        label="How should Medical Information answer?",
        choices=ResponseChannel.choices,
        widget=forms.RadioSelect,
        initial=ResponseChannel.EMAIL,
    )
    requester_email = forms.EmailField(label="Email address", required=False, max_length=254)
    requester_phone = _text("Phone number", 30)

    SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("Question", ("question",)),
        ("About you", ("requester_name", "requester_profession", "requester_institution")),
        ("Answer", ("preferred_channel", "requester_email", "requester_phone")),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        channel = data.get("preferred_channel")
        if (
            channel == ResponseChannel.EMAIL
            and not data.get("requester_email")
            and "requester_email" not in self.errors
        ):
            self.add_error(
                "requester_email", "Give an email address, since you asked for an answer by email."
            )
        if channel == ResponseChannel.PHONE and not data.get("requester_phone"):
            self.add_error("requester_phone", "Give a phone number, since you asked to be called.")
        return data

    def inquiry_data(self) -> dict[str, Any]:
        return _plain(self.cleaned_data, self.SECTIONS)


def _plain(cleaned: dict[str, Any], sections: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for _legend, names in sections:
        for name in names:
            value = cleaned.get(name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = str(value)
            elif value is None:
                value = ""
            out[name] = value
    return out


def sections_for_display(
    form_class: type[forms.Form], data: dict[str, Any]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """(legend, [(label, shown value)]) for a stored case, choice codes turned back into their labels."""
    fields = form_class.base_fields
    shown: list[tuple[str, list[tuple[str, str]]]] = []
    for legend, names in form_class.SECTIONS:  # type: ignore[attr-defined]
        rows = []
        for name in names:
            field = fields[name]
            value = data.get(name, "")
            choices = dict(getattr(field, "choices", []) or [])
            if isinstance(value, list):
                text = "; ".join(str(choices.get(v, v)) for v in value)
            else:
                text = str(choices.get(value, value)) if choices else str(value)
            rows.append((str(field.label), text))
        shown.append((legend, rows))
    return shown
