from __future__ import annotations

from django import template

from besponsa.tools.field_markup import field_html
from besponsa.tools.forms import choice_label
from besponsa.tools.presentation import plan_decision

register = template.Library()


@register.filter(name="choice_label")
def choice_label_filter(code: object) -> str:
    return "" if code is None else choice_label(str(code))


@register.filter
def number(value: object) -> str:
    """A number as the engine gave it, without a trailing ".0"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


register.filter("plan_decision", plan_decision)
register.filter("field_html", field_html)
