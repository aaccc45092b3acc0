"""Site-wide request handling: security headers, the HCP gate, the published-page cache, the request log."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from besponsa.portal import gate, pagecache

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
    """The headers Django's SecurityMiddleware does not set: Content-Security-Policy and
    Permissions-Policy (the others come from settings.SECURE_* and X_FRAME_OPTIONS)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            admin = request.path.startswith(("/cms/", "/django-admin/"))
            response["Content-Security-Policy"] = ADMIN_CSP if admin else SITE_CSP
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class HcpGateMiddleware:
    """Sends a visitor who has not said they are a US HCP to the question, keeping where they were going."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if gate.is_gated(request) and not gate.is_confirmed(request):
            target = gate.safe_next(request.get_full_path())
            response = HttpResponseRedirect(reverse("hcp-confirm") + "?" + urlencode({"next": target}))
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)


CACHE_NEUTRAL_COOKIES = {gate.COOKIE_NAME, "csrftoken"}
# Headers that belong to one response, not to the stored page.
UNSTORED_HEADERS = {"set-cookie", "vary", "content-length", "content-encoding"}
# How often a request waiting for another worker's render looks again: one lookup per 5 ms per waiting
# worker (at most one request waits per sync worker), so it is served within ~5 ms of the copy landing.
WAIT_STEP_SECONDS = 0.005


def invalidate_page_cache() -> None:
    """Old name of `pagecache.bump_generation`, kept until every caller has moved."""
    pagecache.bump_generation()


def _signed_in(request: HttpRequest, response: HttpResponse) -> bool:
    from django.conf import settings

    if settings.SESSION_COOKIE_NAME not in request.COOKIES and settings.SESSION_COOKIE_NAME not in (
        response.cookies
    ):
        return False  # no session, so nobody signed in (and the user object is never loaded)
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def _accepts_gzip(request: HttpRequest) -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "")


def _from_entry(request: HttpRequest, entry: pagecache.Entry, state: str) -> HttpResponse:
    gzipped = _accepts_gzip(request)
    response = HttpResponse(entry.gzipped if gzipped else entry.body)
    for name, value in entry.headers:
        response[name] = value
    if gzipped:
        response["Content-Encoding"] = "gzip"
    response["Content-Length"] = str(len(response.content))
    response["Vary"] = "Accept-Encoding"
    response["X-Page-Cache"] = state
    return response


def _fresh(entry: pagecache.Entry | None, generation: str) -> bool:
    return entry is not None and entry.generation == generation and pagecache.now() < entry.not_after


class PageCacheMiddleware:
    """Serves published content pages from `besponsa.portal.pagecache` (docs/operations.md).

    Only GET/HEAD requests carrying no cookie but the gate's and the CSRF token's and no query
    parameter but marketing tags reach the cache, and never for static files, /healthz, the API or
    the admin (`pagecache.cache_key`): a signed-in visitor always gets a fresh, private page. After a
    bump only one render of a known page runs at a time (single-flight); the others wait for its
    result up to PAGE_CACHE_WAIT_SECONDS, then render themselves.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = None
        if request.method in ("GET", "HEAD") and not set(request.COOKIES) - CACHE_NEUTRAL_COOKIES:
            key = pagecache.cache_key(request.get_host(), request.path, request.GET)
        with pagecache.request_scope():
            if key is None:
                return self._finish(request, self.get_response(request))
            return self._through_cache(request, key)

    def _through_cache(self, request: HttpRequest, key: str) -> HttpResponse:
        from django.conf import settings

        store = pagecache.store()
        gzipped = _accepts_gzip(request)
        try:
            generation, entry = store.lookup(key, gzipped)
        except pagecache.Unavailable:
            return self._finish(request, self.get_response(request))
        if _fresh(entry, generation):
            assert entry is not None
            return _from_entry(request, entry, "hit")
        # Single-flight for known pages only: a flood of unknown paths must not write locks.
        owner = pagecache.is_known_page(request.path) and store.begin_render(key)
        if pagecache.is_known_page(request.path) and not owner:
            # Another worker is rendering this page: its copy is usually ready within milliseconds.
            deadline = time.monotonic() + settings.PAGE_CACHE_WAIT_SECONDS
            while time.monotonic() < deadline:
                time.sleep(WAIT_STEP_SECONDS)
                try:
                    generation, entry = store.lookup(key, gzipped)
                except pagecache.Unavailable:
                    break
                if _fresh(entry, generation):
                    assert entry is not None
                    return _from_entry(request, entry, "hit")
        try:
            response = self.get_response(request)
            if self._cacheable(response):
                pagecache.remember_page(request.path)
                response = self._store(request, key, generation, response)
            elif response.status_code == 200:
                pagecache.remember_not_a_page(request.path)
        finally:
            if owner:
                store.end_render(key)
        return self._finish(request, response)

    @staticmethod
    def _cacheable(response: HttpResponse) -> bool:
        return bool(
            getattr(response, "cacheable_page", False)
            and response.status_code == 200
            and not response.cookies
            and not getattr(response, "streaming", False)
        )

    def _store(self, request: HttpRequest, key: str, generation: str, response: HttpResponse) -> HttpResponse:
        from django.conf import settings

        not_after = getattr(response, "cache_not_after", None)
        if not_after is None:
            return response  # a view that cannot say until when its page holds is never cached
        render = getattr(response, "render", None)
        if render is not None and not getattr(response, "is_rendered", True):
            render()
        deadline = not_after.timestamp()
        ttl = min(float(settings.PAGE_CACHE_SECONDS), deadline - pagecache.now())
        if ttl <= 0:
            return response
        headers = tuple((k, v) for k, v in response.items() if k.lower() not in UNSTORED_HEADERS)
        body = response.content
        entry = pagecache.Entry(generation, deadline, headers, body, pagecache.compress(body))
        try:
            pagecache.store().save(key, entry, ttl)
        except pagecache.Unavailable:
            return response
        return _from_entry(request, entry, "miss")

    @staticmethod
    def _finish(request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if _signed_in(request, response):
            # What a signed-in visitor sees is theirs alone: no shared or browser cache keeps it.
            response["Cache-Control"] = "private, no-store"
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
