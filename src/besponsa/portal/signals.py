"""Cache invalidation: a publish, unpublish, move, deletion, privacy or Site change anywhere makes every
cached page stale (besponsa.portal.pagecache.bump_generation). Connected in PortalConfig.ready."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
    published,
    unpublished,
)

from besponsa.portal.models import ExternalDestination, SiteContacts
from besponsa.portal.pagecache import bump_generation


def _invalidate(**kwargs: Any) -> None:
    bump_generation()


def connect() -> None:
    page_published.connect(_invalidate, dispatch_uid="pagecache-page-published")
    page_unpublished.connect(_invalidate, dispatch_uid="pagecache-page-unpublished")
    published.connect(_invalidate, dispatch_uid="pagecache-published")
    unpublished.connect(_invalidate, dispatch_uid="pagecache-unpublished")
    post_page_move.connect(_invalidate, dispatch_uid="pagecache-page-moved")
    page_slug_changed.connect(_invalidate, dispatch_uid="pagecache-page-slug-changed")
    post_delete.connect(_invalidate, sender=Page, dispatch_uid="pagecache-page-deleted")
    # A Site decides which page each of its addresses leads to (portal.routing) and every page's address
    # (listing.listable_pages): both are kept per generation.
    for model in (SiteContacts, ExternalDestination, PageViewRestriction, Site):
        post_save.connect(_invalidate, sender=model, dispatch_uid=f"pagecache-save-{model.__name__}")
        post_delete.connect(_invalidate, sender=model, dispatch_uid=f"pagecache-delete-{model.__name__}")
