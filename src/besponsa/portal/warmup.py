"""What a fresh worker renders before it takes traffic (besponsa.project.gunicorn.post_worker_init)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from wagtail.models import Page

MAX_PAGES = 200


def warm_paths() -> Iterator[str]:
    """Every live content page (so each page type, template and figure is built once), then the
    shell's other pages and each clinical tool's empty form."""
    for page in Page.objects.live().public().specific().order_by("path")[:MAX_PAGES]:
        url = page.get_url()
        if url:
            yield url
    yield reverse("isi")
    yield reverse("search") + "?q=dose"
    yield reverse("sitemap")
    for name in ("index", "dose", "planner", "modifications", "response", "safety"):
        yield reverse(f"tools:{name}")


# Tools whose result pages have templates of their own: (URL name, engine operation, form name).
RESULT_TOOLS = (("planner", "plan"), ("modifications", "modify"), ("response", "assess"))


def warm_posts() -> Iterator[tuple[str, dict[str, str]]]:
    """Each clinical tool's result page once, from the engine's documented example values posted the
    way the form posts them (nested values as dotted names), so no visitor pays for compiling the
    result templates either."""
    from besponsa.clinical.operations import EXAMPLES

    for name, operation in RESULT_TOOLS:
        yield reverse(f"tools:{name}"), {"form": operation, **form_fields(EXAMPLES[operation])}


def form_fields(values: dict[str, Any], prefix: str = "") -> dict[str, str]:
    fields: dict[str, str] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            fields.update(form_fields(value, f"{prefix}{key}."))
        elif value is True:
            fields[prefix + key] = "true"
        elif value is not False and value is not None and not isinstance(value, list):
            fields[prefix + key] = str(value)
    return fields
