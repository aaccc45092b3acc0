"""Site-wide request handling: security headers, the HCP gate, the published-page cache, the request log."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from besponsa.portal import gate

Handler = Callable[[HttpRequest], HttpResponse]

request_log = logging.getLogger("besponsa.requests")

# Scripts and styles come only from our own files: no inline code, no eval, no framing.
SITE_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The Wagtail admin ships inline styles and style attributes; scripts stay restricted to our origin.
ADMIN_CSP = SITE_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'").replace(
    "img-src 'self' data:", "img-src 'self' data: blob:"
)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            admin = request.path.startswith(("/cms/", "/django-admin/"))
            response["Content-Security-Policy"] = ADMIN_CSP if admin else SITE_CSP
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("X-Frame-Options", "DENY")
        response.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class HcpGateMiddleware:
    """Sends a visitor who has not said they are a US HCP to the question, keeping where they were going."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if gate.is_gated(request) and not gate.is_confirmed(request):
            target = gate.safe_next(request.get_full_path())
            response = HttpResponseRedirect("/hcp-confirm/?" + urlencode({"next": target}))
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)


GENERATION_KEY = "pagecache:generation"
CACHE_NEUTRAL_COOKIES = {gate.COOKIE_NAME, "csrftoken"}


def page_cache_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return int(generation)


def invalidate_page_cache() -> None:
    """Every cached page goes stale at once: called when a page, the ISI or the site contacts change."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


class PageCacheMiddleware:
    """Serves published content pages from the cache; pages mark themselves cacheable when they serve.

    Only GET/HEAD requests carrying no cookie but the gate's and the CSRF token's are served from or
    stored in the cache: a signed-in visitor (session cookie) always gets a fresh page, and pages that
    mark themselves cacheable hold no form with a token.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        if request.method not in ("GET", "HEAD") or set(request.COOKIES) - CACHE_NEUTRAL_COOKIES:
            return self.get_response(request)
        key = f"pagecache:{page_cache_generation()}:{request.get_host()}:{request.get_full_path()}"
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if (
            getattr(response, "cacheable_page", False)
            and response.status_code == 200
            and not response.cookies
            and not getattr(response, "streaming", False)
        ):
            render = getattr(response, "render", None)
            if render is not None and not getattr(response, "is_rendered", True):
                render()
            headers = [(k, v) for k, v in response.items() if k.lower() not in {"set-cookie", "vary"}]
            cache.set(key, (response.content, headers), settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response


class RequestLogMiddleware:
    """Method, path (no query string), status and duration: never inputs or results."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        if request_log.isEnabledFor(logging.INFO):
            elapsed_ms = (time.perf_counter() - started) * 1000
            request_log.info(
                "%s %s %s %.1fms", request.method, request.path, response.status_code, elapsed_ms
            )
        return response
