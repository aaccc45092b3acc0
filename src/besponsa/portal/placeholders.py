"""Facts an editor can put into prose without typing them: `[[fact:<key>]]` prints a value of
`besponsa.clinical.product.PRODUCT_FACTS` (e.g. `[[fact:ndc]]`), `[[regimen:<name>]]` a count from
`besponsa.clinical.regimen` (e.g. `[[regimen:max_cycles]]`), `[[response:<name>]]` a response-definition
threshold from `besponsa.clinical.response`, `[[contact:<field>]]` a site contact
(e.g. `[[contact:medical_information_phone]]`). One source for each number; an unknown key is refused when
the block is saved and left visible (never guessed) if it slips through."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from django.utils.html import escape

PATTERN = re.compile(r"\[\[(fact|regimen|response|contact):([a-z0-9_]+)\]\]")

# Whole-number rules of the regimen that prose may quote (names of besponsa.clinical.regimen constants).
REGIMEN_NAMES = (
    "max_cycles",
    "response_deadline_cycles",
    "hsct_recommended_cycles",
    "hsct_max_cycles",
    "dose_window_days",
    "min_days_between_doses",
)

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
            if fact.unit == "h" and isinstance(fact.value, Decimal):  # prose: "1 hour"; tables keep "h"
                count = fact.value.normalize()
                return f"{format(count, 'f')} hour{'' if count == 1 else 's'}"
            return _fact_value(fact)
    return None


def _regimen(name: str) -> str | None:
    if name not in REGIMEN_NAMES:
        return None
    from besponsa.clinical import regimen

    return str(getattr(regimen, name.upper()))


def _response(name: str) -> str | None:

    from besponsa.clinical import response

    def plain(value: Decimal) -> str:
        return format(value.normalize(), "f")

    exponent = response.MRD_NEGATIVE_BELOW.adjusted()
    mantissa = plain(response.MRD_NEGATIVE_BELOW.scaleb(-exponent))
    superscript = str(exponent).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    values = {
        "marrow_blast_limit": f"{plain(response.MARROW_BLAST_LIMIT_PCT)}%",
        "full_recovery_platelets": f"{plain(response.FULL_RECOVERY_PLATELETS)} ×10⁹/L",
        "full_recovery_anc": f"{plain(response.FULL_RECOVERY_ANC)} ×10⁹/L",
        "mrd_negative_below": f"{mantissa}×10{superscript}",
        "mrd_negative_below_percent": f"{plain(response.MRD_NEGATIVE_BELOW * 100)}%",
    }
    return values.get(name)


def _contact(name: str) -> str | None:
    if name not in CONTACT_FIELDS:
        return None
    from besponsa.portal import pagecache
    from besponsa.portal.models import SiteContacts

    # Read once per page-cache generation (editing the contacts bumps it), not once per placeholder.
    contacts = pagecache.per_generation("site-contacts", SiteContacts.load)
    return str(getattr(contacts, name) or "") or None


RESOLVERS: dict[str, Callable[[str], str | None]] = {
    "fact": _fact,
    "regimen": _regimen,
    "response": _response,
    "contact": _contact,
}


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
