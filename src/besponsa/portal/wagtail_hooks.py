"""Admin registration and cache invalidation: a publish, unpublish, move, deletion or privacy change
anywhere makes every cached page stale (besponsa.portal.pagecache.bump_generation)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
    published,
    unpublished,
)
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from besponsa.portal.models import ExternalDestination, SafetyInformation, SiteContacts
from besponsa.portal.pagecache import bump_generation


class SafetyInformationViewSet(SnippetViewSet):
    model = SafetyInformation
    icon = "warning"
    menu_label = "Safety information (ISI)"


class ExternalDestinationViewSet(SnippetViewSet):
    model = ExternalDestination
    icon = "link-external"
    menu_label = "Leaving-notice allow-list"
    list_display = ["name", "url", "owner"]


register_snippet(SafetyInformationViewSet)
register_snippet(ExternalDestinationViewSet)


def _invalidate(**kwargs: Any) -> None:
    bump_generation()


page_published.connect(_invalidate, dispatch_uid="pagecache-page-published")
page_unpublished.connect(_invalidate, dispatch_uid="pagecache-page-unpublished")
published.connect(_invalidate, dispatch_uid="pagecache-published")
unpublished.connect(_invalidate, dispatch_uid="pagecache-unpublished")
post_page_move.connect(_invalidate, dispatch_uid="pagecache-page-moved")
page_slug_changed.connect(_invalidate, dispatch_uid="pagecache-page-slug-changed")
post_delete.connect(_invalidate, sender=Page, dispatch_uid="pagecache-page-deleted")
for _model in (SiteContacts, ExternalDestination, PageViewRestriction):
    post_save.connect(_invalidate, sender=_model, dispatch_uid=f"pagecache-save-{_model.__name__}")
    post_delete.connect(_invalidate, sender=_model, dispatch_uid=f"pagecache-delete-{_model.__name__}")
