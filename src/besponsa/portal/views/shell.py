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
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.models import Page

from besponsa.compliance import surfaces
from besponsa.portal import gate, listing, pagecache, search_backend
from besponsa.portal import search as search_text
from besponsa.portal.leaving import find_departure
from besponsa.portal.models import SafetyInformation, SiteContacts


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
    """The search backend's own matches (PostgreSQL full-text search in the PostgreSQL deployment,
    SQLite FTS5 by default), as plain pages; each hit shows its title, address and an extract of the
    text the backend stored at publication. The backend is asked for ids only; the listable pages'
    titles, addresses and plain texts are read once per page-cache generation, so a search costs one
    query of its own and no page is loaded."""
    query = request.GET.get("q", "").strip()[:200]
    terms = search_text.terms_of(query)
    # A withheld page (no current approval, withdrawn, expired, changed since approval, private) is never
    # a result: only the listable pages are kept.
    listed = listing.listable_pages(request)
    found = [pk for pk in search_backend.matching_ids(search_text.backend_query(query)) if pk in listed]
    titles = {pk: listed[pk].title for pk in found}
    page = Paginator(search_text.titles_first(found, titles, terms), 10).get_page(request.GET.get("page"))
    texts = search_text.stored_texts() if page.object_list else {}
    hits = [
        (
            listed[pk].url,
            search_text.highlight(titles[pk], terms),
            search_text.extract(texts.get(pk, ""), terms),
        )
        for pk in page
    ]
    context = {"query": query, "results": page, "result_items": search_text.result_items(hits)}
    return render(request, "portal/search.html", context)


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
def sitemap(request: HttpRequest) -> HttpResponse:
    """Wagtail's sitemap of the listable pages, kept in the page cache like a content page: it is
    built once per generation (a publish or a withdrawal bumps it) and never served past the first
    approval expiry among the pages it lists and the ISI."""
    response = wagtail_sitemap(request)
    listed = Page.objects.filter(pk__in=listing.listable_page_ids()).only("pk")
    response.cacheable_page = True
    response.cache_not_after = pagecache.serving_deadline(*listed, SafetyInformation.current())
    return response


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", "Disallow: /cms/", "Disallow: /api/"]
    lines += ["Disallow: /hcp-confirm/", "Disallow: /leaving/"]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
