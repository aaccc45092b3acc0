"""Forms. Every message starts with its field's name, so the error summary reads on its own."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from besponsa.accounts.states import STATE_CHOICES
from besponsa.services.models import EmailPreferences, Order, SupportReferral

ZIP_CODE = re.compile(r"^\d{5}(-\d{4})?$")
# Printable text only: no control characters in anything a label printer or a spreadsheet will read.
PLAIN_TEXT = re.compile(r"^[^\x00-\x1f\x7f]*$")


def _required(label: str) -> dict[str, str]:
    return {"required": f"{label}: this field is required."}


def _text(label: str, *, max_length: int, required: bool = True, autocomplete: str = "") -> forms.CharField:
    attrs = {"autocomplete": autocomplete} if autocomplete else {}
    return forms.CharField(
        label=label if required else f"{label} (optional)",
        max_length=max_length,
        required=required,
        error_messages={**_required(label), "max_length": f"{label}: at most {max_length} characters."},
        widget=forms.TextInput(attrs=attrs),
    )


class QuantityForm(forms.Form):
    """One line of the cart. The upper limit is the material's own, set by the caller."""

    material = forms.IntegerField(widget=forms.HiddenInput, error_messages=_required("Material"))
    quantity = forms.IntegerField(
        label="Copies",
        error_messages={**_required("Copies"), "invalid": "Copies: enter a whole number."},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, limit: int | None = None, allow_zero: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit = limit
        self.allow_zero = allow_zero

    def clean_quantity(self) -> int:
        quantity: int = self.cleaned_data["quantity"]
        low = 0 if self.allow_zero else 1
        if self.limit is not None and not low <= quantity <= self.limit:
            raise forms.ValidationError(
                f"Copies: enter a whole number of copies from {low} to {self.limit}; "
                f"{self.limit} is the most one order may ask for."
            )
        return quantity


class ShippingForm(forms.ModelForm):  # type: ignore[type-arg]
    """A US shipping address: state or territory code and ZIP or ZIP+4."""

    recipient = _text("Recipient", max_length=120, autocomplete="name")
    organization = _text(
        "Practice or institution", max_length=120, required=False, autocomplete="organization"
    )
    address_line1 = _text("Street address", max_length=120, autocomplete="address-line1")
    address_line2 = _text(
        "Suite, floor or department", max_length=120, required=False, autocomplete="address-line2"
    )
    city = _text("City", max_length=80, autocomplete="address-level2")
    state = forms.ChoiceField(
        label="State",
        choices=[("", "Choose a state or territory"), *STATE_CHOICES],
        error_messages={
            **_required("State"),
            "invalid_choice": "State: choose a US state, the District of Columbia or a territory "
            "from the list.",
        },
    )
    zip_code = forms.CharField(
        label="ZIP code",
        max_length=10,
        help_text="5 digits, or ZIP+4 such as 10017-1234.",
        error_messages={**_required("ZIP code"), "max_length": "ZIP code: at most 10 characters."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )

    class Meta:
        model = Order
        fields = ["recipient", "organization", "address_line1", "address_line2", "city", "state", "zip_code"]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        for name, field in self.fields.items():
            value = cleaned.get(name)
            if isinstance(value, str):
                value = value.strip()
                cleaned[name] = value
                if not PLAIN_TEXT.fullmatch(value):
                    self.add_error(name, f"{field.label}: remove the line breaks or control characters.")
        return cleaned

    def clean_zip_code(self) -> str:
        value = str(self.cleaned_data["zip_code"]).strip()
        if not ZIP_CODE.fullmatch(value):
            raise forms.ValidationError(
                "ZIP code: enter 5 digits, or 5 digits, a hyphen and 4 digits "
                "(for example 10017 or 10017-1234)."
            )
        return value


class OrderStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=Order.STATUS_CHOICES,
        error_messages={"invalid_choice": "Status: choose one from the list."},
    )


US_PHONE = re.compile(r"^\+?1?\D*(\d{3})\D*(\d{3})\D*(\d{4})$")


class ReferralForm(forms.ModelForm):  # type: ignore[type-arg]
    """Office contact details and the kind of help wanted; deliberately no field for a patient."""

    office_name = _text("Practice or institution", max_length=120, autocomplete="organization")
    contact_name = _text("Contact person", max_length=120, autocomplete="name")
    phone = forms.CharField(
        label="Office phone",
        max_length=20,
        help_text="A US number, 10 digits, e.g. 518-555-0142.",
        error_messages={**_required("Office phone"), "max_length": "Office phone: at most 20 characters."},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label="Office email",
        max_length=254,
        error_messages={
            **_required("Office email"),
            "invalid": "Office email: enter an address like name@example.org.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    preferred_time = forms.ChoiceField(
        label="Best time to call",
        choices=[("", "Choose a time"), *SupportReferral.TIME_CHOICES],
        error_messages={
            **_required("Best time to call"),
            "invalid_choice": "Best time to call: choose one from the list.",
        },
    )
    time_zone = forms.ChoiceField(
        label="Office time zone",
        choices=[("", "Choose a time zone"), *SupportReferral.ZONE_CHOICES],
        error_messages={
            **_required("Office time zone"),
            "invalid_choice": "Office time zone: choose one from the list.",
        },
    )
    help_types = forms.MultipleChoiceField(
        label="Help needed",
        choices=SupportReferral.HELP_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose one or more.",
        error_messages={
            "required": "Help needed: choose at least one kind of help.",
            "invalid_choice": "Help needed: choose from the list.",
        },
    )

    class Meta:
        model = SupportReferral
        fields = ["office_name", "contact_name", "phone", "email", "preferred_time", "time_zone"]

    def clean_phone(self) -> str:
        match = US_PHONE.fullmatch(str(self.cleaned_data["phone"]).strip())
        if not match:
            raise forms.ValidationError("Office phone: enter a 10-digit US number, e.g. 518-555-0142.")
        return "-".join(match.groups())

    def save(self, commit: bool = True) -> SupportReferral:
        referral: SupportReferral = super().save(commit=False)
        for key, _label in SupportReferral.HELP_CHOICES:
            setattr(referral, key, key in self.cleaned_data["help_types"])
        if commit:
            referral.save()
        return referral


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=SupportReferral.STATUS_CHOICES,
        error_messages={"invalid_choice": "Status: choose one from the list."},
    )


class EmailPreferencesForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = EmailPreferences
        fields = ["event_reminders", "order_updates"]
