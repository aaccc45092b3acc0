"""The fields of a tool's form as HTML: tools/_field.html rendered once per process for each state a field
can show, not once per field on every page (a form's fields were some 350 template nodes, over a
millisecond of each tool page).

A field's markup depends on its spec (label, hint, unit, choices: code, not content), on three states
(whether it has an error, whether its box is checked, which choice is selected) and on two texts: what
was typed and the error message. Every state of a field is rendered the first time the field is shown,
with stand-ins for the two texts; each request splices its own texts in, escaped as the template
escapes them. What is kept never depends on what anyone typed: no patient value is stored or used as
a key. Each state is checked against renders with real texts when it is made, so a template that
branched on the texts (beyond "is there an error") or showed them twice would fail loudly, not drift.
With DEBUG on (a development server, where templates change under it) every field is rendered afresh.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Final

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import get_template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from besponsa.clinical.models import FieldDoc
from besponsa.tools.forms import FormField
from besponsa.tools.presentation import escaped

TEMPLATE: Final = "tools/_field.html"
VALUE: Final = "\x00value\x00"
ERROR: Final = "\x00error\x00"
_STAND_INS: Final = re.compile(f"({VALUE}|{ERROR})")
# Texts with every character HTML escapes, to check that the template shows the two texts as it should.
_PROBE_VALUE: Final = "v<'&\">"
_PROBE_ERROR: Final = "e<'&\">"

State = tuple[bool, bool, str | None]  # has an error, is checked, the selected choice (None: none)
Pieces = tuple[str, ...]  # markup, with VALUE and ERROR standing alone where the texts go

# Filled on first use; two threads showing a new field at once both render it, and either result stands.
_states: dict[tuple[str, str, FieldDoc], dict[State, Pieces]] = {}


def field_html(field: FormField) -> SafeString:
    if settings.DEBUG:
        return mark_safe(_render(field))  # noqa: S308 (rendered by the template engine)
    key = (field.prefix, field.name, field.spec)
    states = _states.get(key)
    if states is None:
        states = _states[key] = _all_states(field)
    value, error = escaped(field.value), escaped(field.error)
    pieces = states[_state_of(field)]
    return mark_safe("".join(value if p == VALUE else error if p == ERROR else p for p in pieces))  # noqa: S308


def _state_of(field: FormField) -> State:
    selected = field.selected if field.kind == "choice" and field.selected in field.spec.choices else None
    return bool(field.error), field.kind == "boolean" and field.checked, selected


def _all_states(field: FormField) -> dict[State, Pieces]:
    states: dict[State, Pieces] = {}
    for has_error in (False, True):
        for checked in (False, True) if field.kind == "boolean" else (False,):
            for selected in (None, *field.spec.choices) if field.kind == "choice" else (None,):
                states[(has_error, checked, selected)] = _pieces(field, has_error, checked, selected)
    return states


def _pieces(field: FormField, has_error: bool, checked: bool, selected: str | None) -> Pieces:
    """One state's markup with stand-ins, checked against the same state rendered with real texts. A
    choice's value is the selected code (it is shown only through `selected`), else the stand-in."""

    def render(value: str, error: str) -> str:
        shown = value if selected is None else selected
        return _render(
            dataclasses.replace(field, value=shown, error=error if has_error else "", checked=checked)
        )

    marked = render(VALUE, ERROR)
    pieces = tuple(_STAND_INS.split(marked))
    with_texts = marked.replace(VALUE, escape(_PROBE_VALUE)).replace(ERROR, escape(_PROBE_ERROR))
    # A blank value: a choice left blank may select its default, so a choice keeps its stand-in here.
    blank = VALUE if field.kind == "choice" else ""
    if (
        pieces.count(VALUE) > (0 if field.kind == "choice" else 1)
        or pieces.count(ERROR) > 1
        or render(_PROBE_VALUE, _PROBE_ERROR) != with_texts
        or render(blank, "e") != marked.replace(VALUE, "").replace(ERROR, "e")
    ):
        raise ImproperlyConfigured(
            f"{TEMPLATE} must show a field's value and error only as {{{{ f.value }}}} and "
            "{{ f.error }}, at most once each, test the error only for being there, and show a choice "
            f"only through f.selected (field {field.name!r})"
        )
    return pieces


def _render(field: FormField) -> str:
    return get_template(TEMPLATE).render({"f": field})
