"""Facts an editor can put into prose without typing them: `[[fact:<key>]]` prints a value of
`besponsa.clinical.product.PRODUCT_FACTS` (e.g. `[[fact:ndc]]`), `[[contact:<field>]]` a site contact
(e.g. `[[contact:medical_information_phone]]`). One source for each number; an unknown key is refused when
the block is saved and left visible (never guessed) if it slips through."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.html import escape

PATTERN = re.compile(r"\[\[(fact|contact):([a-z0-9_]+)\]\]")

CONTACT_FIELDS = (
    "adverse_event_phone",
    "medical_information_phone",
    "medwatch_phone",
)


def _fact(key: str) -> str | None:
    from besponsa.clinical import product
    from besponsa.portal.clinical_tables import _fact_value

    for fact in product.PRODUCT_FACTS:
        if fact.key == key:
            return _fact_value(fact)
    return None


def _contact(name: str) -> str | None:
    if name not in CONTACT_FIELDS:
        return None
    from besponsa.portal.models import SiteContacts

    return str(getattr(SiteContacts.load(), name) or "") or None


RESOLVERS: dict[str, Callable[[str], str | None]] = {"fact": _fact, "contact": _contact}


def unknown(text: str) -> list[str]:
    """The placeholders in `text` that do not resolve."""
    return [m.group(0) for m in PATTERN.finditer(text) if RESOLVERS[m.group(1)](m.group(2)) is None]


def expand(text: str, *, html: bool = True) -> str:
    def replace(match: re.Match[str]) -> str:
        value = RESOLVERS[match.group(1)](match.group(2))
        if value is None:
            return match.group(0)
        return escape(value) if html else value

    return PATTERN.sub(replace, text)
