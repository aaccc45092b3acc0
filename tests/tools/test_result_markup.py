"""The repeated parts of the tools' pages written in Python (tools/result_markup.py) give the markup the
template loops gave, byte for byte, escaping included: each is compared with the loop it replaced."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import engines

from besponsa.tools import result_markup
from besponsa.tools.forms import build_form, payload_from
from besponsa.tools.presentation import note

# The loops as the templates wrote them (tools/_checks.html, _plan_tables.html, ... before the change).
LOOPS = {
    "checks": """{% load tools_display %}{% regroup checks by when as groups %}{% for group in groups %}
  <h4>{{ group.grouper|choice_label }}</h4>
  <ul>{% for check in group.list %}<li>{{ check.text }} <span class="tool-cite">({{ check.citation }}{% if check.status == "unconfirmed" %}; <strong>Check the current PI</strong>{% endif %})</span></li>{% endfor %}</ul>
{% endfor %}""",  # noqa: E501
    "doses": """{% load tools_display %}{% for dose in doses %}
      <tr><th scope="row">Day {{ dose.day }}</th><td>{{ dose.date }}</td><td>{% if dose.window_earliest %}{{ dose.window_earliest }} to {{ dose.window_latest }}{% else %}—{% endif %}</td><td>{{ dose.mg_per_m2|number }}</td><td>{{ dose.dose_mg|number }}</td><td>{{ dose.volume_ml|number }}</td><td>{{ dose.vials }}</td></tr>
    {% endfor %}""",  # noqa: E501
    "notes": """{% for note in notes %}
      <li class="tool-note tool-note--{{ note.kind }}"><strong>{{ note.label }}{% if note.citation %} ({{ note.citation }}){% endif %}:</strong> {{ note.text }}</li>
    {% endfor %}""",  # noqa: E501
    "hidden": """{% for name, value in pairs %}<input type="hidden" name="{{ name }}" value="{{ value }}">{% endfor %}""",  # noqa: E501
    "reasons": """{% for reason in items %}<li>{{ reason.message }} <span class="tool-cite">({{ reason.citation }})</span></li>{% endfor %}""",  # noqa: E501
    "fieldsets": """{% load tools_display %}{% for legend, items in form.groups %}
  {% if legend %}<fieldset class="tool-fieldset"><legend>{{ legend }}</legend>{% endif %}
  {% for f in items %}
    {{ f|field_html }}  {% endfor %}
  {% if legend %}</fieldset>{% endif %}
{% endfor %}""",
    "paper": """{% for code, name in paper_sizes.items %}<input type="radio" id="{{ prefix }}-paper{% if not forloop.first %}-{{ code }}{% endif %}" name="paper" value="{{ code }}"{% if forloop.first %} checked{% endif %}> <label for="{{ prefix }}-paper{% if not forloop.first %}-{{ code }}{% endif %}">{% if code == "letter" %}US Letter{% else %}{{ name }}{% endif %}</label> {% endfor %}""",  # noqa: E501
}
MARKUP = "<b>&'\"x"  # every character HTML escapes


def loop(name: str, **context: Any) -> str:
    return engines["django"].from_string(LOOPS[name]).render(context)


def test_checks_are_grouped_by_when_they_apply_with_unconfirmed_sources_marked() -> None:
    checks = [
        {"when": "before_each_dose", "text": "Blood counts", "citation": "PI 5.2", "status": "confirmed"},
        {"when": "before_each_dose", "text": MARKUP, "citation": MARKUP, "status": "unconfirmed"},
        {"when": "after_each_dose", "text": "Signs of VOD", "citation": "PI 5.1"},
        {"when": "before_each_dose", "text": "Liver tests", "citation": "PI 5.1", "status": "unconfirmed"},
        {"text": "No time given", "citation": "PI 2"},
    ]
    shown = result_markup.check_groups(checks)
    assert shown == loop("checks", checks=checks)
    assert shown.count("<h4>") == 4 and "&lt;b&gt;&amp;&#x27;&quot;x" in shown and "<b>&" not in shown
    assert shown.count("<strong>Check the current PI</strong>") == 2 and "nconfirmed" not in shown


@pytest.mark.parametrize(
    "doses",
    [
        [{"day": 1, "date": "2025-03-03", "mg_per_m2": 0.8, "dose_mg": 1.3, "volume_ml": 5.2, "vials": 2}],
        [
            {
                "day": 8,
                "date": MARKUP,
                "window_earliest": "2025-03-09",
                "window_latest": MARKUP,
                "mg_per_m2": 0.5,
                "dose_mg": 1.0,
                "volume_ml": None,
                "vials": 1,
            },
            {"day": 15, "date": "2025-03-17", "mg_per_m2": 0.5, "dose_mg": 0.81, "volume_ml": 3.24},
        ],
    ],
)
def test_dose_rows_match_the_template_rows(doses: list[dict[str, Any]]) -> None:
    assert result_markup.dose_rows(doses) == loop("doses", doses=doses)


def test_notes_reasons_and_hidden_inputs_match_the_template_loops() -> None:
    texts = [
        "Interpretation (PI 2.2; reading): the window is counted from Day 1.",
        f"Unconfirmed (PI 2.4; {MARKUP}): {MARKUP}",
        f"A note with {MARKUP}",
    ]
    notes = [note(text) for text in texts]
    assert result_markup.labelled_notes(notes) == loop("notes", notes=notes)
    # The engine's working note on a fact not yet confirmed stays off the page: visitors are asked to check.
    assert (notes[1].kind, notes[1].label) == ("check", "Check the current PI")
    assert MARKUP not in notes[1].text and "PI 2.4 in the current Prescribing Information" in notes[1].text
    items = [{"message": MARKUP, "citation": "PI 2.2"}, {"message": "Cycle 7 exceeds the maximum"}]
    assert result_markup.cited_items(items, "message") == loop("reasons", items=items)
    pairs = [("height_cm", "165"), (MARKUP, MARKUP)]
    assert result_markup.hidden_inputs(pairs) == loop("hidden", pairs=pairs)
    sizes = {"letter": "Letter", "a4": MARKUP}
    assert result_markup.paper_choices(sizes, "plan") == loop("paper", paper_sizes=sizes, prefix="plan")


@pytest.mark.parametrize("operation", ["plan", "modify", "course"])
def test_fieldsets_match_the_template_loop_with_what_was_typed(operation: str) -> None:
    form = build_form(operation, prefix=operation, rows=2)
    payload_from(form, {field.name: MARKUP for field in form.fields})
    form.fields[0].error = MARKUP
    assert result_markup.fieldsets(form) == loop("fieldsets", form=form)
