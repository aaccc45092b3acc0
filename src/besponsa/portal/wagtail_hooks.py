"""Admin registration of the portal's snippets (cache invalidation is in besponsa.portal.signals)."""

from __future__ import annotations

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from besponsa.portal.models import ExternalDestination, SafetyInformation


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
