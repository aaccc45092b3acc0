"""What every page's shell needs: the live ISI, the site contacts and the navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from besponsa.portal import pagecache
from besponsa.portal.models import SafetyInformation, SiteContacts
from besponsa.portal.navigation import MAIN_NAVIGATION, UTILITY_LINKS, current_section

# The paths the menu marks as the current page (aria-current="page"); on any other path it marks none.
MENU_PATHS = frozenset(
    item.url for top in (*MAIN_NAVIGATION, *UTILITY_LINKS) for item in (top, *top.children)
)


def site_shell(request: HttpRequest) -> dict[str, Any]:
    # Read once per page-cache generation (publishing the ISI or editing the contacts bumps it), not
    # once per page; a view's own "isi" (the CMS preview of a draft) still takes precedence.
    host = request.get_host()
    section = current_section(request.path)
    return {
        "isi": pagecache.per_generation("live-isi", SafetyInformation.current),
        "contacts": pagecache.per_generation(
            "site-contacts:" + host, lambda: SiteContacts.load(request_or_site=request)
        ),
        "main_navigation": MAIN_NAVIGATION,
        "utility_links": UTILITY_LINKS,
        "current_section": section,
        # For {% per_generation %} (portal_shell): the shell's pieces already rendered for this host in
        # this generation, and all the menu's markup depends on besides the contacts.
        "shell_pieces": pagecache.per_generation("shell-pieces:" + host, dict),
        "menu_key": (section.url if section else "", request.path if request.path in MENU_PATHS else ""),
    }
