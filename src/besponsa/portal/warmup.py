"""What a fresh worker renders before it takes traffic (besponsa.project.gunicorn.post_worker_init)."""

from __future__ import annotations

from collections.abc import Iterator

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
    for name in ("index", "dose", "planner", "modifications", "response", "safety"):
        yield reverse(f"tools:{name}")
