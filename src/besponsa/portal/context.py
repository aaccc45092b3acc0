"""What every page's shell needs: the live ISI, the site contacts and the navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from besponsa.portal import pagecache
from besponsa.portal.models import SafetyInformation, SiteContacts
from besponsa.portal.navigation import MAIN_NAVIGATION, UTILITY_LINKS, current_section


def site_shell(request: HttpRequest) -> dict[str, Any]:
    # Read once per page-cache generation (publishing the ISI or editing the contacts bumps it), not
    # once per page; a view's own "isi" (the CMS preview of a draft) still takes precedence.
    return {
        "isi": pagecache.per_generation("live-isi", SafetyInformation.current),
        "contacts": pagecache.per_generation(
            "site-contacts:" + request.get_host(), lambda: SiteContacts.load(request_or_site=request)
        ),
        "main_navigation": MAIN_NAVIGATION,
        "utility_links": UTILITY_LINKS,
        "current_section": current_section(request.path),
    }
