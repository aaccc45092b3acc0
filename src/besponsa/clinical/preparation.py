"""Infusion preparation for one dose: vials, reconstitution, volume to withdraw, dilution and the time
limits (PI 2.4). The bag route's numbers are read from `product`; the syringe route's are unconfirmed
and left blank rather than guessed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Final

from besponsa.clinical import limits
from besponsa.clinical.bsa import BsaFormula, body_surface_area
from besponsa.clinical.citations import PI_2_4, Confirmation
from besponsa.clinical.interpretations import note
from besponsa.clinical.product import (
    BAG_CONCENTRATION_MAX,
    BAG_CONCENTRATION_MIN,
    BAG_TOTAL_VOLUME,
    DELIVERABLE_VOLUME,
    DILUENT_VOLUME,
    INFUSION_DURATION,
    INFUSION_RATE,
    RECONSTITUTED_CONCENTRATION,
    RECONSTITUTION_TO_DILUTION_MAX,
    RECONSTITUTION_TO_END_MAX,
    SYRINGE_CONCENTRATION_MAX,
    SYRINGE_CONCENTRATION_MIN,
    LabelFact,
)
from besponsa.clinical.regimen import REGIMEN_TABLE
from besponsa.clinical.rounding import CONTEXT, vials_for_dose, withdraw_volume_ml
from besponsa.clinical.rounding import dose_mg as level_dose_mg

__all__ = [
    "DOSE_MG",
    "MAX_DOSE_MG",
    "SYRINGE_UNCONFIRMED_FIELDS",
    "ConcentrationCheck",
    "Preparation",
    "Route",
    "prepare_infusion",
]


class Route(StrEnum):
    BAG = "bag"
    SYRINGE = "syringe"


SYRINGE_UNCONFIRMED_FIELDS: Final = (
    "final_volume_ml",
    "final_concentration_mg_per_ml",
    "infusion_rate_ml_per_h",
    "infusion_duration_h",
)
_CONCENTRATION_QUANTUM: Final = Decimal("0.0001")


def _largest_dose() -> Decimal:
    """The largest single dose the regimen gives at the largest accepted body (any BSA formula)."""
    bsa = max(
        body_surface_area(
            height_cm=limits.HEIGHT_CM.maximum, weight_kg=limits.WEIGHT_KG.maximum, formula=formula
        ).bsa_m2
        for formula in BsaFormula
    )
    level = max(level for row in REGIMEN_TABLE for _, level in row.days)
    return level_dose_mg(level_mg_per_m2=level, bsa_m2=bsa)


# A dose above what any accepted patient can be prescribed is refused (issue #10 item 7): it is a
# typing error (micrograms, a total instead of one dose) and must not be prepared.
MAX_DOSE_MG: Final = _largest_dose()
DOSE_MG: Final = limits.Limit(
    Decimal("0.01"),
    MAX_DOSE_MG,
    "mg",
    guesses=(
        limits.UnitGuess(
            Decimal("1000"), "doses are entered in mg, not micrograms", Decimal("0.01"), floor=Decimal("50")
        ),
    ),
    advice="no single dose of the regimen is larger, even at the largest accepted body size",
)


@dataclass(frozen=True, slots=True)
class ConcentrationCheck:
    """The final concentration against a commonly cited range that the US label text does not confirm."""

    low: Decimal
    high: Decimal
    within: bool | None  # None when the final volume is not known (syringe route)
    message: str
    suggested_route: Route
    status: Confirmation = Confirmation.UNCONFIRMED


def _range_text(low: LabelFact, high: LabelFact) -> str:
    return f"{low.amount}–{high.amount} mg/mL"


def _concentration_check(dose_mg: Decimal, route: Route, concentration: Decimal | None) -> ConcentrationCheck:
    bag_low, bag_high = BAG_CONCENTRATION_MIN.amount, BAG_CONCENTRATION_MAX.amount
    bag_concentration = CONTEXT.divide(dose_mg, BAG_TOTAL_VOLUME.amount)
    small = bag_concentration < bag_low  # too dilute in a 50 mL bag
    suggested = Route.SYRINGE if small else Route.BAG
    # Where the range comes from is a working note (its status, for the API and the CMS): the message,
    # which the tool pages show, only asks to check it.
    check_pi = "check the current PI 2.4"
    if route is Route.BAG:
        assert concentration is not None
        within = bag_low <= concentration <= bag_high
        message = (
            f"Final concentration {limits.format_number(concentration)} mg/mL is "
            f"{'within' if within else 'outside'} "
            f"{_range_text(BAG_CONCENTRATION_MIN, BAG_CONCENTRATION_MAX)} for a bag ({check_pi})"
        )
        message += (
            "." if within else ": check it with pharmacy; for a dose this small consider the syringe route."
        )
        return ConcentrationCheck(bag_low, bag_high, within, message, suggested)
    low, high = SYRINGE_CONCENTRATION_MIN.amount, SYRINGE_CONCENTRATION_MAX.amount
    most = CONTEXT.divide(dose_mg, low).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP, context=CONTEXT)
    least = CONTEXT.divide(dose_mg, high).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP, context=CONTEXT)
    syringe_range = _range_text(SYRINGE_CONCENTRATION_MIN, SYRINGE_CONCENTRATION_MAX)
    message = (
        f"For a syringe, {syringe_range} ({check_pi}) means a final volume of {least}–{most} mL "
        "for this dose."
    )
    if not small:
        message += " A dose this size also fits the 50 mL bag route."
    return ConcentrationCheck(low, high, None, message, suggested)


@dataclass(frozen=True, slots=True)
class Preparation:
    dose_mg: Decimal
    route: Route
    vials: int
    withdraw_ml: Decimal
    discard_ml: Decimal
    final_volume_ml: Decimal | None
    final_concentration_mg_per_ml: Decimal | None
    infusion_rate_ml_per_h: Decimal | None
    infusion_duration_h: Decimal | None
    steps: tuple[str, ...]
    unconfirmed: tuple[str, ...]
    notes: tuple[str, ...]
    concentration_check: ConcentrationCheck
    diluent_ml_per_vial: Decimal = DILUENT_VOLUME.amount
    concentration_mg_per_ml: Decimal = RECONSTITUTED_CONCENTRATION.amount
    deliverable_ml_per_vial: Decimal = DELIVERABLE_VOLUME.amount
    max_hours_reconstitution_to_dilution: Decimal = RECONSTITUTION_TO_DILUTION_MAX.amount
    max_hours_reconstitution_to_end_of_infusion: Decimal = RECONSTITUTION_TO_END_MAX.amount
    protect_from_light: bool = True
    do_not_freeze: bool = True
    do_not_shake: bool = True
    citations: tuple[str, ...] = (PI_2_4,)


def prepare_infusion(*, dose_mg: Decimal, route: Route = Route.BAG) -> Preparation:
    """Preparation for one dose in mg (already rounded by the planner, or entered by the pharmacist)."""
    limits.require((("dose_mg", dose_mg, DOSE_MG),))
    vials = vials_for_dose(dose_mg)
    withdraw = withdraw_volume_ml(dose_mg)
    discard = CONTEXT.subtract(CONTEXT.multiply(DELIVERABLE_VOLUME.amount, Decimal(vials)), withdraw)
    steps = [
        f"Take {vials} single-dose vial(s) of 0.9 mg for this dose alone; vials are never shared between "
        "doses.",
        f"Reconstitute each vial with {DILUENT_VOLUME.amount} mL Sterile Water for Injection "
        f"({RECONSTITUTED_CONCENTRATION.amount} mg/mL; {DELIVERABLE_VOLUME.amount} mL can be withdrawn).",
        "Swirl gently until dissolved; do not shake. Check for a clear to opalescent, colorless to "
        "slightly yellow solution without visible particles.",
        f"Withdraw {withdraw} mL in total; discard the {discard} mL left in the vial(s).",
    ]
    if route is Route.BAG:
        final_volume: Decimal | None = BAG_TOTAL_VOLUME.amount
        concentration: Decimal | None = CONTEXT.divide(dose_mg, BAG_TOTAL_VOLUME.amount).quantize(
            _CONCENTRATION_QUANTUM, rounding=ROUND_HALF_UP, context=CONTEXT
        )
        rate: Decimal | None = INFUSION_RATE.amount
        duration: Decimal | None = INFUSION_DURATION.amount
        steps += [
            f"Add it to 0.9% sodium chloride for a total volume of {BAG_TOTAL_VOLUME.amount} mL; mix by "
            "gentle inversion.",
            f"Infuse at {INFUSION_RATE.amount} mL/h over {INFUSION_DURATION.amount} hour, protected from "
            "light; do not mix or co-infuse with other drugs.",
        ]
        unconfirmed: tuple[str, ...] = ()
        notes = [
            "Container, line and filter materials are listed in PI 2.4 (the 2017 label lists PVC, "
            "polyolefin or EVA containers and says a filter is not required); check the current PI."
        ]
    else:
        final_volume = concentration = rate = duration = None
        steps.append("Prepare the syringe as the current PI 2.4 'Syringe Administration' column states.")
        unconfirmed = SYRINGE_UNCONFIRMED_FIELDS
        notes = [note("syringe_route")]
    steps.append(
        f"Finish the infusion within {RECONSTITUTION_TO_END_MAX.amount} hours of reconstitution, of which at "
        f"most {RECONSTITUTION_TO_DILUTION_MAX.amount} hours from reconstitution to dilution. Protect both "
        "solutions from light; never freeze them."
    )
    notes.append(
        "Storage limits for the diluted solution (room temperature or refrigerated) were not read in the "
        "3/2024 label; keep within the overall limits above."
    )
    return Preparation(
        dose_mg=dose_mg,
        route=route,
        vials=vials,
        withdraw_ml=withdraw,
        discard_ml=discard,
        final_volume_ml=final_volume,
        final_concentration_mg_per_ml=concentration,
        infusion_rate_ml_per_h=rate,
        infusion_duration_h=duration,
        steps=tuple(steps),
        unconfirmed=unconfirmed,
        notes=tuple(notes),
        concentration_check=_concentration_check(dose_mg, route, concentration),
    )
