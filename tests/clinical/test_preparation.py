"""Infusion preparation (PI 2.4) and the product facts it reads (PI 3, 11, 16)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from besponsa.clinical.bsa import BsaFormula, body_surface_area
from besponsa.clinical.citations import Confirmation
from besponsa.clinical.errors import InvalidInput
from besponsa.clinical.preparation import MAX_DOSE_MG, SYRINGE_UNCONFIRMED_FIELDS, Route, prepare_infusion
from besponsa.clinical.product import NDC, PRODUCT_FACTS, VIAL_STRENGTH

D = Decimal


# dose mg → (vials, withdraw mL, discard mL, final concentration mg/mL in the 50 mL bag)
BAG = [
    ("1.46", 2, "5.84", "1.36", "0.0292"),
    ("0.9", 1, "3.60", "0.00", "0.0180"),
    ("0.91", 2, "3.64", "3.56", "0.0182"),
    ("3.72", 5, "14.88", "3.12", "0.0744"),
]


@pytest.mark.parametrize(("dose", "vials", "withdraw", "discard", "concentration"), BAG)
def test_bag_route(dose: str, vials: int, withdraw: str, discard: str, concentration: str) -> None:
    result = prepare_infusion(dose_mg=D(dose))
    assert result.route is Route.BAG
    assert (result.vials, result.withdraw_ml, result.discard_ml) == (vials, D(withdraw), D(discard))
    assert result.final_concentration_mg_per_ml == D(concentration)
    assert (result.final_volume_ml, result.infusion_rate_ml_per_h, result.infusion_duration_h) == (
        D(50),
        D(50),
        D(1),
    )
    assert (result.diluent_ml_per_vial, result.concentration_mg_per_ml, result.deliverable_ml_per_vial) == (
        D(4),
        D("0.25"),
        D("3.6"),
    )
    assert (
        result.max_hours_reconstitution_to_dilution,
        result.max_hours_reconstitution_to_end_of_infusion,
    ) == (
        D(4),
        D(8),
    )
    assert result.protect_from_light and result.do_not_freeze and result.do_not_shake
    assert result.unconfirmed == ()
    assert result.citations == ("PI 2.4",)


def test_syringe_route_leaves_unconfirmed_values_blank() -> None:
    result = prepare_infusion(dose_mg=D("1.46"), route=Route.SYRINGE)
    assert (result.vials, result.withdraw_ml) == (2, D("5.84"))
    assert result.final_volume_ml is None
    assert result.final_concentration_mg_per_ml is None
    assert result.infusion_rate_ml_per_h is None
    assert result.infusion_duration_h is None
    assert result.unconfirmed == SYRINGE_UNCONFIRMED_FIELDS
    assert any(note.startswith("Unconfirmed (PI 2.4") for note in result.notes)


@pytest.mark.parametrize("dose", ["0", "0.009", "3.73", "10.01", "-1"])
def test_dose_range(dose: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        prepare_infusion(dose_mg=D(dose))
    assert caught.value.errors[0]["message"].startswith("dose_mg must be between 0.01 and 3.72 mg")


def test_the_largest_dose_is_the_regimen_at_the_largest_body() -> None:
    """PI 2.2 Table 1: 0.8 mg/m² is the largest daily level; 250 cm and 300 kg the largest body accepted."""
    largest_bsa = max(
        body_surface_area(height_cm=D(250), weight_kg=D(300), formula=formula).bsa_m2
        for formula in BsaFormula
    )
    assert (D("0.8") * largest_bsa).quantize(D("0.01")) == MAX_DOSE_MG
    prepare_infusion(dose_mg=MAX_DOSE_MG)


def test_micrograms_are_named() -> None:
    with pytest.raises(InvalidInput) as caught:
        prepare_infusion(dose_mg=D("1460"))
    assert caught.value.errors[0]["message"].endswith(
        "did you mean 1.46 mg? doses are entered in mg, not micrograms"
    )


# Issue #10 item 7: final concentration against the commonly cited (UNCONFIRMED, not US label) range;
# a dose too small for the 50 mL bag suggests the syringe route.
CONCENTRATION = [
    ("1.46", Route.BAG, True, Route.BAG),
    ("0.5", Route.BAG, True, Route.BAG),  # 0.01 mg/mL: the lower edge
    ("0.49", Route.BAG, False, Route.SYRINGE),
    ("0.2", Route.SYRINGE, None, Route.SYRINGE),
    ("1.46", Route.SYRINGE, None, Route.BAG),
]


@pytest.mark.parametrize(("dose", "route", "within", "suggested"), CONCENTRATION)
def test_concentration_check(dose: str, route: Route, within: bool | None, suggested: Route) -> None:
    check = prepare_infusion(dose_mg=D(dose), route=route).concentration_check
    assert (check.within, check.suggested_route) == (within, suggested)
    assert check.status is Confirmation.UNCONFIRMED
    assert "check the current PI 2.4" in check.message and "US label" not in check.message
    if route is Route.SYRINGE:
        assert "final volume of" in check.message


def test_small_bag_dose_is_flagged_with_the_syringe_route() -> None:
    check = prepare_infusion(dose_mg=D("0.2")).concentration_check
    assert check.message.startswith(
        "Final concentration 0.004 mg/mL is outside 0.01–0.1 mg/mL for a bag (check the current PI 2.4)"
    )
    assert "consider the syringe route" in check.message


def test_product_facts() -> None:
    keys = [fact.key for fact in PRODUCT_FACTS]
    assert len(keys) == len(set(keys))
    assert all(fact.citation.startswith("PI ") for fact in PRODUCT_FACTS)
    assert NDC.value == "0008-0100-01" and NDC.status is Confirmation.CONFIRMED
    assert VIAL_STRENGTH.amount == D("0.9") and not VIAL_STRENGTH.unconfirmed
    with pytest.raises(TypeError, match="statement"):
        _ = NDC.amount
