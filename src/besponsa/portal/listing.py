"""Which pages may be listed (search results, the sitemap): the live, public pages that
`compliance.rules.servable` lets through today.

Deciding it reads every page in full (its approval fingerprint covers what it shows), so it is decided
once per page-cache generation and day in each process: every change that can withhold a page
(a publish, an unpublish, a privacy change, an approval withdrawn or shortened, the ISI published)
bumps the generation, and a lapse happens at the start of a day."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from wagtail.models import Page, Site

from besponsa.compliance import rules
from besponsa.compliance.models import site_today
from besponsa.portal import pagecache


def _servable_ids() -> frozenset[int]:
    pages = Page.objects.live().public().specific().order_by("path")
    return frozenset(page.pk for page in rules.servable(pages))


def listable_page_ids() -> frozenset[int]:
    """The ids of the pages a visitor may be shown now."""
    return pagecache.per_generation("listable-page-ids", _servable_ids, also=site_today())


@dataclass(frozen=True, slots=True)
class Listed:
    """What a link to a listable page shows: its title and its address, as `{% pageurl %}` gives it."""

    title: str
    url: str


def _site_count() -> int:
    return len({root.site_id for root in Site.get_site_root_paths()})


def _listed_pages(request: HttpRequest | None) -> dict[int, Listed]:
    pages = Page.objects.filter(pk__in=listable_page_ids()).only("title", "url_path").order_by("path")
    listed: dict[int, Listed] = {}
    for page in pages:
        url = page.get_url(request=request)
        if url:  # an unroutable page is no link
            listed[page.pk] = Listed(page.title, url)
    return listed


def listable_pages(request: HttpRequest) -> dict[int, Listed]:
    """The listable pages' titles and addresses (as `request` is to be shown them) by page id, read once
    per generation and day, so that lists of links (search results) resolve no page's URL per request;
    a title or an address changes only with a publish, a move or a site change, which bump the
    generation. With one site every address is its path; with several, a page of another site than the
    request's is linked with its host name, so the addresses are kept per site."""
    today = site_today()
    if pagecache.per_generation("site-count", _site_count) == 1:
        return pagecache.per_generation("listable-pages", lambda: _listed_pages(None), also=today)
    site = Site.find_for_request(request)
    return pagecache.per_generation(
        f"listable-pages:{site.pk if site else 0}", lambda: _listed_pages(request), also=today
    )


def _servable_paths() -> frozenset[str]:
    return frozenset(listed.url for listed in _listed_pages(None).values())


def listable_paths() -> frozenset[str]:
    """The addresses of those pages ("/dosing/"): for links stored as typed paths."""
    return pagecache.per_generation("listable-paths", _servable_paths, also=site_today())
