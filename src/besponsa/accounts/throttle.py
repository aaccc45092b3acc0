"""Sign-in throttling in Django's cache: per account and per client address, fixed 15-minute windows.

Each failure increments two counters (one keyed by the typed email, one by the client address).
The first failure opens the window; once either counter reaches the limit, every attempt for that
account or from that address is refused with 429 until the counter's window expires. `cache.incr`
is atomic on Redis and locked in the local-memory cache, so concurrent guesses are all counted.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


def limit() -> int:
    return int(getattr(settings, "LOGIN_FAILURE_LIMIT", 5))


def window_seconds() -> int:
    return int(getattr(settings, "LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60))


def _keys(email: str, ip: str | None) -> list[str]:
    keys = ["signin-fail:acct:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()]
    if ip:
        keys.append("signin-fail:ip:" + ip)
    return keys


@dataclass(frozen=True)
class Lock:
    retry_after: int  # seconds until the window that caused the lock passes


def _lock_for(key: str) -> Lock | None:
    count = cache.get(key)
    if count is None or int(count) < limit():
        return None
    started = cache.get(key + ":start") or time.time()
    return Lock(retry_after=max(1, int(float(started) + window_seconds() - time.time())))


def check(email: str, ip: str | None) -> Lock | None:
    """The lock that applies to this attempt, if any (the longest when both apply)."""
    locks = [lock for key in _keys(email, ip) if (lock := _lock_for(key)) is not None]
    return max(locks, key=lambda lock: lock.retry_after) if locks else None


def register_failure(email: str, ip: str | None) -> bool:
    """Counts a failure; True if this failure is the one that locks the account or the address."""
    reached = False
    for key in _keys(email, ip):
        if cache.add(key, 0, timeout=window_seconds()):
            cache.set(key + ":start", time.time(), timeout=window_seconds())
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: start a new window
            cache.set(key, 1, timeout=window_seconds())
            cache.set(key + ":start", time.time(), timeout=window_seconds())
            count = 1
        reached = reached or count == limit()
    return reached


def clear_account(email: str) -> None:
    """A successful sign-in forgives the account's failures (not the address's)."""
    key = _keys(email, None)[0]
    cache.delete_many([key, key + ":start"])


# Emails the site sends on a visitor's request (verification, password reset, email change) are
# limited too, so the forms cannot be used to flood someone's inbox: per address and per client.
EMAIL_LIMIT_PER_ADDRESS = 3
EMAIL_LIMIT_PER_CLIENT = 10


def email_request(address: str, ip: str | None) -> Lock | None:
    """Counts one request to send `address` an email; the lock if this request is over a limit."""
    limits = [("email-req:addr:" + hashlib.sha256(address.strip().lower().encode()).hexdigest(),
               EMAIL_LIMIT_PER_ADDRESS)]  # fmt: skip
    if ip:
        limits.append(("email-req:ip:" + ip, EMAIL_LIMIT_PER_CLIENT))
    locks = []
    for key, allowed in limits:
        if cache.add(key, 0, timeout=window_seconds()):
            cache.set(key + ":start", time.time(), timeout=window_seconds())
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=window_seconds())
            cache.set(key + ":start", time.time(), timeout=window_seconds())
            count = 1
        if count > allowed:
            started = cache.get(key + ":start") or time.time()
            locks.append(Lock(retry_after=max(1, int(float(started) + window_seconds() - time.time()))))
    return max(locks, key=lambda lock: lock.retry_after) if locks else None
