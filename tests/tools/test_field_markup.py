"""The fields' markup made once per state (tools/field_markup.py) refuses a template it could get wrong."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from besponsa.tools import field_markup, forms


def _templates(field_template: str) -> list[dict[str, object]]:
    return [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    ("django.template.loaders.locmem.Loader", {field_markup.TEMPLATE: field_template})
                ]
            },
        }
    ]


@pytest.mark.parametrize(
    "field_template",
    [
        '<input value="{{ f.value }}">{% if f.value %} filled{% endif %}',  # branches on what was typed
        '<input value="{{ f.value }}" title="{{ f.value }}">',  # shows it twice
        '<input value="{{ f.value|upper }}">',  # changes it
        "<p>{{ f.error|safe }}</p>",  # does not escape the message
    ],
)
def test_a_field_template_that_uses_the_typed_texts_otherwise_is_refused(field_template: str) -> None:
    form = forms.build_form("plan", prefix="layout-check")
    height = form.by_name()["height_cm"]
    height.value, height.error = "170", "Body height in cm must be a number"
    with override_settings(TEMPLATES=_templates(field_template)), pytest.raises(ImproperlyConfigured):
        field_markup.field_html(height)


def test_a_field_template_that_shows_the_texts_once_escaped_is_used() -> None:
    form = forms.build_form("plan", prefix="layout-check-ok")
    height = form.by_name()["height_cm"]
    height.value, height.error = "1<2", "bad & wrong"
    template = (
        '<input value="{{ f.value }}"{% if f.error %} aria-invalid="true"{% endif %}><p>{{ f.error }}</p>'
    )
    with override_settings(TEMPLATES=_templates(template)):
        html = field_markup.field_html(height)
    assert html == '<input value="1&lt;2" aria-invalid="true"><p>bad &amp; wrong</p>'
