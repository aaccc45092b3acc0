from __future__ import annotations

from django import template

from besponsa.tools import result_markup
from besponsa.tools.field_markup import field_html
from besponsa.tools.presentation import decision

register = template.Library()
register.filter("choice_label", result_markup.code_label)
register.filter("number", result_markup.number)
register.filter("decision", decision)
register.filter("field_html", field_html)
# The repeated parts of the tools' pages, written in Python (tools/result_markup.py).
register.filter("check_groups", result_markup.check_groups)
register.filter("dose_rows", result_markup.dose_rows)
register.filter("labelled_notes", result_markup.labelled_notes)
register.filter("hidden_inputs", result_markup.hidden_inputs)
register.filter("fieldsets", result_markup.fieldsets)
register.filter("cited_items", result_markup.cited_items)
register.filter("paper_choices", result_markup.paper_choices)
