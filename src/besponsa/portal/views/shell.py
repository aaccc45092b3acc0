"""The gate, the leaving notice, the ISI page, search, health and robots."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.models import Page

from besponsa.compliance import rules, surfaces
from besponsa.portal import gate, pagecache
from besponsa.portal import search as search_text
from besponsa.portal.leaving import find_departure
from besponsa.portal.models import SiteContacts


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@surfaces.approved_or_withheld("gate")
def hcp_confirm(request: HttpRequest) -> HttpResponse:
    raw_next = request.POST.get("next") if request.method == "POST" else request.GET.get("next")
    next_path = gate.safe_next(raw_next)
    context: dict[str, Any] = {"next_path": next_path, "error": None}
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer == "yes":
            response = HttpResponseRedirect(next_path)
            gate.remember(response)
            return response
        if answer == "no":
            patient_site = SiteContacts.load(request_or_site=request).patient_site_url
            return HttpResponseRedirect(reverse("leaving") + "?" + urlencode({"to": patient_site}))
        context["error"] = "Choose Yes or No to answer the question."
        return render(request, "portal/hcp_confirm.html", context, status=400)
    return render(request, "portal/hcp_confirm.html", context)


@require_GET
@surfaces.approved_or_withheld("leaving")
def leaving(request: HttpRequest) -> HttpResponse:
    departure = find_departure(request.GET.get("to"))
    if departure is None:
        return render(request, "portal/leaving_refused.html", status=400)
    return render(request, "portal/leaving.html", {"departure": departure})


@require_GET
def isi(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/isi_page.html")


@require_GET
@surfaces.approved_or_withheld("search")
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    terms = search_text.terms_of(query)
    words = search_text.backend_query(query)
    found = Page.objects.live().public().specific().search(words) if words else Page.objects.none()
    # A withheld page (no current approval, withdrawn, expired, changed since approval) is never a result.
    servable = rules.servable(found)
    page = Paginator(search_text.titles_first(servable, terms), 10).get_page(request.GET.get("page"))
    hits = [
        {
            "page": result,
            "title": search_text.highlight(result.title, terms),
            "extract": search_text.extract(search_text.page_text(result), terms),
        }
        for result in page
    ]
    return render(request, "portal/search.html", {"query": query, "results": page, "hits": hits})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 while the database answers, with the page cache's state ("local", "ok", or "degraded": Redis
    failing, pages served uncached); 503 when the database does not. Never a cache round trip."""
    cache_state = pagecache.status()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not ready"; the reason is for the logs, not the caller
        return JsonResponse({"status": "unavailable", "database": "down", "cache": cache_state}, status=503)
    return JsonResponse({"status": "ok", "database": "up", "cache": cache_state})


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", "Disallow: /cms/", "Disallow: /api/"]
    lines += ["Disallow: /hcp-confirm/", "Disallow: /leaving/"]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
