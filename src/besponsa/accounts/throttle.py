"""Throttles for guesses (passwords, API tokens) and for email requests, stored in the database.

Why the database: the page cache may evict any entry, so a throttle kept there can be flushed by
flooding the cache; and its counters would be per process in the default set-up (several gunicorn
workers with local memory). A row in `ThrottleCounter` is shared by every worker and is never evicted.

Why counting first: every attempt is counted with one conditional UPDATE (`count < limit`) *before*
the password is checked, so 50 parallel guesses check at most `limit` passwords (PostgreSQL re-reads
the row after the lock; SQLite runs one writer at a time). A success takes its count back.

Who is locked (a hospital's NAT puts hundreds of clinicians behind one address):
- the pair *account + client address* is locked after `LOGIN_FAILURE_LIMIT` failures in the window;
- the *address* alone, and the *account* alone, are only slowed: past a threshold of failures, one
  attempt at a time is let through, with a growing gap (capped), so a password sprayer or a
  distributed guesser is slowed to a crawl while nobody is locked out by someone else's typing.

The account part of every key is the identity as the database matches it: the stored email of the
one account that `email__iexact` finds, else the typed text folded the way PostgreSQL's UPPER folds
it (`ſ` → S, dotless `ı` → I), so spelling variants of one address share one counter.
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from besponsa.accounts.models import ThrottleCounter

# Past these many failures in the window, an address or an account is slowed (never locked).
ADDRESS_SLOW_AFTER = 10
ACCOUNT_SLOW_AFTER = 20
SLOW_MAX_GAP_SECONDS = 60
# Invalid API tokens one client address may present in the window before it gets 429.
API_TOKEN_FAILURE_LIMIT = 10
# Emails the site sends on a visitor's request (verification, password reset, email change).
EMAIL_LIMIT_PER_ADDRESS = 3
EMAIL_LIMIT_PER_CLIENT = 10


def limit() -> int:
    return int(getattr(settings, "LOGIN_FAILURE_LIMIT", 5))


def window_seconds() -> int:
    return int(getattr(settings, "LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60))


@dataclass(frozen=True)
class Lock:
    retry_after: int  # seconds until an attempt may run again


def normalize_identity(typed: str) -> str:
    """The typed sign-in email folded as the database's case-insensitive match folds it."""
    return unicodedata.normalize("NFKC", typed.strip()).upper().casefold()


def _key(kind: str, *parts: str) -> str:
    return kind + ":" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:48]


def _cutoff() -> tuple[datetime, datetime]:
    now = timezone.now()
    return now, now - timedelta(seconds=window_seconds())


def _take(key: str, allowed: int) -> bool:
    """Counts one attempt for `key` atomically; False (nothing counted) if `allowed` are already used."""
    now, cutoff = _cutoff()
    for _ in range(3):
        live = ThrottleCounter.objects.filter(key=key, window_started_at__gt=cutoff)
        if live.filter(count__lt=allowed).update(count=F("count") + 1):
            return True
        expired = ThrottleCounter.objects.filter(key=key, window_started_at__lte=cutoff)
        if expired.update(count=1, window_started_at=now, next_allowed_at=None):
            return True
        if live.exists():
            return False
        try:
            with transaction.atomic():
                ThrottleCounter.objects.create(key=key, count=1, window_started_at=now)
            return True
        except IntegrityError:  # created by a parallel attempt: go round and count against it
            continue
    return False


def _give_back(key: str) -> None:
    ThrottleCounter.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)


def _retry_after(key: str) -> int:
    row = ThrottleCounter.objects.filter(key=key).values("window_started_at").first()
    if row is None:
        return 1
    ends = row["window_started_at"] + timedelta(seconds=window_seconds())
    return max(1, math.ceil((ends - timezone.now()).total_seconds()))


def _slow_gate(key: str, threshold: int) -> Lock | None:
    """For a key past `threshold` failures: lets one attempt through per gap, atomically."""
    now, cutoff = _cutoff()
    row = (
        ThrottleCounter.objects.filter(key=key, window_started_at__gt=cutoff)
        .values("count", "next_allowed_at")
        .first()
    )
    if row is None or row["count"] < threshold:
        return None
    gap = min(SLOW_MAX_GAP_SECONDS, 2 ** min(row["count"] - threshold, 6))
    claimed = (
        ThrottleCounter.objects.filter(key=key)
        .filter(Q(next_allowed_at__isnull=True) | Q(next_allowed_at__lte=now))
        .update(next_allowed_at=now + timedelta(seconds=gap))
    )
    if claimed:
        return None
    waiting = ThrottleCounter.objects.filter(key=key).values_list("next_allowed_at", flat=True).first()
    seconds = (waiting - now).total_seconds() if waiting else 1
    return Lock(retry_after=max(1, math.ceil(seconds)))


def _count_failure(key: str) -> None:
    # The slowing counters count failures only; no limit applies to the counting itself.
    _take(key, allowed=2**31 - 1)


@dataclass(frozen=True)
class Attempt:
    """One password check that has been let through (and counted against the account+address pair)."""

    identity: str
    ip: str

    @property
    def pair_key(self) -> str:
        return _key("signin:pair", self.identity, self.ip)

    @property
    def address_key(self) -> str:
        return _key("signin:ip", self.ip)

    @property
    def account_key(self) -> str:
        return _key("signin:acct", self.identity)


def begin(identity: str, ip: str | None) -> Attempt | Lock:
    """Before checking a password: the attempt (counted) or the lock/slow-down that refuses it."""
    attempt = Attempt(normalize_identity(identity), ip or "-")
    for key, threshold in (
        (attempt.address_key, ADDRESS_SLOW_AFTER),
        (attempt.account_key, ACCOUNT_SLOW_AFTER),
    ):
        if (slowed := _slow_gate(key, threshold)) is not None:
            return slowed
    if not _take(attempt.pair_key, limit()):
        return Lock(retry_after=_retry_after(attempt.pair_key))
    return attempt


def succeeded(attempt: Attempt) -> None:
    """The right password: the pair's failures are forgiven (the address's and account's are not)."""
    ThrottleCounter.objects.filter(key=attempt.pair_key).delete()


def failed(attempt: Attempt) -> Lock | None:
    """A wrong password (already counted for the pair); the lock if this failure completed it."""
    _count_failure(attempt.address_key)
    _count_failure(attempt.account_key)
    count = ThrottleCounter.objects.filter(key=attempt.pair_key).values_list("count", flat=True).first()
    if count is not None and count >= limit():
        return Lock(retry_after=_retry_after(attempt.pair_key))
    return None


def api_token_begin(ip: str) -> str | Lock:
    """Before looking a bearer token up: the counted slot's key, or the lock for this address."""
    key = _key("api-token:ip", ip)
    if not _take(key, API_TOKEN_FAILURE_LIMIT):
        return Lock(retry_after=_retry_after(key))
    return key


def api_token_valid(key: str) -> None:
    """A valid token is not a guess: its slot is given back."""
    _give_back(key)


def email_request(address: str, ip: str | None) -> Lock | None:
    """Counts one request to send `address` an email; the lock if this request is over a limit."""
    limits = [(_key("email-req:addr", normalize_identity(address)), EMAIL_LIMIT_PER_ADDRESS)]
    if ip:
        limits.append((_key("email-req:ip", ip), EMAIL_LIMIT_PER_CLIENT))
    locks = [Lock(_retry_after(key)) for key, allowed in limits if not _take(key, allowed)]
    return max(locks, key=lambda lock: lock.retry_after) if locks else None
