"""The allow-list behind the "you are now leaving" notice. It never redirects on its own."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from besponsa.portal.models import ExternalDestination


@dataclass(frozen=True)
class Departure:
    url: str
    destination: ExternalDestination

    @property
    def is_company_site(self) -> bool:
        return self.destination.owner == ExternalDestination.COMPANY


def _matches(url: str, allowed: str) -> bool:
    try:  # a malformed address (unclosed IPv6 bracket, port out of range) is simply not on the list
        target, rule = urlsplit(url), urlsplit(allowed)
        port = target.port
    except ValueError:
        return False
    if target.scheme != "https" or target.username or target.password or port not in (None, 443):
        return False
    if (target.hostname or "").lower() != (rule.hostname or "").lower():
        return False
    prefix = rule.path or "/"
    path = target.path or "/"
    return (
        path == prefix
        or path.startswith(prefix if prefix.endswith("/") else prefix + "/")
        or (prefix == "/" and path.startswith("/"))
    )


def find_departure(url: str | None) -> Departure | None:
    if not url or len(url) > 2000 or any(ord(ch) < 33 for ch in url):
        return None
    for destination in ExternalDestination.objects.all():
        if _matches(url, destination.url):
            return Departure(url=url, destination=destination)
    return None
