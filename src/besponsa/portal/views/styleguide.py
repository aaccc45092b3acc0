"""The living style guide (staff only, not linked publicly): the design tokens read from site.css and every
component rendered with the site's own CSS, so what staff see is what the pages use."""

from __future__ import annotations

import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from besponsa.accounts.access import is_staff_member

TOKEN = re.compile(r"^\s*(--[a-z0-9-]+):\s*([^;]+);", re.MULTILINE)
GROUPS = (
    ("Color", "--color-"),
    ("Type scale", "--step-"),
    ("Space", "--space-"),
    ("Radii", "--radius-"),
    ("Shadows", "--shadow-"),
)


def design_tokens() -> dict[str, list[tuple[str, str]]]:
    """The custom properties of the stylesheet's first :root block, grouped by prefix."""
    path = finders.find("portal/css/site.css")
    assert isinstance(path, str), "portal/css/site.css is missing"
    css = Path(path).read_text(encoding="utf-8")
    root = css[css.index(":root {") : css.index("}", css.index(":root {"))]
    tokens = TOKEN.findall(root)
    return {title: [(n, v.strip()) for n, v in tokens if n.startswith(prefix)] for title, prefix in GROUPS}


@never_cache
@require_GET
def styleguide(request: HttpRequest) -> HttpResponse:
    # /cms/ paths already require a staff member with a verified second factor (StaffTwoFactorMiddleware);
    # this check keeps the page staff-only wherever it is mounted.
    if not is_staff_member(request.user):
        raise PermissionDenied
    response = render(request, "portal/styleguide.html", {"tokens": design_tokens()})
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
