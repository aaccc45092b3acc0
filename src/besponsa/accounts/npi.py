"""National Provider Identifier checks: the offline check-digit test and a pluggable registry verifier.

An NPI is 10 digits; the last is a Luhn check digit computed over "80840" (the US health-industry
prefix) followed by the first 9 digits (CMS, "Requirements for NPI check digit"). The default verifier
only checks the format and the digit, so registration works offline. A deployment that wants the
NPPES registry plugs in a class with the same `verify` method via the ACCOUNTS_NPI_VERIFIER setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

NPI_PREFIX = "80840"


def luhn_check_digit(digits: str) -> int:
    """The digit that makes `digits` + check digit pass the Luhn test."""
    total = 0
    # Walking from the right, the digit next to the (missing) check digit is doubled first.
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def npi_format_error(npi: str) -> str | None:
    """None if `npi` is a well-formed NPI, otherwise a message naming the field and the reason."""
    if len(npi) != 10 or not npi.isascii() or not npi.isdigit():
        return "NPI: enter the 10 digits of your National Provider Identifier, with no spaces or letters."
    if luhn_check_digit(NPI_PREFIX + npi[:9]) != int(npi[9]):
        return "NPI: this number fails the NPI check-digit test; check it for a mistyped digit."
    return None


@dataclass(frozen=True)
class NpiResult:
    ok: bool
    method: str  # "check-digit" for the offline check, "registry" for a registry lookup
    message: str = ""


class NpiVerifier(Protocol):
    def verify(self, npi: str, *, first_name: str, last_name: str) -> NpiResult: ...


class OfflineNpiVerifier:
    """Format and check digit only: no network, so tests and offline deployments behave the same."""

    def verify(self, npi: str, *, first_name: str, last_name: str) -> NpiResult:
        error = npi_format_error(npi)
        return NpiResult(ok=error is None, method="check-digit", message=error or "")


def get_npi_verifier() -> NpiVerifier:
    path = getattr(settings, "ACCOUNTS_NPI_VERIFIER", "besponsa.accounts.npi.OfflineNpiVerifier")
    verifier: NpiVerifier = import_string(path)()
    return verifier
