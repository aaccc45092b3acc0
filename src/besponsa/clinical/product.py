"""Product and handling facts (PI 2.4, 3, 11, 16), each with its citation and confirmation status.

These records are the single source for the Dosing page, the preparation advice and the dose
arithmetic: `rounding` and `preparation` read their numbers from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from besponsa.clinical.citations import PI_2_2, PI_2_4, PI_3, PI_5_4, PI_11, PI_16, Confirmation

__all__ = [
    "BAG_CONCENTRATION_MAX",
    "BAG_CONCENTRATION_MIN",
    "BAG_TOTAL_VOLUME",
    "CYTOREDUCTION_LIMIT",
    "DELIVERABLE_VOLUME",
    "DILUENT_VOLUME",
    "DO_NOT_FREEZE",
    "DO_NOT_SHAKE",
    "INFUSION_DURATION",
    "INFUSION_RATE",
    "NDC",
    "OBSERVATION_AFTER_INFUSION",
    "PRODUCT_FACTS",
    "PROTECT_FROM_LIGHT",
    "RECONSTITUTED_CONCENTRATION",
    "RECONSTITUTION_TO_DILUTION_MAX",
    "RECONSTITUTION_TO_END_MAX",
    "STORAGE",
    "SYRINGE_CONCENTRATION_MAX",
    "SYRINGE_CONCENTRATION_MIN",
    "VIAL_STRENGTH",
    "LabelFact",
]


@dataclass(frozen=True, slots=True)
class LabelFact:
    """One product fact: a number (with unit) or a short statement, where it comes from, how sure we are."""

    key: str
    label: str
    value: Decimal | str
    unit: str
    citation: str
    status: Confirmation
    note: str = ""
    # How the fact was sourced, for the reviewers' claims panel only: never shown on a public page.
    source_note: str = ""

    @property
    def unconfirmed(self) -> bool:
        return self.status is Confirmation.UNCONFIRMED

    @property
    def amount(self) -> Decimal:
        """The numeric value; only numeric facts are used in arithmetic."""
        if isinstance(self.value, Decimal):
            return self.value
        raise TypeError(f"{self.key} is a statement, not a number")


VIAL_STRENGTH: Final = LabelFact(
    "vial_strength",
    "Strength of one single-dose vial (lyophilized powder)",
    Decimal("0.9"),
    "mg",
    f"{PI_3}; {PI_11}",
    Confirmation.SECONDARY,
    "US vial. The EU/UK product is a 1 mg vial: never mix the two.",
)
DILUENT_VOLUME: Final = LabelFact(
    "diluent_volume",
    "Sterile Water for Injection to reconstitute one vial",
    Decimal("4"),
    "mL",
    PI_2_4,
    Confirmation.SECONDARY,
)
RECONSTITUTED_CONCENTRATION: Final = LabelFact(
    "reconstituted_concentration",
    "Concentration after reconstitution",
    Decimal("0.25"),
    "mg/mL",
    PI_2_4,
    Confirmation.SECONDARY,
)
DELIVERABLE_VOLUME: Final = LabelFact(
    "deliverable_volume",
    "Volume that can be withdrawn from one reconstituted vial (0.9 mg)",
    Decimal("3.6"),
    "mL",
    PI_2_4,
    Confirmation.SECONDARY,
)
BAG_TOTAL_VOLUME: Final = LabelFact(
    "bag_total_volume",
    "Total volume after dilution in 0.9% sodium chloride (infusion bag route)",
    Decimal("50"),
    "mL",
    PI_2_4,
    Confirmation.SECONDARY,
    source_note=(
        "Stated for the bag route in the 2017 label and by secondary sources; the 3/2024 wording "
        "was not read."
    ),
)
INFUSION_RATE: Final = LabelFact(
    "infusion_rate",
    "Infusion rate for the 50 mL bag",
    Decimal("50"),
    "mL/h",
    PI_2_4,
    Confirmation.SECONDARY,
)
INFUSION_DURATION: Final = LabelFact(
    "infusion_duration",
    "Infusion duration",
    Decimal("1"),
    "h",
    PI_2_4,
    Confirmation.SECONDARY,
)
RECONSTITUTION_TO_DILUTION_MAX: Final = LabelFact(
    "reconstitution_to_dilution_max",
    "Longest time from reconstitution to dilution",
    Decimal("4"),
    "h",
    PI_2_4,
    Confirmation.CONFIRMED,
)
RECONSTITUTION_TO_END_MAX: Final = LabelFact(
    "reconstitution_to_end_max",
    "Longest time from reconstitution to the end of the infusion",
    Decimal("8"),
    "h",
    PI_2_4,
    Confirmation.CONFIRMED,
)
PROTECT_FROM_LIGHT: Final = LabelFact(
    "protect_from_light",
    "Protect the reconstituted and the diluted solution from light",
    "yes",
    "",
    PI_2_4,
    Confirmation.CONFIRMED,
)
DO_NOT_FREEZE: Final = LabelFact(
    "do_not_freeze",
    "Never freeze the reconstituted or the diluted solution",
    "yes",
    "",
    PI_2_4,
    Confirmation.CONFIRMED,
)
DO_NOT_SHAKE: Final = LabelFact(
    "do_not_shake",
    "Swirl gently to dissolve; do not shake",
    "yes",
    "",
    PI_2_4,
    Confirmation.SECONDARY,
)
NDC: Final = LabelFact(
    "ndc",
    "NDC of the carton (one 0.9 mg single-dose vial)",
    "0008-0100-01",
    "",
    PI_16,
    Confirmation.CONFIRMED,
)
STORAGE: Final = LabelFact(
    "storage",
    "Unopened vials: refrigerate in the original carton, protected from light; do not freeze",
    "2–8 °C (36–46 °F)",
    "",
    PI_16,
    Confirmation.SECONDARY,
    source_note="Exact PI 16 wording and shelf life were not read.",
)
OBSERVATION_AFTER_INFUSION: Final = LabelFact(
    "observation_after_infusion",
    "Observe the patient during the infusion and for at least this long after it ends",
    Decimal("1"),
    "h",
    PI_5_4,
    Confirmation.SECONDARY,
)
CYTOREDUCTION_LIMIT: Final = LabelFact(
    "cytoreduction_limit",
    "Highest peripheral blast count before the first dose (10,000/mm³)",
    Decimal("10"),
    "×10⁹/L",
    PI_2_2,
    Confirmation.SECONDARY,
)

# Final concentration ranges cited by an institutional pediatric protocol, NOT read in the US label
# (label_facts §6.2): used only to flag a dose for review, always shown as unconfirmed.
_RANGE_NOTE: Final = "From an institutional protocol, not the US label: confirm against the current PI 2.4."


def _cited_concentration(key: str, label: str, value: str) -> LabelFact:
    return LabelFact(key, label, Decimal(value), "mg/mL", PI_2_4, Confirmation.UNCONFIRMED, _RANGE_NOTE)


BAG_CONCENTRATION_MIN: Final = _cited_concentration(
    "bag_concentration_min", "Lowest commonly cited final concentration, infusion bag", "0.01"
)
BAG_CONCENTRATION_MAX: Final = _cited_concentration(
    "bag_concentration_max", "Highest commonly cited final concentration, infusion bag", "0.1"
)
SYRINGE_CONCENTRATION_MIN: Final = _cited_concentration(
    "syringe_concentration_min", "Lowest commonly cited final concentration, syringe", "0.025"
)
SYRINGE_CONCENTRATION_MAX: Final = _cited_concentration(
    "syringe_concentration_max", "Highest commonly cited final concentration, syringe", "0.1"
)

PRODUCT_FACTS: Final[tuple[LabelFact, ...]] = (
    VIAL_STRENGTH,
    DILUENT_VOLUME,
    RECONSTITUTED_CONCENTRATION,
    DELIVERABLE_VOLUME,
    BAG_TOTAL_VOLUME,
    INFUSION_RATE,
    INFUSION_DURATION,
    RECONSTITUTION_TO_DILUTION_MAX,
    RECONSTITUTION_TO_END_MAX,
    PROTECT_FROM_LIGHT,
    DO_NOT_FREEZE,
    DO_NOT_SHAKE,
    NDC,
    STORAGE,
    OBSERVATION_AFTER_INFUSION,
    CYTOREDUCTION_LIMIT,
)
