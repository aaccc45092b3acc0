"""The "intended for US healthcare professionals" gate: which paths it covers and how it remembers."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme

COOKIE_NAME = "hcp_confirmed"
COOKIE_SALT = "besponsa.hcp-gate"
COOKIE_MAX_AGE = 30 * 24 * 60 * 60  # 30 days, as the brand's gate promises

# Paths that must answer without the question: machines, assets, the gate itself, the leaving notice
# (the "No" answer goes through it), staff tools and the JSON API.
UNGATED_PREFIXES = (
    "/hcp-confirm/",
    "/leaving/",
    "/healthz",
    "/static/",
    "/media/",
    "/api/",
    "/cms/",
    "/django-admin/",
    "/robots.txt",
    "/sitemap.xml",
    "/favicon.ico",
)

CRAWLERS = re.compile(
    r"googlebot|bingbot|duckduckbot|baiduspider|yandex(bot)?|slurp|applebot|facebookexternalhit|linkedinbot",
    re.IGNORECASE,
)


def is_gated(request: HttpRequest) -> bool:
    if request.path.startswith(UNGATED_PREFIXES):
        return False
    return not CRAWLERS.search(request.headers.get("User-Agent", ""))


def is_confirmed(request: HttpRequest) -> bool:
    value = request.get_signed_cookie(COOKIE_NAME, default=None, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE)
    return value == "yes"


def remember(response: HttpResponse) -> None:
    response.set_signed_cookie(
        COOKIE_NAME,
        "yes",
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        secure=settings.HCP_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def safe_next(candidate: str | None) -> str:
    """A path on this site to return to; anything else (other hosts, schemes, odd slashes) becomes '/'."""
    if not candidate or not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
        return "/"
    if not url_has_allowed_host_and_scheme(candidate, allowed_hosts=None, require_https=False):
        return "/"
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc or any(ord(ch) < 32 for ch in candidate):
        return "/"
    if candidate.startswith("/hcp-confirm/"):
        return "/"
    return candidate
