"""The claims and references of a page, for MLR reviewers, and the verification of unconfirmed facts.

Public pages show claims only. What a reviewer needs to judge them (the label section and how firmly each
label fact is established, the data records behind each number, how a number was derived, working notes)
is listed here, per page, in the CMS claims panel (`/cms/compliance/claims/<page id>/`).

A label fact marked unconfirmed in `besponsa.clinical` blocks approval of any page that shows it, and
withholds such a page, until a Medical reviewer records a `FactVerification`: who, when, against which
label section and revision. A verification applies to the fact as it reads (its digest): if a deploy
changes the fact, it must be verified again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from besponsa.compliance.models import FactVerification


@dataclass(frozen=True)
class Claim:
    part: str  # the page part, e.g. "clinical table interruption"
    kind: str  # label fact, evidence statement, evidence table, figure, working note
    key: str
    text: str
    source: str = ""
    status: str = ""
    notes: tuple[str, ...] = ()
    fact: Any = None  # a clinical_tables.TableFact for label facts
    unconfirmed: bool = False
    verification: FactVerification | None = field(default=None, compare=False)


def fact_digest(fact: Any) -> str:
    return hashlib.sha256(f"{fact.key}\n{fact.text}\n{fact.citation}".encode()).hexdigest()


def unconfirmed_entries(facts: Any) -> list[dict[str, str]]:
    """JSON-ready entries for the unconfirmed facts among `facts` (stored in the page fingerprint)."""
    from besponsa.clinical.citations import Confirmation

    return [
        {"key": f.key, "digest": fact_digest(f), "text": f.text, "citation": f.citation}
        for f in facts
        if f.status is Confirmation.UNCONFIRMED
    ]


def unverified(entries: list[dict[str, str]]) -> list[dict[str, str]]:
    """The entries no Medical reviewer has verified as they read now (one query, none when empty)."""
    if not entries:
        return []
    done = set(
        FactVerification.objects.filter(fact_key__in=[e["key"] for e in entries]).values_list(
            "fact_key", "fact_digest"
        )
    )
    return [e for e in entries if (e["key"], e["digest"]) not in done]


def describe(entries: list[dict[str, str]]) -> str:
    return "; ".join(f"{e['text']} ({e['citation']})" for e in entries)


def page_facts(page: Any) -> list[Any]:
    """Every label fact a page shows: its clinical tables' rows and its [[fact:…]] placeholders."""
    from besponsa.clinical import product
    from besponsa.compliance.fingerprint import DATA_PLACEHOLDER, raw_text
    from besponsa.portal import clinical_tables

    facts: list[Any] = []
    for block in getattr(page, "body", None) or ():
        if block.block_type == "clinical_table":
            facts.extend(clinical_tables.build(block.value["table"]).facts)
    by_key = {f.key: f for f in product.PRODUCT_FACTS}
    for kind, key in sorted(set(DATA_PLACEHOLDER.findall(raw_text(page)))):
        if kind == "fact" and key in by_key:
            facts.append(clinical_tables.product_fact(by_key[key]))
    return list({f.key: f for f in facts}.values())


def _refs(keys: Any) -> str:
    return ", ".join(keys)


def claims_of(page: Any) -> list[Claim]:
    """What the page claims, part by part, with sources, status and working notes."""
    from besponsa.evidence import figures
    from besponsa.portal import clinical_tables
    from besponsa.portal.blocks import evidence_view

    found: list[Claim] = []
    verifications = {
        (v.fact_key, v.fact_digest): v for v in FactVerification.objects.select_related("verified_by")
    }
    for block in getattr(page, "body", None) or ():
        value = block.value
        if block.block_type == "clinical_table":
            table = clinical_tables.build(value["table"])
            part = f"clinical table {table.key}: {table.caption}"
            for fact in table.facts:
                found.append(_fact_claim(part, fact, verifications))
        elif block.block_type in ("evidence_section", "evidence_statement"):
            view = evidence_view(value["view"])
            if block.block_type == "evidence_section":
                section = next((s for s in view.sections if s.id == value["section"]), None)
                if section is None:
                    continue
                part = f"evidence section {view.slug}/{section.id}"
                statements = section.statements
                for note in section.review_notes:
                    found.append(Claim(part, "working note", section.id, note))
            else:
                part = f"evidence statements {view.slug}"
                wanted = set(value["statements"])
                statements = tuple(s for s in view.statements if s.id in wanted)
                section = None
            for s in statements:
                found.append(
                    Claim(
                        part,
                        "evidence statement",
                        s.id,
                        s.text,
                        _refs(s.references),
                        notes=(*s.review_notes, *(f"data: {r}" for r in s.record_ids)),
                    )
                )
            if section is not None:
                for t in section.tables:
                    found.append(
                        Claim(
                            part,
                            "evidence table",
                            t.id,
                            t.caption,
                            _refs(t.references),
                            notes=tuple(f"data: {r}" for r in t.record_ids),
                        )
                    )
                for figure_id in section.figures:
                    fig = figures.render(figure_id)
                    found.append(Claim(part, "figure", figure_id, fig.caption, _refs(fig.references)))
    placeholder_facts = [f for f in page_facts(page) if f.key.startswith("product:")]
    table_keys = {c.key for c in found}
    for fact in placeholder_facts:
        if fact.key not in table_keys:
            found.append(_fact_claim("placeholders in the prose", fact, verifications))
    return found


def _fact_claim(part: str, fact: Any, verifications: dict[tuple[str, str], FactVerification]) -> Claim:
    from besponsa.clinical.citations import Confirmation
    from besponsa.portal import clinical_tables

    return Claim(
        part,
        "label fact",
        fact.key,
        fact.text,
        fact.citation,
        clinical_tables.status_text(fact.status),
        fact=fact,
        notes=(fact.source_note,) if getattr(fact, "source_note", "") else (),
        unconfirmed=fact.status is Confirmation.UNCONFIRMED,
        verification=verifications.get((fact.key, fact_digest(fact))),
    )
