"""The printable cycle plan: HTML rendered by WeasyPrint, with no network access at all.

The url_fetcher serves only our own static files (the print stylesheet), found through Django's
staticfiles finders; any other URL is refused, so a PDF can never fetch from the network.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any, Final

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from besponsa.portal.models import SafetyInformation
from besponsa.tools.presentation import decision

PAPER_SIZES: Final = {"letter": "Letter", "a4": "A4"}
STATIC_PREFIX: Final = "static:"
SVG_NAMESPACE: Final = "http://www.w3.org/2000/svg"


def option_problems(*, paper: str) -> list[dict[str, str]]:
    if paper not in PAPER_SIZES:
        return [{"field": "paper", "message": "Paper size must be Letter or A4", "id": "plan-paper"}]
    return []


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


def render_plan(
    plan: dict[str, Any],
    *,
    bsa: dict[str, Any],
    body: dict[str, str],
    preparations: list[dict[str, Any]],
    history: list[dict[str, Any]] | None = None,
    paper: str,
    job_code: str,
) -> bytes:
    """The chart-ready plan. Who the patient is never reaches the server: the name, MRN and date of
    birth are blank lines written by hand on the printout."""
    from weasyprint import CSS, HTML  # imported here: WeasyPrint is heavy and only the PDF view needs it

    _restore_svg_prefix()

    parts = [plan, bsa, *preparations]
    checks = [*plan.get("pre_dose_checks", []), *plan.get("monitoring", [])]
    per_dose = {"before_first_dose", "before_each_dose", "during_and_after_infusion", "after_each_dose"}
    isi = SafetyInformation.current()
    html = render_to_string(
        "tools/plan_pdf.html",
        {
            "plan": plan,
            "decision": decision(plan, "status"),
            "bsa": bsa,
            "body": body,
            "preparations": preparations,
            "history": history,
            "tick_checks": [c for c in checks if c.get("when", "before_each_dose") in per_dose],
            "other_checks": [c for c in checks if c.get("when", "before_each_dose") not in per_dose],
            # Every source and note once, in the order first met (BSA and plan share some).
            "citations": list(dict.fromkeys(c for part in parts for c in part.get("citations", []))),
            "all_notes": list(dict.fromkeys(n for part in parts for n in part.get("labelled_notes", []))),
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
