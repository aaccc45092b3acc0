"""Infusion preparation for one dose: vials, reconstitution, volume to withdraw, dilution and the time
limits (PI 2.4). The bag route's numbers are read from `product`; the syringe route's are unconfirmed
and left blank rather than guessed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Final

from besponsa.clinical import limits
from besponsa.clinical.citations import PI_2_4
from besponsa.clinical.interpretations import note
from besponsa.clinical.product import (
    BAG_TOTAL_VOLUME,
    DELIVERABLE_VOLUME,
    DILUENT_VOLUME,
    INFUSION_DURATION,
    INFUSION_RATE,
    RECONSTITUTED_CONCENTRATION,
    RECONSTITUTION_TO_DILUTION_MAX,
    RECONSTITUTION_TO_END_MAX,
)
from besponsa.clinical.rounding import CONTEXT, vials_for_dose, withdraw_volume_ml

__all__ = ["SYRINGE_UNCONFIRMED_FIELDS", "Preparation", "Route", "prepare_infusion"]


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
    limits.require((("dose_mg", dose_mg, limits.DOSE_MG),))
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
    )
