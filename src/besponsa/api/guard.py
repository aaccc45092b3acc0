"""What every API call passes before an operation runs: the bearer token and the per-client rate
(django-ninja's auth and throttle hooks, set once on the API in endpoints.py), then body size and
JSON shape (read_body, called by each view).

Kept apart from the endpoints so the limits are written once and documented in docs/api.md.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any, Final

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import Throttled
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from besponsa.accounts.client import client_ip
from besponsa.clinical.errors import FieldError, InvalidInput
from besponsa.clinical.jsonbody import is_text, parse_request

MAX_BODY_BYTES: Final = 32 * 1024
RATE_WINDOW_SECONDS: Final = 60
DEFAULT_RATE_LIMIT_PER_MINUTE: Final = 120
DEFAULT_TOKEN_RATE_LIMIT_PER_MINUTE: Final = 600
UNAUTHORIZED: Final = "the API token is unknown, revoked, or belongs to an account that is not verified"


def error_response(status: int, errors: list[FieldError], **headers: str) -> JsonResponse:
    response = JsonResponse({"errors": errors}, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    response["Cache-Control"] = "no-store"
    return response


def field_error(status: int, field: str, message: str, **headers: str) -> JsonResponse:
    """The answer for one problem with one field (most refusals have exactly one)."""
    return error_response(status, [{"field": field, "message": message}], **headers)


def rate_limit_per_minute(*, token: bool = False) -> int:
    """Calls a minute allowed from one client address, or with `token` from one HCP's API token."""
    if token:
        return int(getattr(settings, "API_TOKEN_RATE_LIMIT_PER_MINUTE", DEFAULT_TOKEN_RATE_LIMIT_PER_MINUTE))
    return int(getattr(settings, "API_RATE_LIMIT_PER_MINUTE", DEFAULT_RATE_LIMIT_PER_MINUTE))


def _client(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


class Anonymous:
    """`request.auth` of a call without an Authorization header: it counts in its address's window."""


ANONYMOUS: Final = Anonymous()


def anonymous(request: HttpRequest) -> Anonymous:
    """The second auth callback: a call without a token is let in (a token only buys a higher limit)."""
    return ANONYMOUS


class TokenRefused(Exception):
    """An Authorization header whose token cannot be used: 401."""


class TokenGuessing(Exception):
    """Too many unusable tokens from one client address: 429 until the window ends."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class BearerToken(HttpBearer):
    """An HCP's API token (`Authorization: Bearer <token>`); the OpenAPI scheme comes from this class.

    Any Authorization header is either a usable token or a 401: it never falls back to the anonymous
    window, so a typo in an integration shows at once. Each header is counted per client address before
    the lookup and given back when the token is good, so parallel guesses from one address cannot all
    slip under the limit (accounts.throttle owns that counter)."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header, "")
        if not header:
            return None  # the next callback, `anonymous`, lets the call in
        from besponsa.accounts import throttle  # the accounts app owns tokens and their throttle

        slot = throttle.api_token_begin(_client(request))
        if isinstance(slot, throttle.Lock):
            raise TokenGuessing(slot.retry_after)
        scheme, _, _ = header.partition(" ")
        user = super().__call__(request) if scheme.lower() == self.openapi_scheme else None
        if user is None:
            raise TokenRefused
        throttle.api_token_valid(slot)
        return user

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from besponsa.accounts.access import authenticate_api_token

        return authenticate_api_token(token.strip())


# ninja names the security scheme after the class; the published document has always said bearerToken
# (its description is added by openapi.build_document).
BearerToken.__name__ = BearerToken.__qualname__ = "bearerToken"

# While the shared store (Redis) is unreachable, windows are counted in this process instead, so the
# limit still holds per worker (never unlimited), and Redis is tried again after this many seconds.
SHARED_RETRY_SECONDS: Final = 5.0
_shared_down_until = 0.0


def _count_in(alias: str, key: str) -> int:
    store = caches[alias]
    # add() creates the counter atomically; incr() is atomic in Redis and under locmem's lock.
    store.add(key, 0, timeout=RATE_WINDOW_SECONDS + 5)
    try:
        return int(store.incr(key))
    except ValueError:  # expired between add and incr
        store.set(key, 1, timeout=RATE_WINDOW_SECONDS + 5)
        return 1


def _count(key: str) -> int:
    """This call's number in its window: in the cache every worker shares, else in this process."""
    global _shared_down_until
    if time.monotonic() >= _shared_down_until:
        try:
            return _count_in("shared", key)
        except Exception:  # Redis down or timing out: any client error means "count locally for now"
            _shared_down_until = time.monotonic() + SHARED_RETRY_SECONDS
    return _count_in("default", key)


class MinuteRate(BaseThrottle):
    """Fixed one-minute windows counted atomically in the shared cache (ninja's SimpleRateThrottle keeps
    a list with get/set, which parallel workers would overwrite): API_RATE_LIMIT_PER_MINUTE per client
    address without a token, API_TOKEN_RATE_LIMIT_PER_MINUTE per HCP with one. The instance is shared by
    every thread, so a refusal is kept on the request, where the 429 handler reads it."""

    def allow_request(self, request: HttpRequest) -> bool:
        user = getattr(request, "auth", ANONYMOUS)
        if isinstance(user, Anonymous):
            who, limit, per = f"ip:{_client(request)}", rate_limit_per_minute(), "from one client"
        else:
            who, limit, per = f"user:{user.pk}", rate_limit_per_minute(token=True), "with one API token"
        now = time.time()
        window = int(now // RATE_WINDOW_SECONDS)
        if _count(f"api-rate:{who}:{window}") <= limit:
            return True
        retry_after = max(1, math.ceil((window + 1) * RATE_WINDOW_SECONDS - now))
        message = f"too many requests: at most {limit} calls a minute {per}; try again in {retry_after} s"
        setattr(request, _REFUSAL, (message, retry_after))
        return False


_REFUSAL: Final = "_besponsa_api_rate_refusal"
AUTH: Final[list[Callable[[HttpRequest], Any]]] = [BearerToken(), anonymous]
THROTTLES: Final[list[BaseThrottle]] = [MinuteRate()]


def install(api: NinjaAPI) -> None:
    """The JSON answers (our `{"errors": [...]}` shape) to ninja's refusals, for every operation."""

    def refused(request: HttpRequest, exc: Any) -> HttpResponse:
        return field_error(401, "Authorization", UNAUTHORIZED, WWW_Authenticate='Bearer realm="besponsa"')

    def guessing(request: HttpRequest, exc: Any) -> HttpResponse:
        message = f"too many unusable API tokens from this client; try again in {exc.retry_after} s"
        return field_error(429, "Authorization", message, Retry_After=str(exc.retry_after))

    def throttled(request: HttpRequest, exc: Any) -> HttpResponse:
        message, retry_after = getattr(request, _REFUSAL)
        return field_error(429, "body", message, Retry_After=str(retry_after))

    api.add_exception_handler(TokenRefused, refused)
    api.add_exception_handler(TokenGuessing, guessing)
    api.add_exception_handler(Throttled, throttled)


def _lone_surrogate(value: object) -> str | None:
    """The first string (key or value) holding a lone UTF-16 surrogate: valid JSON escapes, not text."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and not is_text(item):
            return item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def read_body(
    request: HttpRequest,
    max_bytes: int = MAX_BODY_BYTES,
    media_types: tuple[str, ...] = ("application/json",),
) -> tuple[object, JsonResponse | None]:
    """The JSON value of the body, or the 413/415/422 answer that explains why it cannot be used."""
    media_type = (request.content_type or "").split(";", 1)[0].strip().lower()
    declared = request.META.get("CONTENT_LENGTH") or ""
    has_body = declared.isdigit() and int(declared) > 0  # no body, no media type: the 422 says "got nothing"
    if media_type not in media_types and has_body:
        wanted = " or ".join(media_types)
        message = f"send the body as {wanted} (Content-Type was {media_type or 'missing'})"
        return None, field_error(415, "Content-Type", message)
    too_big = field_error(413, "body", f"the body is larger than {max_bytes // 1024} KB")
    if declared.isdigit() and int(declared) > max_bytes:
        return None, too_big
    raw = request.read(max_bytes + 1)
    if len(raw) > max_bytes:
        return None, too_big
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, field_error(422, "body", "the body is not UTF-8 text")
    value, errors = parse_request(text, noun="body", where="in the body")
    if errors:
        return None, error_response(422, errors)
    if _lone_surrogate(value) is not None:
        message = (
            "the body has a \\uD800–\\uDFFF escape that is not part of a surrogate pair, so it is not text"
        )
        return None, field_error(422, "body", message)
    return value, None


def answer(
    request: HttpRequest,
    compute: Callable[[object], dict[str, Any]],
    *,
    content_type: str = "application/json",
    max_bytes: int = MAX_BODY_BYTES,
    media_types: tuple[str, ...] = ("application/json",),
) -> HttpResponse:
    """`compute`'s answer to the body, never cached, or the refusal (413/415/422) that says why not."""
    body, problem = read_body(request, max_bytes, media_types)
    if problem is not None:
        return problem
    try:
        result = compute(body)
    except InvalidInput as invalid:
        return error_response(422, invalid.errors)
    response = JsonResponse(result, json_dumps_params={"ensure_ascii": False}, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response
