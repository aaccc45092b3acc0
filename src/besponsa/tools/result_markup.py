"""The repeated parts of the tools' pages as HTML: the rows of a result (checks, reasons, notes, doses),
the form's fieldsets and its hidden inputs.

A planner result was some 250 template nodes, about half of the page's CPU; most of them sat in these
loops, which repeat one short piece of markup per item. Here each piece is written once, every value
in it escaped as the templates escape it (`presentation.escaped`; the values are the engine's strings
and integers, shown as they are), and the templates keep everything around the loops. The markup, down to
the whitespace the loops left between items, is the templates' (tests/tools/test_result_markup.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from besponsa.tools.field_markup import field_html
from besponsa.tools.forms import CHECK_PI, ToolForm, choice_label
from besponsa.tools.presentation import Note, escaped


def _joined(parts: Iterable[str]) -> SafeString:
    return mark_safe("".join(parts))  # noqa: S308 - every value in the parts went through `escaped`


def number(value: object) -> str:
    """A number as the engine gave it, without a trailing ".0" (also the templates' `number` filter)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def code_label(code: object) -> str:
    """A code in words (also the templates' `choice_label` filter); None shows as nothing."""
    return "" if code is None else choice_label(str(code))


def _cited(text: object, citation: object, after: str = "") -> str:
    return f'<li>{escaped(text)} <span class="tool-cite">({escaped(citation)}{after})</span></li>'


def cited_items(items: Sequence[Mapping[str, Any]], text: str) -> SafeString:
    """`<li>` per item: its sentence (under the key `text`) and its source."""
    return _joined(_cited(item.get(text, ""), item.get("citation", "")) for item in items)


def check_groups(checks: Sequence[Mapping[str, Any]]) -> SafeString:
    """The checks under a heading per time they apply to (consecutive checks with the same `when`, as
    `{% regroup %}` groups them); a check whose source is not yet confirmed asks to check the PI."""
    unconfirmed = f"; <strong>{CHECK_PI}</strong>"
    groups = []
    for when, group in itertools.groupby(checks, key=lambda check: check.get("when", "")):
        items = "".join(
            _cited(c.get("text", ""), c.get("citation", ""), unconfirmed * (c.get("status") == "unconfirmed"))
            for c in group
        )
        groups.append(f"\n  <h4>{escaped(code_label(when))}</h4>\n  <ul>{items}</ul>\n")
    return _joined(groups)


def dose_rows(doses: Sequence[Mapping[str, Any]]) -> SafeString:
    """The rows of a cycle's dose table: day, date, allowed window, dose level, dose, volume, vials."""
    rows = []
    for dose in doses:
        if dose.get("window_earliest"):
            window = f"{escaped(dose['window_earliest'])} to {escaped(dose.get('window_latest', ''))}"
        else:
            window = "—"
        cells = [
            escaped(dose.get("date", "")),
            window,
            *(escaped(number(dose.get(key))) for key in ("mg_per_m2", "dose_mg", "volume_ml")),
            escaped(dose.get("vials", "")),
        ]
        row = "".join(f"<td>{cell}</td>" for cell in cells)
        rows.append(f'\n      <tr><th scope="row">Day {escaped(dose.get("day", ""))}</th>{row}</tr>\n    ')
    return _joined(rows)


def labelled_notes(notes: Sequence[Note]) -> SafeString:
    """Each note with its label (an interpretation, an unconfirmed reading, a note) and its source."""
    return _joined(
        f'\n      <li class="tool-note tool-note--{escaped(note.kind)}"><strong>{escaped(note.label)}'
        f"{f' ({escaped(note.citation)})' if note.citation else ''}:</strong> {escaped(note.text)}</li>\n    "
        for note in notes
    )


def hidden_inputs(pairs: Iterable[tuple[str, str]]) -> SafeString:
    return _joined(
        f'<input type="hidden" name="{escaped(name)}" value="{escaped(value)}">' for name, value in pairs
    )


def fieldsets(form: ToolForm) -> SafeString:
    """The form's fields, those of one object inside a fieldset whose legend names the object."""
    parts = []
    for legend, items in form.groups():
        opening = f'<fieldset class="tool-fieldset"><legend>{escaped(legend)}</legend>' if legend else ""
        fields = "".join(f"\n    {field_html(item)}  " for item in items)
        parts.append(f"\n  {opening}\n  {fields}\n  {'</fieldset>' if legend else ''}\n")
    return _joined(parts)


def paper_choices(paper_sizes: Mapping[str, str], prefix: str) -> SafeString:
    """A radio button per paper size of the PDF plan, the first checked."""
    choices = []
    for index, (code, name) in enumerate(paper_sizes.items()):
        element_id = escaped(f"{prefix}-paper" if index == 0 else f"{prefix}-paper-{code}")
        checked = " checked" if index == 0 else ""
        shown = "US Letter" if code == "letter" else escaped(name)
        choices.append(
            f'<input type="radio" id="{element_id}" name="paper" value="{escaped(code)}"{checked}> '
            f'<label for="{element_id}">{shown}</label> '
        )
    return _joined(choices)
