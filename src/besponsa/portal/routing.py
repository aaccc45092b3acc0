"""Which live page an address shows, looked up once per page-cache generation, not on every request.

Wagtail's page view finds the request's `Site` (one query), then walks the page tree from the site's
root one path segment at a time (the child by its slug, then its specific row: two queries a level),
so an uncached /efficacy/adult/ cost six queries before anything was rendered. Every change that can
alter that walk bumps the page-cache generation (a page published, unpublished, moved, renamed or
deleted; a Site saved or deleted: `portal.signals`), so its result is kept per generation in each
process: host, port and path → the site and the live page.

Each request gets its own copy of the page (Django's copy of a model instance: its own field values and
state), so nothing one request sets on its page reaches another. Wagtail still does the rest as before:
its `before_serve_page` hooks (the MLR approval check), its view restrictions and the page's `serve`.
Only Wagtail's plain routing is kept (a live page at exactly that path, taking no arguments); anything
else (a page type with its own `route`, an unknown path) is routed by Wagtail on every request.
"""

from __future__ import annotations

import copy
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import re_path
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult

from besponsa.portal import pagecache


def _plain_route(request: HttpRequest, path: str) -> tuple[Site, Page] | None:
    """Wagtail's route for this request (it keeps it on the request, so serving it does not walk again),
    when it is the plain one: the live page whose address is `path` on the request's site."""
    route = Page.route_for_request(request, path)
    site = Site.find_for_request(request)
    if route is None or site is None:
        return None
    page, args, kwargs = route
    if args or kwargs or not page.live or page.url_path != site.root_page.url_path + path:
        return None
    return site, copy.copy(page)


def serve(request: HttpRequest, path: str) -> Any:
    """Wagtail's page view (`wagtail.views.serve`), given the site and route found earlier in this
    generation (Wagtail reads both from the request when they are there)."""
    key = (request.get_host(), request.get_port(), path)
    known = pagecache.per_generation_each("page-routes", key, lambda: _plain_route(request, path))
    if known is not None:
        site, page = known
        request._wagtail_site = site  # type: ignore[attr-defined]
        request._wagtail_route_for_request = RouteResult(copy.copy(page))  # type: ignore[attr-defined]
    response: HttpResponse = wagtail_views.serve(request, path)
    return response


# Wagtail's front-end URLs (wagtail.urls), in their order, with `serve` at the page view's address and name.
urlpatterns = [
    *(pattern for pattern in wagtail_urls.urlpatterns if getattr(pattern, "name", None) != "wagtail_serve"),
    re_path(wagtail_urls.serve_pattern, serve, name="wagtail_serve"),
]
