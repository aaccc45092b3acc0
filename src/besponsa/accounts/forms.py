"""Forms. Every message names its field, so the error summary reads on its own."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import HttpRequest

from besponsa.accounts.backends import verify_current_password
from besponsa.accounts.models import HcpProfile, Profession
from besponsa.accounts.npi import get_npi_verifier, npi_format_error
from besponsa.accounts.states import STATE_CHOICES

User = get_user_model()


def _required(label: str) -> dict[str, str]:
    return {"required": f"{label}: this field is required."}


# Control characters, format characters (bidirectional overrides, zero-width joiners), private-use,
# unassigned and line/paragraph separators: invisible or reordering in emails, the CMS and the log.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})


def printable_text(label: str, allowed: str = "letters, spaces, apostrophes and hyphens") -> Any:
    def check(value: str) -> None:
        if any(unicodedata.category(ch) in REFUSED_CATEGORIES for ch in value):
            raise forms.ValidationError(
                f"{label}: use {allowed}, with no control or invisible characters.", code="control_character"
            )

    return check


class HcpDetailsMixin(forms.Form):
    first_name = forms.CharField(
        label="First name",
        max_length=150,
        error_messages=_required("First name"),
        validators=[printable_text("First name")],
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=150,
        error_messages=_required("Last name"),
        validators=[printable_text("Last name")],
    )
    profession = forms.ChoiceField(
        label="Profession",
        choices=[("", "Choose your profession"), *Profession.choices],
        error_messages={**_required("Profession"), "invalid_choice": "Profession: choose one from the list."},
    )
    specialty = forms.CharField(
        label="Specialty",
        max_length=100,
        error_messages=_required("Specialty"),
        help_text="For example, hematology.",
        validators=[printable_text("Specialty", "letters, digits, spaces and punctuation")],
    )
    npi = forms.CharField(
        label="NPI (National Provider Identifier)",
        max_length=10,
        min_length=10,
        error_messages={
            **_required("NPI"),
            "max_length": "NPI: enter exactly 10 digits.",
            "min_length": "NPI: enter exactly 10 digits.",
        },
        help_text="10 digits.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    license_state = forms.ChoiceField(
        label="State of license",
        choices=[("", "Choose a state"), *STATE_CHOICES],
        error_messages={
            **_required("State of license"),
            "invalid_choice": "State of license: choose one from the list.",
        },
    )
    license_number = forms.RegexField(
        label="License number",
        max_length=30,
        regex=r"^[A-Za-z0-9][A-Za-z0-9 .\-/]*$",
        error_messages={
            **_required("License number"),
            "invalid": "License number: use letters, digits, spaces, dots, hyphens or slashes.",
            "max_length": "License number: use at most 30 characters.",
        },
    )

    def clean_npi(self) -> str:
        npi = str(self.cleaned_data["npi"]).strip()
        error = npi_format_error(npi)
        if error:
            raise forms.ValidationError(error, code="npi")
        return npi

    def check_npi_with_verifier(self) -> str | None:
        """Runs the configured verifier once the names are known; returns how the NPI was checked."""
        npi = self.cleaned_data.get("npi")
        if not npi:
            return None
        result = get_npi_verifier().verify(
            npi,
            first_name=self.cleaned_data.get("first_name", ""),
            last_name=self.cleaned_data.get("last_name", ""),
        )
        if not result.ok:
            self.add_error("npi", result.message or "NPI: the registry does not confirm this number.")
            return None
        return result.method


class RegistrationForm(HcpDetailsMixin):
    email = forms.EmailField(
        label="Email address",
        max_length=150,
        error_messages={
            **_required("Email address"),
            "invalid": "Email address: enter an address like name@example.org.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        error_messages=_required("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters; not a common password, not all digits, not like your name.",
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        error_messages=_required("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    accept_terms = forms.BooleanField(
        label="I confirm I am a US healthcare professional and agree to the account terms above.",
        error_messages={"required": "Terms: tick the box to confirm and accept the terms."},
    )

    field_order = (
        "first_name", "last_name", "email", "profession", "specialty", "npi",
        "license_state", "license_number", "password1", "password2", "accept_terms",
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "Password again: the two passwords do not match.")
        elif password1:
            candidate = User(
                username=cleaned.get("email", ""),
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", [f"Password: {message}" for message in error.messages])
        if not self.errors:
            self.npi_method = self.check_npi_with_verifier()
        return cleaned


class ProfileForm(HcpDetailsMixin):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            self.npi_method = self.check_npi_with_verifier()
        return cleaned

    @classmethod
    def for_profile(cls, profile: HcpProfile, data: Any = None) -> ProfileForm:
        user = profile.user
        initial = {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "profession": profile.profession,
            "specialty": profile.specialty,
            "npi": profile.npi,
            "license_state": profile.license_state,
            "license_number": profile.license_number,
        }
        return cls(data=data, initial=initial)


class EmailAuthenticationForm(AuthenticationForm):
    """Django's sign-in form with the email address as the identifier and one message for any mistake."""

    username = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            **_required("Email address"),
            "invalid": "Email address: enter an address like name@example.org.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        same = "The email address or password is not right. Check both and try again."
        self.error_messages = {**self.error_messages, "invalid_login": same, "inactive": same}
        self.fields["password"].error_messages.update(_required("Password"))


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=60,
        help_text="So you can recognise it later, for example the name of the script or app that uses it.",
        error_messages={**_required("Token name"), "max_length": "Token name: use at most 60 characters."},
        validators=[printable_text("Token name", "letters, digits, spaces and punctuation")],
    )


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        error_messages=_required("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: Any, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        # Through the throttled backend: re-entering a password is a guess like any sign-in.
        if not verify_current_password(self.request, self.user, password):
            raise forms.ValidationError("Your password: that is not your current password.")
        return password


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's password change, with the old password checked through the throttled backend."""

    def __init__(self, user: Any, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old_password = str(self.cleaned_data["old_password"])
        if not verify_current_password(self.request, self.user, old_password):
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class ChangeEmailForm(ConfirmPasswordForm):
    new_email = forms.EmailField(
        label="New email address",
        max_length=150,
        error_messages={
            **_required("New email address"),
            "invalid": "New email address: enter an address like name@example.org.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    field_order = ("new_email", "password")

    def clean_new_email(self) -> str:
        new_email = str(self.cleaned_data["new_email"]).strip()
        if new_email.lower() == self.user.email.lower():
            raise forms.ValidationError("New email address: this is already your address.")
        return new_email


class TotpForm(forms.Form):
    code = forms.RegexField(
        label="6-digit code from your authenticator app",
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        error_messages={**_required("Code"), "invalid": "Code: enter the 6 digits your app shows now."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_code(self) -> str:
        return "".join(str(self.cleaned_data["code"]).split())
