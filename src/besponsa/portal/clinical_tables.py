"""Page tables built from `besponsa.clinical` data at render time: no clinical number lives in the portal.

Each builder reads the module attribute when it is called (not at import), so a change to the clinical data
shows on the next render. Public tables show claims only: how firmly each row is established (the clinical
`Confirmation`) is a working note, carried in `PageTable.facts` for the reviewers' claims panel in the CMS
(besponsa.compliance.claims), never printed on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from besponsa.clinical import (
    citations,
    interpretations,
    modifications,
    monitoring,
    product,
    regimen,
    reproductive,
)

PI_REFERENCE = "pi-2024"

# Status words for reviewers (the claims panel); never on a public page.
STATUS_TEXT = {
    citations.Confirmation.CONFIRMED: "Confirmed in the 3/2024 PI",
    citations.Confirmation.SECONDARY: "From a secondary source restating the PI",
    citations.Confirmation.UNCONFIRMED: "UNCONFIRMED: not verified against the PI",
}

# Which product facts go in which table (keys of product.PRODUCT_FACTS; the values stay in clinical/).
SUPPLY_KEYS = ("vial_strength", "ndc", "storage")
PREPARATION_KEYS = (
    "diluent_volume",
    "reconstituted_concentration",
    "deliverable_volume",
    "do_not_shake",
    "bag_total_volume",
    "infusion_rate",
    "infusion_duration",
    "reconstitution_to_dilution_max",
    "reconstitution_to_end_max",
    "protect_from_light",
    "do_not_freeze",
    "observation_after_infusion",
    "cytoreduction_limit",
)


@dataclass(frozen=True)
class TableFact:
    """One row's fact, for reviewers: a stable key, the text shown, its label section and its status."""

    key: str
    text: str
    citation: str
    status: citations.Confirmation
    source_note: str = ""  # how it was sourced: the claims panel shows it, the public table never does


@dataclass(frozen=True)
class PageTable:
    key: str
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = ()
    references: tuple[str, ...] = (PI_REFERENCE,)
    facts: tuple[TableFact, ...] = ()

    @property
    def unconfirmed_facts(self) -> tuple[TableFact, ...]:
        return tuple(f for f in self.facts if f.status is citations.Confirmation.UNCONFIRMED)


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


def status_text(status: Any) -> str:
    return STATUS_TEXT[citations.Confirmation(status)]


def regimen_table() -> PageTable:
    rows = []
    for row in regimen.REGIMEN_TABLE:
        days = dict(row.days)
        rows.append(
            (
                row.applies_to,
                *(_num(days[d]) if d in days else "none" for d in (1, 8, 15)),
                _num(row.total_mg_per_m2),
                row.cycle_length_note,
                row.citation,
            )
        )
    return PageTable(
        key="regimen",
        caption="BESPONSA dose by cycle and response (mg/m² of body surface area per dose)",
        columns=("Cycle", "Day 1", "Day 8", "Day 15", "Total per cycle", "Cycle length", "Source"),
        rows=tuple(rows),
        facts=tuple(
            TableFact(f"regimen:{row.key}", row.applies_to, row.citation, citations.Confirmation(row.status))
            for row in regimen.REGIMEN_TABLE
        ),
    )


def duration_table() -> PageTable:
    return PageTable(
        key="duration",
        caption="How long to treat and how to time the doses",
        columns=("Rule", "Source"),
        rows=tuple((r.text, r.citation) for r in regimen.DURATION_RULES),
        facts=tuple(
            TableFact(f"duration:{r.code}", r.text, r.citation, citations.Confirmation(r.status))
            for r in regimen.DURATION_RULES
        ),
    )


def _modification_table(key: str, caption: str, rows: Any) -> PageTable:
    return PageTable(
        key=key,
        caption=caption,
        columns=("Situation", "What to do", "Source"),
        rows=tuple((r.condition, r.action, r.citation) for r in rows),
        facts=tuple(
            TableFact(
                f"{key}:{r.key}", f"{r.condition}: {r.action}", r.citation, citations.Confirmation(r.status)
            )
            for r in rows
        ),
    )


def hematologic_table() -> PageTable:
    return _modification_table(
        "hematologic",
        "Dose modification for hematologic toxicity, decided at the start of each cycle (PI Table 2)",
        modifications.HEMATOLOGIC_TABLE,
    )


def nonhematologic_table() -> PageTable:
    return _modification_table(
        "nonhematologic",
        "Dose modification for non-hematologic toxicity (PI Table 3)",
        modifications.NONHEMATOLOGIC_TABLE,
    )


def interruption_table() -> PageTable:
    return _modification_table(
        "interruption",
        "Dose modification by length of interruption for toxicity (PI Table 4)",
        modifications.INTERRUPTION_TABLE,
    )


def _facts(keys: tuple[str, ...]) -> list[Any]:
    by_key = {fact.key: fact for fact in product.PRODUCT_FACTS}
    return [by_key[key] for key in keys if key in by_key]


def _fact_value(fact: Any) -> str:
    if isinstance(fact.value, Decimal):
        return f"{_num(fact.value)} {fact.unit}".strip()
    if fact.value == "yes":
        return "Yes"
    return f"{fact.value} {fact.unit}".strip()


def _with_note(fact: Any) -> str:
    return _fact_value(fact) + (f" ({fact.note})" if fact.note else "")


def _facts_table(key: str, caption: str, keys: tuple[str, ...]) -> PageTable:
    facts = _facts(keys)
    return PageTable(
        key=key,
        caption=caption,
        columns=("Item", "Value", "Source"),
        rows=tuple((fact.label, _with_note(fact), fact.citation) for fact in facts),
        facts=tuple(product_fact(fact) for fact in facts),
    )


def product_fact(fact: Any) -> TableFact:
    return TableFact(
        f"product:{fact.key}",
        f"{fact.label}: {_with_note(fact)}",
        fact.citation,
        citations.Confirmation(fact.status),
        fact.source_note,
    )


def supply_table() -> PageTable:
    return _facts_table("supply", "How BESPONSA is supplied and stored", SUPPLY_KEYS)


def preparation_table() -> PageTable:
    return _facts_table("preparation", "Preparation, administration and time limits", PREPARATION_KEYS)


def pre_dose_table() -> PageTable:
    return PageTable(
        key="pre_dose",
        caption="Before and around each dose",
        columns=("Check", "Source"),
        rows=tuple((check.text, check.citation) for check in monitoring.PRE_DOSE_CHECKS),
    )


def vod_risk_table() -> PageTable:
    return PageTable(
        key="vod_risk",
        caption="Risk factors for hepatic veno-occlusive disease",
        columns=("Risk factor", "Source"),
        rows=tuple((factor.text, factor.citation) for factor in monitoring.VOD_RISK_FACTORS),
    )


def reproductive_table() -> PageTable:
    rows = (
        (
            "Females of reproductive potential: use effective contraception",
            f"{reproductive.CONTRACEPTION_FEMALE_MONTHS} months",
            "PI 5.6; PI 8.3",
        ),
        (
            "Males with female partners of reproductive potential: use effective contraception",
            f"{reproductive.CONTRACEPTION_MALE_MONTHS} months",
            "PI 5.6; PI 8.3",
        ),
        ("Do not breastfeed", f"{reproductive.BREASTFEEDING_MONTHS} months", "PI 8.2"),
    )
    status = citations.Confirmation(reproductive.MONTHS_STATUS)
    return PageTable(
        key="reproductive",
        caption="Pregnancy prevention and breastfeeding after the last dose",
        columns=("Who", "For how long after the last dose", "Source"),
        rows=rows,
        facts=tuple(
            TableFact(f"reproductive:{i}", f"{who}: {months}", source, status)
            for i, (who, months, source) in enumerate(rows, start=1)
        ),
    )


def interpretations_table() -> PageTable:
    return PageTable(
        key="interpretations",
        caption="Where the label is silent: how the clinical tools read it",
        columns=("Topic", "How the tools read it", "Label section"),
        rows=tuple((i.topic, i.text, i.citation) for i in interpretations.INTERPRETATIONS),
    )


TABLES: dict[str, tuple[str, Callable[[], PageTable]]] = {
    "regimen": ("Regimen by cycle (PI Table 1)", regimen_table),
    "duration": ("Duration and timing rules", duration_table),
    "hematologic": ("Hematologic toxicity (PI Table 2)", hematologic_table),
    "nonhematologic": ("Non-hematologic toxicity (PI Table 3)", nonhematologic_table),
    "interruption": ("Interruption length (PI Table 4)", interruption_table),
    "supply": ("Supply and storage", supply_table),
    "preparation": ("Preparation and administration", preparation_table),
    "pre_dose": ("Checks before each dose", pre_dose_table),
    "vod_risk": ("VOD risk factors", vod_risk_table),
    "reproductive": ("Contraception and breastfeeding", reproductive_table),
    "interpretations": ("How the tools read gaps in the label", interpretations_table),
}

TABLE_CHOICES = [(key, label) for key, (label, _builder) in TABLES.items()]


def build(key: str) -> PageTable:
    return TABLES[key][1]()
