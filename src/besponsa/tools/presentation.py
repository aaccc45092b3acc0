"""Turning engine output into display pieces: labelled notes, and words for codes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

_NOTE: Final = re.compile(r"^(Interpretation|Unconfirmed) \(([^;]+);[^)]*\):\s*(.*)$", re.DOTALL)

LABELS: Final = {
    "Interpretation": "Interpretation — the label does not specify this",
    "Unconfirmed": "Unconfirmed",
}


@dataclass(frozen=True)
class Note:
    kind: str  # "interpretation", "unconfirmed" or "note"
    label: str
    citation: str
    text: str


def note(text: str) -> Note:
    match = _NOTE.match(text)
    if match is None:
        return Note("note", "Note", "", text)
    kind, citation, body = match.groups()
    return Note(kind.lower(), LABELS[kind], citation, body)


def notes(texts: list[str]) -> list[Note]:
    return [note(text) for text in texts]
