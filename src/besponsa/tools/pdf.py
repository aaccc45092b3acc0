"""The printable cycle plan: HTML rendered by WeasyPrint, with no network access at all.

The url_fetcher serves only our own static files (the print stylesheet), found through Django's
staticfiles finders; any other URL is refused, so a PDF can never fetch from the network.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any, Final

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from besponsa.portal.models import SafetyInformation

PAPER_SIZES: Final = {"letter": "Letter", "a4": "A4"}
_INITIALS: Final = re.compile(r"[A-Za-z][A-Za-z.\- ]{0,7}")
STATIC_PREFIX: Final = "static:"
SVG_NAMESPACE: Final = "http://www.w3.org/2000/svg"


def option_problems(*, paper: str, initials: str) -> list[dict[str, str]]:
    problems: list[dict[str, str]] = []
    if paper not in PAPER_SIZES:
        problems.append({"field": "paper", "message": "Paper size must be Letter or A4", "id": "plan-paper"})
    if initials and not _INITIALS.fullmatch(initials):
        problems.append(
            {
                "field": "initials",
                "message": "Patient initials must be up to 8 letters (dots, hyphens and spaces allowed), "
                "never a name or an identifier",
                "id": "plan-initials",
            }
        )
    return problems


def _static_fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc,unused-ignore]  # WeasyPrint is untyped
        """Serves `static:<path>` from our static files; every other URL is an error that stops rendering."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            name = url[len(STATIC_PREFIX) :] if url.startswith(STATIC_PREFIX) else ""
            safe = name and not name.startswith("/") and ".." not in name.split("/")
            path = finders.find(name) if safe else None
            if not path:
                raise ValueError(f"the PDF renderer fetches nothing but our own static files, not {url!r}")
            with open(path, "rb") as handle:
                body = handle.read()
            return URLFetcherResponse(url, body, headers={"Content-Type": "text/css; charset=utf-8"})

    return StaticOnlyFetcher(fail_on_errors=True)


def _restore_svg_prefix() -> None:
    # Importing WeasyPrint registers the empty XML prefix for "no namespace", which ElementTree handles
    # by dropping the SVG default namespace that besponsa.evidence's figure writer (and Willow) set up:
    # figures serialised later in this process would come out as <ns0:svg>. Put it back.
    ET.register_namespace("", SVG_NAMESPACE)


def render_plan(plan: dict[str, Any], *, paper: str, initials: str, job_code: str) -> bytes:
    from weasyprint import CSS, HTML  # imported here: WeasyPrint is heavy and only the PDF view needs it

    _restore_svg_prefix()

    isi = SafetyInformation.current()
    html = render_to_string(
        "tools/plan_pdf.html",
        {
            "plan": plan,
            "initials": initials,
            "job_code": job_code,
            "isi": isi,
            "generated": timezone.localtime(),
            "stylesheet": STATIC_PREFIX + "tools/css/plan-print.css",
        },
    )
    fetcher = _static_fetcher()
    page = CSS(string=f"@page {{ size: {PAPER_SIZES[paper]}; }}", url_fetcher=fetcher)
    document = HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=fetcher)
    return bytes(document.write_pdf(stylesheets=[page]))
