"""A page's end matter, generated while the page renders: references numbered in order of first citation,
footnotes with their symbols, and the abbreviations that actually occur in the rendered text.

Blocks render in page order and call `PageNotes.cite()` / `PageNotes.footnote()` as they go, so the first
block that cites a reference gives it number 1, a later citation of the same reference reuses its number,
and the list at the end of the page is exactly what the page cites. Nothing here is typed by hand per page.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from besponsa.evidence import references as evidence_references
from besponsa.evidence.references import Reference

CONTENT_DIR = Path(settings.BASE_DIR) / "content"

# Chicago-style footnote symbols; after six, the symbols double (**, ††, …).
FOOTNOTE_SYMBOLS = ("*", "†", "‡", "§", "‖", "¶")


def footnote_symbol(index: int) -> str:
    """The symbol of the index-th footnote of a page (0-based)."""
    return FOOTNOTE_SYMBOLS[index % len(FOOTNOTE_SYMBOLS)] * (index // len(FOOTNOTE_SYMBOLS) + 1)


@functools.cache
def site_references() -> dict[str, Reference]:
    """Every reference a page may cite: the evidence package's, plus the site-only ones in
    content/references.yaml (sources that carry no trial number, e.g. the NCCN Guidelines)."""
    merged = dict(evidence_references.REFERENCES)
    with (CONTENT_DIR / "references.yaml").open(encoding="utf-8") as handle:
        extra = yaml.safe_load(handle) or {}
    for key, item in extra.items():
        if key in merged:
            raise ValueError(
                f"content/references.yaml: {key!r} is already defined by besponsa.evidence.references"
            )
        merged[key] = Reference(
            key=key,
            citation=item["citation"],
            url=item.get("url", ""),
            to_verify=item.get("to_verify", ""),
            citable=bool(item.get("citable", True)),
        )
    return merged


def reference_choices() -> list[tuple[str, str]]:
    """Choices for editors: only references that can be cited on a page."""
    return [
        (key, f"{key}: {ref.citation[:90]}") for key, ref in sorted(site_references().items()) if ref.citable
    ]


@functools.cache
def known_abbreviations() -> dict[str, str]:
    """Abbreviation -> expansion, from content/abbreviations.yaml (reviewed like code)."""
    with (CONTENT_DIR / "abbreviations.yaml").open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return {str(key): str(value) for key, value in data.items()}


@functools.cache
def _pattern(abbreviation: str) -> re.Pattern[str]:
    # Case-sensitive, and not part of a longer word: "CR" does not match inside "CRi" or "CREDIT".
    return re.compile(r"(?<![A-Za-z0-9])" + re.escape(abbreviation) + r"(?![A-Za-z0-9])")


def abbreviations_in(text: str, known: dict[str, str]) -> list[tuple[str, str]]:
    """The known abbreviations that occur in `text`, sorted case-insensitively."""
    return list(_abbreviations_in(text, tuple(known.items())))


@functools.lru_cache(maxsize=64)
def _abbreviations_in(text: str, known: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    # Memoized: a page's text is the same on every render of one revision (a cache miss re-renders it).
    # The plain substring test first: it rules out most of the list at C speed, the pattern decides.
    found = [(abbr, expansion) for abbr, expansion in known if abbr in text and _pattern(abbr).search(text)]
    return tuple(sorted(found, key=lambda item: (item[0].casefold(), item[0])))


@dataclass(frozen=True)
class Citation:
    number: int
    reference: Reference


@dataclass(frozen=True)
class Footnote:
    symbol: str
    text: str


@dataclass
class PageNotes:
    """Collects what a page cites while it renders. One instance per page render."""

    _references: dict[str, int] = field(default_factory=dict)
    _footnotes: dict[str, str] = field(default_factory=dict)
    extra_abbreviations: dict[str, str] = field(default_factory=dict)
    _seen: set[str] = field(default_factory=set)

    def first_use_of(self, name: str) -> bool:
        """True the first time a name (e.g. an evidence view) is used on this page."""
        first = name not in self._seen
        self._seen.add(name)
        return first

    def cite(self, keys: Iterable[str]) -> list[Citation]:
        """Numbers for these reference keys, giving new numbers in order of first citation."""
        known = site_references()
        citations: list[Citation] = []
        for key in keys:
            reference = known.get(key)
            if reference is None:
                raise KeyError(f"unknown reference key {key!r}")
            if not reference.citable:
                raise ValueError(f"reference {key!r} cannot be cited on a page")
            number = self._references.setdefault(key, len(self._references) + 1)
            if all(c.number != number for c in citations):
                citations.append(Citation(number, reference))
        return sorted(citations, key=lambda c: c.number)

    def footnote(self, text: str) -> str:
        """The symbol of this footnote; the same text keeps the same symbol."""
        text = text.strip()
        return self._footnotes.setdefault(text, footnote_symbol(len(self._footnotes)))

    def add_abbreviations(self, pairs: Iterable[tuple[str, str]]) -> None:
        for abbreviation, expansion in pairs:
            self.extra_abbreviations.setdefault(abbreviation, expansion)

    @property
    def references(self) -> list[Citation]:
        known = site_references()
        return [Citation(number, known[key]) for key, number in self._references.items()]

    @property
    def footnotes(self) -> list[Footnote]:
        return [Footnote(symbol, text) for text, symbol in self._footnotes.items()]

    def abbreviations(self, text: str) -> list[tuple[str, str]]:
        known = {**self.extra_abbreviations, **known_abbreviations()}
        return abbreviations_in(text, known)


def as_context(notes: PageNotes, text: str) -> dict[str, Any]:
    from besponsa.portal.nccn import notice_for

    references = notes.references
    return {
        "page_footnotes": notes.footnotes,
        "page_references": references,
        "page_abbreviations": notes.abbreviations(text),
        "nccn_notice": notice_for({c.reference.key for c in references}),
    }
