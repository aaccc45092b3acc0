"""Plain POST forms built from the clinical input schemas, and the mapping of engine errors back to them.

Nothing here decides anything clinical: a form field is a field of the operation's input model
(`besponsa.clinical.models`, read through `field_docs`) with a label for people; labels, units, ranges and
help text come from the model; the posted form becomes the same JSON-like payload the API receives, and
`execute` does all validation. Raw text the engine cannot read as a number is passed through unchanged
so that the engine's message names the field and shows what was typed. Forms post (never GET) so that
no patient value lands in an address, a browser history, a Referer header or an access log.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from django.http import QueryDict

from besponsa.clinical.errors import InvalidInput
from besponsa.clinical.models import INPUTS, FieldDoc, field_docs
from besponsa.clinical.operations import execute

# What a public page says where a result rests on a label fact not yet confirmed against the label text.
CHECK_PI: Final = "Check the current PI"

# Words for people for the engine's choice codes; a code missing here is shown with its underscores
# replaced, so a new choice in the engine still appears.
CHOICE_LABELS: Final[dict[str, str]] = {
    "mosteller": "Mosteller",
    "dubois": "Du Bois",
    "haycock": "Haycock",
    "gehan_george": "Gehan and George",
    "boyd": "Boyd",
    "none": "None",
    "cr": "Complete remission (CR)",
    "cri": "CR with incomplete hematologic recovery (CRi)",
    "full": "Full dose",
    "reduced_25": "Reduced by 25%",
    "two_doses": "2 doses per cycle",
    "two_doses_per_cycle": "2 doses per cycle",
    "bag": "Infusion bag",
    "syringe": "Syringe",
    "before_dose": "Before a Day 8 or Day 15 dose",
    "before_cycle": "Before Day 1 of the next cycle",
    "mild": "Mild",
    "moderate": "Moderate",
    "severe": "Severe",
    "life_threatening": "Life-threatening",
    "neutrophil_count_decreased": "Neutrophil count decreased (ANC)",
    "platelet_count_decreased": "Platelet count decreased",
    "ast_increased": "AST increased",
    "alt_increased": "ALT increased",
    "blood_bilirubin_increased": "Blood bilirubin increased",
    "qtc_prolonged": "QTc prolonged",
    # plan status, regimen rows (PI 2.2 Table 1) and modification actions (PI 2.3)
    "proceed": "Proceed",
    "consider": "May be considered",
    "outside_label": "Outside the label",
    "stop": "Stop",
    "cycle_1": "Cycle 1",
    "later_cr_cri": "Later cycles after CR or CRi",
    "later_no_cr_cri": "Later cycles without CR or CRi",
    "give": "Give the dose",
    "hold": "Hold the dose",
    "omit_next_dose": "Omit the next dose",
    "consider_discontinuation": "Consider stopping treatment",
    "discontinue": "Stop treatment permanently",
    # what the low counts are judged to come from (modify)
    "not_assessed": "Not assessed yet",
    "suspected_drug_related": "Suspected to be due to BESPONSA",
    "disease_related": "Due to the leukemia",
    # when a check applies, and how sure its source is
    "before_first_dose": "Before the first dose",
    "before_each_dose": "Before each dose",
    "during_and_after_infusion": "During and after each infusion",
    "after_each_dose": "After each dose",
    "after_starting_a_qt_prolonging_drug": "After starting a drug that prolongs QT",
    "throughout_treatment": "Throughout treatment",
    "first_month_after_hsct": "In the first month after HSCT",
    # A label fact's source status is a working note for reviewers (the CMS shows it); a visitor is
    # told only to check what is not yet confirmed against the label (CHECK_PI).
    "confirmed": "As written in the label",
    "secondary_source": CHECK_PI,
    "unconfirmed": CHECK_PI,
    "given": "Given",
    "default": "Default",
    # what `modify` could not evaluate for lack of input
    "blood_counts": "Blood counts (ANC and platelets)",
    "liver_tests": "Liver tests (total bilirubin, AST and ALT)",
    "previous_cycle_baseline": "Counts at the start of the previous cycle",
    # preparation amounts the engine leaves blank when the label text was not read (used mid-sentence)
    "final_volume_ml": "total volume after dilution",
    "final_concentration_mg_per_ml": "concentration after dilution",
    "infusion_rate_ml_per_h": "infusion rate",
    "infusion_duration_h": "infusion duration",
}

# The legend of each row of a repeated input, numbered from 1.
ROW_LEGENDS: Final[dict[str, str]] = {"cycles": "Earlier cycle"}

_ID_UNSAFE: Final = re.compile(r"[^a-z0-9]+")
_ROW: Final = re.compile(r"^([a-z_]+)\[(\d+)\]\.(.+)$")
_SHORT: Final = re.compile(r", | \(|;")
_CODE_WORD: Final = re.compile(r"\b[a-z][a-z0-9]*(?:\[\d+\])?(?:[_.][a-z0-9]+(?:\[\d+\])?)+\b")
# What every code word holds (a "_" or "." joined to what follows): a sentence without it has none, and
# is not scanned by the slower pattern above (a result holds dozens of sentences, most without codes).
_MAYBE_CODE: Final = re.compile(r"[_.][a-z0-9]")


def choice_label(code: str) -> str:
    return CHOICE_LABELS.get(code, code.replace("_", " ").capitalize())


def plain_words(text: str, names: Mapping[str, str] | None = None) -> str:
    """Replace any engine code word left in a sentence (a field path or a choice code) with words.

    `names` maps field paths to their labels; anything else that looks like a code becomes its choice
    label. Messages from the engine are written for the API; this keeps `labs.anc` or `reduced_25` from
    reaching a person on a page or a printout.
    """

    def words(match: re.Match[str]) -> str:
        code = match.group(0)
        if names and code in names:
            label = names[code]
        elif "_" not in code:
            return code  # "e.g" and the like: dotted words that are no field of ours
        else:
            label = CHOICE_LABELS.get(code, code.replace("_", " "))
        before = text[: match.start()].rstrip()
        starts_sentence = not before or before[-1] in ".:;!?"
        if not starts_sentence and label[1:2].islower():  # "at dose level 2 doses", keeping "CR" as is
            label = label[0].lower() + label[1:]
        return label

    if _MAYBE_CODE.search(text) is None:
        return text
    return _CODE_WORD.sub(words, text)


@dataclass
class FormField:
    name: str  # the engine's field name or dotted path: also the query parameter
    spec: FieldDoc
    prefix: str
    group: str = ""  # the description of the enclosing object, e.g. "Current results"
    group_name: str = ""  # the engine's name of the enclosing object, e.g. "labs"
    value: str = ""
    checked: bool = False
    error: str = ""

    @property
    def id(self) -> str:
        return f"{self.prefix}-{_ID_UNSAFE.sub('-', self.name).strip('-')}"

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def hint(self) -> str:
        text = self.spec.range_text().strip().strip("()")
        if self.spec.kind == "date":
            return "Date as YYYY-MM-DD, " + text
        return text

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def row(self) -> int | None:
        """The row of a repeated group (`cycles[1].day1_date` → 1), None for a field of its own."""
        match = _ROW.match(self.name)
        return int(match.group(2)) if match else None

    @property
    def required(self) -> bool:
        # A field of a repeated row is needed only once the row is used: the engine says so then.
        return self.spec.required and self.row is None

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(code, choice_label(code)) for code in self.spec.choices]

    @property
    def unit(self) -> str:
        limit = self.spec.limit
        return limit.unit if limit is not None else ""

    @property
    def selected(self) -> str:
        if self.row is not None:
            return self.value  # a row left blank stays blank; the engine's default applies once used
        return self.value or (str(self.spec.default) if isinstance(self.spec.default, str) else "")

    @property
    def blank_choice(self) -> bool:
        return not self.spec.default or self.row is not None


@dataclass
class ToolForm:
    operation: str
    prefix: str
    fields: list[FormField]
    result: dict[str, Any] | None = None
    errors: list[dict[str, str]] = field(default_factory=list)  # {field, message, id}
    hidden: list[tuple[str, str]] = field(default_factory=list)  # extra hidden inputs (no patient value)
    can_add_row: bool = False  # a repeated group has room for one more row
    given: dict[str, Any] = field(default_factory=dict)  # the payload the fields gave when last run

    def by_name(self) -> dict[str, FormField]:
        return {f.name: f for f in self.fields}

    def groups(self) -> list[tuple[str, list[FormField]]]:
        """Consecutive fields of one object share a fieldset whose legend names the object."""
        by_group = itertools.groupby(self.fields, key=operator.attrgetter("group"))
        return [(group, list(items)) for group, items in by_group]

    def names(self, *, short: bool = False) -> dict[str, str]:
        """Field path → the words a person reads for it, for rewriting engine messages. `short` cuts a
        label at its first comma, semicolon or parenthesis, for a name inside a sentence of a result."""
        out: dict[str, str] = {}
        for item in self.fields:
            label = _SHORT.split(item.label)[0] if short else item.label
            out[item.name] = f"{item.group.split(' (')[0]}: {label}" if item.group else label
            if item.group_name:
                out.setdefault(item.group_name, item.group.split(" (")[0])
        return out

    def replay(self) -> list[tuple[str, str]]:
        """What was submitted, as (name, value) hidden inputs: each ticked box, each field not left blank."""
        return [
            (item.name, "true" if item.spec.kind == "boolean" else item.value)
            for item in self.fields
            if (item.checked if item.spec.kind == "boolean" else item.value)
        ]

    @property
    def invalid(self) -> bool:
        return bool(self.errors)


def _flatten(
    specs: Sequence[FieldDoc], path: str = "", group: str = "", group_name: str = "", rows: int = 0
) -> list[tuple[str, FieldDoc, str, str]]:
    out: list[tuple[str, FieldDoc, str, str]] = []
    for spec in specs:
        name = f"{path}{spec.name}"
        if spec.kind == "object":
            out.extend(_flatten(spec.fields, path=f"{name}.", group=spec.label, group_name=name))
        elif spec.kind == "list":
            # A list of objects is a fixed number of row slots, each a fieldset: no JavaScript needed.
            for row in range(min(rows, spec.max_items or rows)):
                legend = f"{ROW_LEGENDS.get(spec.name, 'Row')} {row + 1}"
                out.extend(_flatten(spec.fields, f"{name}[{row}].", legend, f"{name}[{row}]"))
        else:
            out.append((name, spec, group, group_name))
    return out


@functools.cache
def _specs(operation: str) -> tuple[FieldDoc, ...]:
    """The operation's input fields: read from the model once per process (they are code, not content)."""
    return field_docs(INPUTS[operation])


@functools.cache
def _flat_specs(operation: str, rows: int) -> tuple[tuple[str, FieldDoc, str, str], ...]:
    return tuple(_flatten(_specs(operation), rows=rows))


def build_form(operation: str, *, prefix: str, only: Sequence[str] | None = None, rows: int = 0) -> ToolForm:
    fields = [
        FormField(name, spec, prefix, group, group_name)
        for name, spec, group, group_name in _flat_specs(operation, rows)
        if only is None or name in only
    ]
    return ToolForm(operation, prefix, fields)


def _input_spec(operation: str, name: str) -> FieldDoc:
    return next(s for s in _specs(operation) if s.name == name)


def list_limit(operation: str, name: str) -> int:
    """The most rows a list input takes (the engine's `max_items`)."""
    return _input_spec(operation, name).max_items


def with_defaults(operation: str, name: str, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows of a list input as the engine read them: each blank field holds the engine's default."""
    spec = _input_spec(operation, name)
    defaults = {f.name: f.default for f in spec.fields if f.default is not None}
    return [{**defaults, **row} for row in rows]


def rows_used(form_fields: Sequence[FormField], query: QueryDict | Mapping[str, str]) -> int:
    """How many row slots hold something: the last used row counts, blank rows before it too."""
    used = 0
    for item in form_fields:
        row = item.row
        if row is not None and str(query.get(item.name, "")).strip():
            used = max(used, row + 1)
    return used


def _number(text: str) -> object:
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return text  # the engine answers "must be a number (got "…")"
    return number if number.is_finite() else text


def _set(payload: dict[str, Any], dotted: str, value: object) -> None:
    *parents, leaf = dotted.split(".")
    target = payload
    for part in parents:
        target = target.setdefault(part, {})
    target[leaf] = value


def _value(item: FormField, raw: str) -> object:
    if item.spec.kind == "boolean":
        return item.checked
    return _number(raw) if item.spec.kind in ("number", "integer") else raw


def payload_from(form: ToolForm, query: QueryDict | Mapping[str, str]) -> dict[str, Any]:
    """Fill the form from the query and return the engine payload (blank fields are left out).

    Rows of a list go up to the last row that holds something, so the engine's `cycles[1]` is the
    form's second row and its messages land next to the right fields; a blank row before a used one is
    sent empty and the engine names what it lacks."""
    payload: dict[str, Any] = {}
    rows: dict[str, dict[int, dict[str, Any]]] = {}
    used = rows_used(form.fields, query)
    for item in form.fields:
        raw = str(query.get(item.name, "")).strip()[:100]
        if item.spec.kind == "boolean":
            item.checked = raw in {"true", "on", "yes", "1"}
        else:
            item.value = raw
        match = _ROW.match(item.name)
        if match is not None:
            list_name, row, field_path = match.group(1), int(match.group(2)), match.group(3)
            slot = rows.setdefault(list_name, {}).setdefault(row, {})
            if row < used and (raw != "" and (item.spec.kind != "boolean" or item.checked)):
                _set(slot, field_path, _value(item, raw))
            continue
        if item.spec.kind == "boolean" or raw != "":
            _set(payload, item.name, _value(item, raw))
    for list_name, slots in rows.items():
        if used:
            payload[list_name] = [slots.get(row, {}) for row in range(used)]
    return payload


def run(form: ToolForm, query: QueryDict | Mapping[str, str], extra: Mapping[str, Any] | None = None) -> None:
    """Validate and run the form's operation; results or field errors land on the form."""
    form.given = payload_from(form, query)
    payload = {**form.given, **(extra or {})}
    try:
        form.result = execute(form.operation, payload)
    except InvalidInput as invalid:
        fields, names = form.by_name(), form.names()
        for error in invalid.errors:
            item = fields.get(error["field"])
            if item is None:  # an object-level error such as "labs": pin it on the object's first field
                item = next((f for f in form.fields if f.name.startswith(error["field"] + ".")), None)
            message = plain_words(error["message"], names)  # field paths and choice codes as words
            if item is not None and not item.error:
                item.error = message
            form.errors.append({"field": error["field"], "message": message, "id": item.id if item else ""})
