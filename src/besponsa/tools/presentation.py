"""Turning engine output into display pieces: labelled notes, and words for codes."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from besponsa.tools.forms import CHECK_PI, choice_label, plain_words

_NOTE: Final = re.compile(r"^(Interpretation|Unconfirmed) \(([^;]+);[^)]*\):\s*(.*)$", re.DOTALL)

LABELS: Final = {
    "Interpretation": "Interpretation — the label does not specify this",
    "Unconfirmed": CHECK_PI,
}
# The kind (a CSS modifier) of each note the engine marks: an engine note on a fact not yet confirmed
# against the label says how it stands (a working note for reviewers); the page asks to check instead.
KINDS: Final = {"Interpretation": "interpretation", "Unconfirmed": "check"}


def escaped(value: object) -> str:
    """What `{{ value }}` shows with autoescape on: markup already marked safe as it is, anything else
    escaped. The same text as Django's `conditional_escape` (which calls `html.escape` too), without its
    checks for lazy strings, five times its cost in loops that escape every cell of a result."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


@dataclass(frozen=True)
class Note:
    kind: str  # "interpretation", "check" or "note"
    label: str
    citation: str
    text: str


def note(text: str) -> Note:
    match = _NOTE.match(text)
    if match is None:
        return Note("note", "Note", "", text)
    kind, citation, body = match.groups()
    if kind == "Unconfirmed":
        body = f"Confirm what this result takes from {citation} in the current Prescribing Information "
        body += "before acting."
    return Note(KINDS[kind], LABELS[kind], citation, body)


# Lists of codes a result names for people to read (not for logic): shown as their words.
_CODE_LISTS: Final = frozenset({"unconfirmed", "not_evaluated"})


def readable(value: Any, names: Mapping[str, str] | None = None, key: str = "") -> Any:
    """A copy of an engine result whose sentences carry no code word: every string with a space in it
    (a sentence, never a code) goes through `plain_words`, and lists of codes meant for reading become
    words. Codes themselves (`status`, `action`) stay, for the templates' logic and labels."""
    if isinstance(value, dict):
        return {k: readable(v, names, k) for k, v in value.items()}
    if isinstance(value, list):
        if key in _CODE_LISTS:
            return [choice_label(str(item)) for item in value]
        return [readable(item, names, key) for item in value]
    if isinstance(value, str) and " " in value:
        return plain_words(value, names)
    return value


# The decision leads each result: the engine's `headline`, which for `modify` says both what to do now
# (`action`) and the dose level that follows (`next_dose_level`), so a reduction never hides a hold. Both
# output models require it (besponsa.clinical.models). The tone (a color and border) follows the most
# severe part.
_TONES: Final = {
    "give": "go",
    "proceed": "go",
    "hold": "caution",
    "omit_next_dose": "caution",
    "consider": "caution",
    "outside_label": "stop",
    "consider_discontinuation": "stop",
    "discontinue": "stop",
    "stop": "stop",
}


@dataclass(frozen=True)
class Decision:
    headline: str
    tone: str  # a CSS modifier: "go", "caution" or "stop"


def decision(answer: Mapping[str, Any], code: str = "action") -> Decision:
    """The headline of a `modify` answer, toned by its `action`, or of a plan, by its `status`."""
    return Decision(str(answer["headline"]), _TONES.get(str(answer[code]), "caution"))
