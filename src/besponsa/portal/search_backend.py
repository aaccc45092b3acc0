"""The search backend's matches for a query: the ids of the pages it finds, best first."""

from __future__ import annotations


def matching_ids(words: str) -> list[int]:
    """The ids of the pages the backend matches for `words` (plain words, see `search.backend_query`),
    in its relevance order (SQLite FTS5, or PostgreSQL full text in the PostgreSQL deployment). Only ids:
    titles, addresses and texts are read per generation elsewhere, and the caller keeps only listable
    pages, so no live/public filter is needed here (it cost a query of the view restrictions)."""
    from wagtail.models import Page

    return [page.pk for page in Page.objects.only("pk").search(words)] if words else []
