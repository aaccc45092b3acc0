"""The NPI check digit (Luhn over 80840 + first 9 digits) and the pluggable verifier."""

from __future__ import annotations

import pytest
from django.test import override_settings

from besponsa.accounts.npi import OfflineNpiVerifier, get_npi_verifier, npi_format_error


# Published examples: the CMS check-digit worked example and NPIs printed in public NPPES records.
@pytest.mark.parametrize("npi", ["1234567893", "1245319599", "1003000126", "1497758544"])
def test_real_npis_pass(npi: str) -> None:
    assert npi_format_error(npi) is None


@pytest.mark.parametrize("npi", ["1234567890", "1234567894", "1245319590", "2245319599"])
def test_a_changed_digit_fails_the_check_digit(npi: str) -> None:
    assert "check-digit" in (npi_format_error(npi) or "")


@pytest.mark.parametrize(
    "npi", ["", "123456789", "12345678931", "12345 7893", "123456789a", "１２３４５６７８９３"]
)
def test_anything_but_ten_ascii_digits_is_refused_with_the_field_named(npi: str) -> None:
    error = npi_format_error(npi)
    assert error is not None and error.startswith("NPI:") and "10 digits" in error


def test_every_single_digit_change_is_caught() -> None:
    # Luhn catches every single-digit error: change each position of a valid NPI to every other digit.
    base = "1245319599"
    for position in range(10):
        for digit in "0123456789":
            if digit != base[position]:
                changed = base[:position] + digit + base[position + 1 :]
                assert npi_format_error(changed) is not None, changed


def test_offline_verifier_is_the_default_and_never_needs_the_network() -> None:
    verifier = get_npi_verifier()
    assert isinstance(verifier, OfflineNpiVerifier)
    result = verifier.verify("1234567893", first_name="A", last_name="B")
    assert result.ok and result.method == "check-digit"


class RefusingRegistry:
    def verify(self, npi: str, *, first_name: str, last_name: str):  # type: ignore[no-untyped-def]
        from besponsa.accounts.npi import NpiResult

        return NpiResult(
            ok=False, method="registry", message=f"NPI: the registry lists no {last_name} with {npi}."
        )


def test_a_configured_verifier_replaces_the_default() -> None:
    with override_settings(ACCOUNTS_NPI_VERIFIER="tests.accounts.test_npi.RefusingRegistry"):
        result = get_npi_verifier().verify("1234567893", first_name="A", last_name="Bee")
    assert not result.ok and "Bee" in result.message
