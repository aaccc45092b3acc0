"""What every API call passes before an operation runs: body size, JSON shape, and the per-client rate.

Kept apart from the endpoints so the limits are written once and documented in docs/api.md.
"""

from __future__ import annotations

import math
import time
from typing import Final

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, JsonResponse

from besponsa.clinical.errors import FieldError
from besponsa.clinical.jsonbody import parse_request

MAX_BODY_BYTES: Final = 32 * 1024
RATE_WINDOW_SECONDS: Final = 60
DEFAULT_RATE_LIMIT_PER_MINUTE: Final = 120
DEFAULT_TOKEN_RATE_LIMIT_PER_MINUTE: Final = 600


def error_response(status: int, errors: list[FieldError], **headers: str) -> JsonResponse:
    response = JsonResponse({"errors": errors}, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    response["Cache-Control"] = "no-store"
    return response


def rate_limit_per_minute() -> int:
    return int(getattr(settings, "API_RATE_LIMIT_PER_MINUTE", DEFAULT_RATE_LIMIT_PER_MINUTE))


def client_key(request: HttpRequest) -> str:
    # REMOTE_ADDR is the peer address; behind a proxy the deployment must make it the client's
    # (docs/api.md): trusting X-Forwarded-For here would let any caller choose its own bucket.
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def token_rate_limit_per_minute() -> int:
    return int(getattr(settings, "API_TOKEN_RATE_LIMIT_PER_MINUTE", DEFAULT_TOKEN_RATE_LIMIT_PER_MINUTE))


def _bucket(request: HttpRequest) -> tuple[str, int, str] | JsonResponse:
    """Whose window a call counts in: a verified HCP's token (higher limit) or the client address."""
    header = request.headers.get("Authorization", "")
    if not header:
        return f"ip:{client_key(request)}", rate_limit_per_minute(), "from one client"
    scheme, _, raw = header.partition(" ")
    from besponsa.accounts import throttle  # the accounts app owns tokens and their throttle
    from besponsa.accounts.access import authenticate_api_token

    # Counted before the lookup and given back when the token is good, so parallel guesses from one
    # address cannot all slip under the limit.
    slot = throttle.api_token_begin(client_key(request))
    if isinstance(slot, throttle.Lock):
        message = f"too many unusable API tokens from this client; try again in {slot.retry_after} s"
        return error_response(
            429, [{"field": "Authorization", "message": message}], Retry_After=str(slot.retry_after)
        )
    user = authenticate_api_token(raw.strip()) if scheme.lower() == "bearer" else None
    if user is not None:
        throttle.api_token_valid(slot)
    else:
        message = "the API token is unknown, revoked, or belongs to an account that is not verified"
        return error_response(
            401, [{"field": "Authorization", "message": message}], WWW_Authenticate='Bearer realm="besponsa"'
        )
    return f"user:{user.pk}", token_rate_limit_per_minute(), "with one API token"


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


def check_rate(request: HttpRequest) -> JsonResponse | None:
    """A fixed one-minute window per client address (or per HCP API token, at a higher limit) in the
    shared cache; 429 with Retry-After when full, 401 for a token that cannot be used."""
    bucket = _bucket(request)
    if isinstance(bucket, JsonResponse):
        return bucket
    who, limit, per = bucket
    now = time.time()
    window = int(now // RATE_WINDOW_SECONDS)
    count = _count(f"api-rate:{who}:{window}")
    if count <= limit:
        return None
    retry_after = max(1, math.ceil((window + 1) * RATE_WINDOW_SECONDS - now))
    return error_response(
        429,
        [
            {
                "field": "body",
                "message": f"too many requests: at most {limit} calls a minute {per}; "
                f"try again in {retry_after} s",
            }
        ],
        Retry_After=str(retry_after),
    )


def _lone_surrogate(value: object) -> str | None:
    """The first string (key or value) holding a lone UTF-16 surrogate: valid JSON escapes, not text."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
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
        return None, error_response(415, [{"field": "Content-Type", "message": message}])
    too_big = error_response(
        413, [{"field": "body", "message": f"the body is larger than {max_bytes // 1024} KB"}]
    )
    if declared.isdigit() and int(declared) > max_bytes:
        return None, too_big
    raw = request.read(max_bytes + 1)
    if len(raw) > max_bytes:
        return None, too_big
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, _body_problem("the body is not UTF-8 text")
    value, errors = parse_request(text, noun="body", where="in the body")
    if errors:
        return None, error_response(422, errors)
    if _lone_surrogate(value) is not None:
        message = (
            "the body has a \\uD800–\\uDFFF escape that is not part of a surrogate pair, so it is not text"
        )
        return None, _body_problem(message)
    return value, None


def _body_problem(message: str) -> JsonResponse:
    return error_response(422, [{"field": "body", "message": message}])
