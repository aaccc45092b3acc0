"""Admin registration of the portal's snippets, and how rich text links to pages (cache invalidation is
in besponsa.portal.signals)."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from wagtail import hooks
from wagtail.rich_text.pages import PageLinkHandler
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from besponsa.portal import listing
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


class ServablePageLinkHandler(PageLinkHandler):
    """A page link in rich text, as Wagtail renders it, except that a page visitors cannot see now (a draft,
    unpublished, withheld by MLR, deleted) gives no address: its words stay, as plain text, until the page
    can be served, as the link blocks leave such a link out. `listable_page_ids` is per page-cache
    generation, and anything that withholds a page bumps the generation."""

    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict[str, Any]]) -> list[str]:
        listable = listing.listable_page_ids()
        return [
            f'<a href="{escape(page.localized.url)}">' if page is not None and page.pk in listable else "<a>"
            for page in cls.get_many(attrs_list)
        ]


# After Wagtail's own registration of the "page" link type (its app comes later in INSTALLED_APPS).
@hooks.register("register_rich_text_features", order=100)
def servable_page_links(features: Any) -> None:
    features.register_link_type(ServablePageLinkHandler)
