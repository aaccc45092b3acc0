"""Admin registration and cache invalidation: a publish anywhere makes every cached page stale."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, published, unpublished
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from besponsa.portal.middleware import invalidate_page_cache
from besponsa.portal.models import ExternalDestination, SafetyInformation, SiteContacts


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
    invalidate_page_cache()


page_published.connect(_invalidate, dispatch_uid="pagecache-page-published")
page_unpublished.connect(_invalidate, dispatch_uid="pagecache-page-unpublished")
published.connect(_invalidate, dispatch_uid="pagecache-published")
unpublished.connect(_invalidate, dispatch_uid="pagecache-unpublished")
for _model in (SiteContacts, ExternalDestination):
    post_save.connect(_invalidate, sender=_model, dispatch_uid=f"pagecache-save-{_model.__name__}")
    post_delete.connect(_invalidate, sender=_model, dispatch_uid=f"pagecache-delete-{_model.__name__}")
