"""Which pages may be listed (search results, the sitemap): the live, public pages that
`compliance.rules.servable` lets through today.

Deciding it reads every page in full (its approval fingerprint covers what it shows), so it is decided
once per page-cache generation and day in each process: every change that can withhold a page
(a publish, an unpublish, a privacy change, an approval withdrawn or shortened, the ISI published)
bumps the generation, and a lapse happens at the start of a day."""

from __future__ import annotations

from wagtail.models import Page

from besponsa.compliance import rules
from besponsa.compliance.models import site_today
from besponsa.portal import pagecache


def _servable_ids() -> frozenset[int]:
    pages = Page.objects.live().public().specific().order_by("path")
    return frozenset(page.pk for page in rules.servable(pages))


def listable_page_ids() -> frozenset[int]:
    """The ids of the pages a visitor may be shown now."""
    return pagecache.per_generation("listable-page-ids", _servable_ids, also=site_today())


def _servable_paths() -> frozenset[str]:
    pages = Page.objects.filter(pk__in=listable_page_ids())
    return frozenset(url for url in (page.url for page in pages) if url)


def listable_paths() -> frozenset[str]:
    """The addresses of those pages ("/dosing/"): for links stored as typed paths."""
    return pagecache.per_generation("listable-paths", _servable_paths, also=site_today())
