from __future__ import annotations

from django import template

from besponsa.tools import result_markup
from besponsa.tools.field_markup import field_html
from besponsa.tools.forms import choice_label
from besponsa.tools.presentation import plan_decision

register = template.Library()


@register.filter(name="choice_label")
def choice_label_filter(code: object) -> str:
    return "" if code is None else choice_label(str(code))


register.filter("number", result_markup.number)
register.filter("plan_decision", plan_decision)
register.filter("field_html", field_html)
# The repeated parts of the tools' pages, written in Python (tools/result_markup.py).
register.filter("check_groups", result_markup.check_groups)
register.filter("dose_rows", result_markup.dose_rows)
register.filter("labelled_notes", result_markup.labelled_notes)
register.filter("hidden_inputs", result_markup.hidden_inputs)
register.filter("fieldsets", result_markup.fieldsets)
register.filter("cited_items", result_markup.cited_items)
register.filter("paper_choices", result_markup.paper_choices)
