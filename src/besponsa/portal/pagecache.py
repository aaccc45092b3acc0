"""The published-page cache: what is cached, under which generation, until when (docs/operations.md).

One generation token stands for "everything a public page may show". `bump_generation()` replaces it
whenever that may have changed (a publish, an approval withdrawn, a privacy change...); an entry records
the token it was rendered under and is served only while the token is unchanged, and never after its
`cache_not_after` instant (the earliest approval expiry of what the page shows).

Two stores, chosen by settings:

- **Local** (default, no Redis): entries live in each worker's memory (an LRU bounded in entries and
  bytes); the token is the modification time of a stamp file under VAR_DIR, read with one `os.stat` per
  cacheable request, so a bump by any process is seen by every worker on its very next request.
- **Redis** (`PAGE_CACHE_REDIS_URL`, default `REDIS_URL`): the token and the entry come back in ONE
  `MGET`; one connection pool per process, and the reads every request makes go over a connection
  each thread keeps. Any Redis error opens a short circuit breaker: the cache is
  bypassed (pages are rendered, never served stale) until Redis answers again, and the first process to
  reach it again replaces the token, in case a bump was lost during the outage.

Static files, /healthz, the API and the admin never touch a store; nor, after their first answer in a
process, do other views that are not cacheable pages (the framework floor, forms).
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime
import fcntl
import gzip
import hashlib
import logging
import os
import pickle
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone

log = logging.getLogger("besponsa.pagecache")


class Unavailable(Exception):
    """The shared store cannot be used right now: serve without the cache."""


@dataclass(frozen=True, slots=True)
class Entry:
    generation: str
    not_after: float  # epoch seconds: never served at or after this instant
    headers: tuple[tuple[str, str], ...]
    body: bytes
    gzipped: bytes

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped) + 512


def compress(body: bytes) -> bytes:
    # mtime=0: the same page always compresses to the same bytes (stable ETags, comparable sizes).
    return gzip.compress(body, compresslevel=6, mtime=0)


class Store(Protocol):
    kind: str

    def generation(self) -> str: ...
    def lookup(self, key: str, gzipped: bool = False) -> tuple[str, Entry | None]: ...
    def save(self, key: str, entry: Entry, ttl: float) -> None: ...
    def bump(self) -> None: ...
    def begin_render(self, key: str) -> bool: ...
    def end_render(self, key: str) -> None: ...
    def clear(self) -> None: ...
    def status(self) -> str: ...


class LocalStore:
    """Entries in this process's memory; the generation in a stamp file shared by the machine's workers."""

    kind = "local"

    def __init__(self, stamp: Path, max_entries: int, max_bytes: int) -> None:
        self.stamp = stamp
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._rendering: set[str] = set()

    def generation(self) -> str:
        try:
            return str(os.stat(self.stamp).st_mtime_ns)
        except FileNotFoundError:
            self.bump()
            return str(os.stat(self.stamp).st_mtime_ns)

    def lookup(self, key: str, gzipped: bool = False) -> tuple[str, Entry | None]:
        generation = self.generation()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        return generation, entry

    def save(self, key: str, entry: Entry, ttl: float) -> None:
        if entry.size > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._entries[key] = entry
            self._bytes += entry.size
            while self._entries and (len(self._entries) > self.max_entries or self._bytes > self.max_bytes):
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= evicted.size

    def bump(self) -> None:
        """Sets the stamp's mtime to a value no earlier process has used: strictly increasing under a
        file lock, so two bumps in the same clock tick still give two different generations."""
        self.stamp.parent.mkdir(parents=True, exist_ok=True)
        with open(self.stamp.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                previous = os.stat(self.stamp).st_mtime_ns
            except FileNotFoundError:
                previous = 0
                self.stamp.touch()
            moment = max(time.time_ns(), previous + 1000)
            os.utime(self.stamp, ns=(moment, moment))

    def begin_render(self, key: str) -> bool:
        with self._lock:
            if key in self._rendering:
                return False
            self._rendering.add(key)
            return True

    def end_render(self, key: str) -> None:
        with self._lock:
            self._rendering.discard(key)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def status(self) -> str:
        return "local"

    @property
    def entry_count(self) -> int:
        return len(self._entries)

    @property
    def byte_count(self) -> int:
        return self._bytes


class RedisStore:
    """Generation and entries in Redis, shared by every worker on every machine."""

    kind = "redis"
    PREFIX = "besponsa:pagecache:"

    def __init__(self, url: str, timeout: float, breaker_seconds: float, lock_seconds: float) -> None:
        import redis

        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        # One pool per process (redis-py re-creates its connections after a fork), one client over it.
        pool = redis.ConnectionPool.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout, max_connections=64
        )
        self._client = redis.Redis(connection_pool=pool)
        self._pool = pool
        self._own = threading.local()  # this thread's connection for the per-request reads (`_read`)
        self.breaker_seconds = breaker_seconds
        self.lock_ms = int(lock_seconds * 1000)
        self._open_until = 0.0
        self._last_contact = 0.0
        self._failed = False
        self._retry: threading.Thread | None = None
        self.generation_key = self.PREFIX + "generation"

    # --- the circuit breaker -----------------------------------------------------------------------

    def _call(self, operation: str, *args: Any, **kwargs: Any) -> Any:
        return self._run(lambda: getattr(self._client, operation)(*args, **kwargs))

    def _run(self, action: Any) -> Any:
        if time.monotonic() < self._open_until:
            raise Unavailable("circuit open")
        try:
            if self._failed:
                # Back after an outage: a bump may have been lost meanwhile (ours or another process's),
                # so start a new generation BEFORE reading anything that was stored under the old one.
                self._client.set(self.generation_key, uuid.uuid4().hex)
                self._failed = False
                log.warning("page cache: Redis reachable again; started a new generation")
            result = action()
        except self._errors as error:
            self._trip(error)
            raise Unavailable(str(error)) from error
        self._last_contact = time.monotonic()
        return result

    def _trip(self, error: BaseException) -> None:
        if not self._failed:
            log.warning("page cache: Redis unreachable (%s); serving uncached pages", type(error).__name__)
        self._failed = True
        self._open_until = self._last_contact = time.monotonic() + self.breaker_seconds

    def _read(self, *command: str) -> Any:
        """A read every page request makes (the generation, a page lookup), on a connection this thread
        keeps: the client's per-command work (a pool checkout and return under a lock, retries, the
        response callbacks) costs about as much CPU as the read itself (a GET: 75 µs through the
        client, ~40 µs on the kept connection, on this machine). Errors go through the same circuit
        breaker as every other command; a connection that failed is closed and opened again on the
        next read."""

        def send() -> Any:
            held = getattr(self._own, "connection", None)
            if held is None or held[0] != os.getpid():  # none yet, or inherited across a fork
                held = (os.getpid(), self._pool.get_connection())
                self._own.connection = held
            connection = held[1]
            try:
                connection.send_command(*command)
                return connection.read_response()
            except BaseException:
                connection.disconnect()
                raise

        return self._run(send)

    # --- the store -----------------------------------------------------------------------------------

    def _page_key(self, key: str) -> str:
        return self.PREFIX + "page:" + hashlib.sha256(key.encode()).hexdigest()

    def generation(self) -> str:
        raw = self._read("GET", self.generation_key)
        if raw is None:
            self._call("set", self.generation_key, uuid.uuid4().hex, nx=True)
            raw = self._call("get", self.generation_key)
            if raw is None:
                raise Unavailable("no generation")
        return str(raw.decode())

    def lookup(self, key: str, gzipped: bool = False) -> tuple[str, Entry | None]:
        """One MGET: the generation and the one variant (gzip or plain) this client will be sent."""
        variant = self._page_key(key) + (":gz" if gzipped else ":plain")
        generation, raw = self._read("MGET", self.generation_key, variant)
        if generation is None:
            self._call("set", self.generation_key, uuid.uuid4().hex, nx=True)
            generation = self._call("get", self.generation_key)
            if generation is None:
                raise Unavailable("no generation")
            return generation.decode(), None
        try:
            entry = pickle.loads(raw) if raw is not None else None  # noqa: S301 (our own Redis and entries)
        except Exception:  # an entry written by another release of this code: render the page again
            entry = None
        return generation.decode(), entry

    def save(self, key: str, entry: Entry, ttl: float) -> None:
        """Each variant under its own key, so that a hit moves only the bytes it sends."""
        base, ms = self._page_key(key), max(1, int(ttl * 1000))
        plain, packed = dataclasses.replace(entry, gzipped=b""), dataclasses.replace(entry, body=b"")
        pipe = self._client.pipeline(transaction=False)
        pipe.set(base + ":plain", pickle.dumps(plain), px=ms)
        pipe.set(base + ":gz", pickle.dumps(packed), px=ms)
        self._run(pipe.execute)

    def bump(self) -> None:
        try:
            self._call("set", self.generation_key, uuid.uuid4().hex)
        except Unavailable:
            self._retry_bump_later()

    def _retry_bump_later(self) -> None:
        """Keeps trying while an entry could still be alive (PAGE_CACHE_SECONDS), in the background."""
        if self._retry is not None and self._retry.is_alive():
            return
        deadline = time.monotonic() + settings.PAGE_CACHE_SECONDS

        def retry() -> None:
            while time.monotonic() < deadline:
                time.sleep(self.breaker_seconds)
                try:
                    self._client.set(self.generation_key, uuid.uuid4().hex)
                    return
                except self._errors:
                    continue

        self._retry = threading.Thread(target=retry, name="pagecache-bump-retry", daemon=True)
        self._retry.start()

    def begin_render(self, key: str) -> bool:
        try:
            return bool(
                self._call("set", self._page_key(key) + ":lock", os.getpid(), nx=True, px=self.lock_ms)
            )
        except Unavailable:
            return True

    def end_render(self, key: str) -> None:
        with contextlib.suppress(Unavailable):
            self._call("delete", self._page_key(key) + ":lock")

    def clear(self) -> None:
        with contextlib.suppress(Unavailable):
            self._call("set", self.generation_key, uuid.uuid4().hex)

    def close(self) -> None:
        self._client.connection_pool.disconnect()

    def status(self) -> str:
        """From this process's own experience; a quiet process pings at most once per breaker period,
        so /healthz reports an outage without costing a round trip per call."""
        if time.monotonic() - self._last_contact > self.breaker_seconds:
            with contextlib.suppress(Unavailable):
                self._call("ping")
        return "degraded" if self._failed else "ok"


_store: Store | None = None
_store_lock = threading.Lock()


def store() -> Store:
    global _store
    if _store is None:
        with _store_lock:
            if _store is None:
                _store = _build_store()
    return _store


def _build_store() -> Store:
    url = settings.PAGE_CACHE_REDIS_URL
    if url:
        return RedisStore(
            url,
            timeout=settings.PAGE_CACHE_REDIS_TIMEOUT,
            breaker_seconds=settings.PAGE_CACHE_BREAKER_SECONDS,
            lock_seconds=settings.PAGE_CACHE_LOCK_SECONDS,
        )
    return LocalStore(
        Path(settings.VAR_DIR) / "pagecache.generation",
        max_entries=settings.PAGE_CACHE_MAX_ENTRIES,
        max_bytes=settings.PAGE_CACHE_MAX_BYTES,
    )


def reset() -> None:
    """Forgets the store (tests that change settings); the next request builds it again."""
    global _store
    _store = None
    forget_paths()


def forget_paths() -> None:
    _cacheable_paths.clear()
    _not_a_page.clear()
    _derived.clear()


def _bump_now() -> None:
    store().bump()
    if _request_generation.get() != _NOT_IN_REQUEST:
        _request_generation.set(None)  # this request reads the new generation from now on


def bump_generation() -> None:
    """Every cached page goes stale: call it whenever anything a public page shows may change.

    Bumps now and again when the surrounding transaction commits: a worker that renders between the two
    (and so may see the old rows) stores its copy under the first new generation, which the second
    bump retires."""
    _bump_now()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_bump_now)


def clear() -> None:
    """Empties this process's entries and starts a new generation (tests; `manage.py` tasks)."""
    current = store()
    current.clear()
    current.bump()
    forget_paths()


# --- values derived from public content, computed once per generation ---------------------------------

T = TypeVar("T")
MAX_DERIVED = 256
_derived: dict[str, tuple[tuple[str, Hashable], Any]] = {}
_derived_lock = threading.Lock()
# The generation as first read during the current request (PageCacheMiddleware opens and closes the
# scope), so that the values one request derives cost one generation read between them, not one each.
_NOT_IN_REQUEST = "-"
_request_generation: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "pagecache_request_generation", default=_NOT_IN_REQUEST
)


@contextlib.contextmanager
def request_scope() -> Iterator[None]:
    token = _request_generation.set(None)
    try:
        yield
    finally:
        _request_generation.reset(token)


def _generation_for_derived() -> str:
    seen = _request_generation.get()
    if seen is not None and seen != _NOT_IN_REQUEST:
        return seen
    generation = store().generation()
    if seen is None:
        _request_generation.set(generation)
    return generation


def per_generation(name: str, compute: Callable[[], T], also: Hashable = None) -> T:
    """`compute()` once per generation (and per value of `also`, e.g. the day) in this process: for what
    public content yields and every page request would otherwise rebuild (which pages may be listed,
    the live ISI, the site contacts). The same bump that retires cached pages retires these values,
    and the generation is read before computing, so a bump during the computation retires its result
    too. When the store is unavailable the value is computed afresh each time, never served stale."""
    try:
        tag = (_generation_for_derived(), also)
    except Unavailable:
        return compute()
    with _derived_lock:
        known = _derived.get(name)
    if known is not None and known[0] == tag:
        return known[1]
    value = compute()
    with _derived_lock:
        if len(_derived) >= MAX_DERIVED:
            _derived.clear()
        _derived[name] = (tag, value)
    return value


MAX_PER_FAMILY = 512
_MISSING = object()


def per_generation_each(name: str, key: Hashable, compute: Callable[[], T], also: Hashable = None) -> T:
    """`per_generation` for a family of values, one per `key` (a page, a path): each is computed once
    per generation (and value of `also`) in this process. The family lives under the one name `name`, so
    a site with many pages never crowds the other derived values out; it keeps at most MAX_PER_FAMILY
    values (it starts again when full), so keys taken from requests cannot grow it without bound."""
    family: dict[Hashable, Any] = per_generation(name, dict, also=also)
    found = family.get(key, _MISSING)
    if found is not _MISSING:
        return found
    value = compute()
    if len(family) >= MAX_PER_FAMILY:
        family.clear()
    family[key] = value
    return value


def status() -> str:
    """For /healthz, without a round trip: "local", "ok" or "degraded" (Redis failing, cache bypassed)."""
    return store().status()


# --- which requests may use the cache ----------------------------------------------------------------

# Marketing tags that do not change what a page shows: dropped from the key. Any other parameter means
# the page is served uncached, so query strings cannot flood the cache.
IGNORED_QUERY_PARAMETERS = frozenset(
    {"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "gclid", "fbclid"}
)
# Areas that never hold a cacheable page: their requests never reach a store.
UNCACHED_PREFIXES = ("/api/", "/healthz", "/static/", "/media/", "/cms/", "/django-admin/", "/_util/")
# Per process: paths that answered 200 with something not cacheable (a form, the framework floor...) are
# not looked up again for a minute; paths that produced a cached page may take the single-flight lock.
NOT_A_PAGE_SECONDS = 60.0
MAX_KNOWN_PATHS = 10_000
_not_a_page: dict[str, float] = {}
_cacheable_paths: set[str] = set()


def cache_key(host: str, path: str, query: Any) -> str | None:
    """The entry key for a request, or None when it never uses the cache: an uncached area, a path
    recently seen answering with something else than a page, or a query parameter other than the
    marketing tags (so query strings cannot flood the cache)."""
    if path.startswith(UNCACHED_PREFIXES) or any(name not in IGNORED_QUERY_PARAMETERS for name in query):
        return None
    until = _not_a_page.get(path)
    if until is not None and until > time.monotonic():
        return None
    return f"{host}{path}"


def remember_not_a_page(path: str) -> None:
    if len(_not_a_page) >= MAX_KNOWN_PATHS:
        _not_a_page.clear()
    _not_a_page[path] = time.monotonic() + NOT_A_PAGE_SECONDS


def is_known_page(path: str) -> bool:
    return path in _cacheable_paths


def remember_page(path: str) -> None:
    if len(_cacheable_paths) >= MAX_KNOWN_PATHS:
        _cacheable_paths.clear()
    _cacheable_paths.add(path)


# --- how long a page may be cached ------------------------------------------------------------------


def expiry_instant(day: datetime.date) -> datetime.datetime:
    """The moment an approval lapses: the start of its expiry date in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def serving_deadline(*contents: Any) -> datetime.datetime | None:
    """The earliest approval expiry among `contents` (pages, the ISI): a cached copy of a response that
    shows them must not be served from then on. None when none of them has an approval on record."""
    from wagtail.models import Page

    from besponsa.compliance.models import Approval

    page_ids = [c.pk for c in contents if isinstance(c, Page) and c.pk]
    isi_ids = [c.pk for c in contents if c is not None and not isinstance(c, Page) and c.pk]
    days = list(Approval.objects.filter(page_id__in=page_ids).values_list("expires_on", flat=True)) + list(
        Approval.objects.filter(isi_id__in=isi_ids).values_list("expires_on", flat=True)
    )
    return expiry_instant(min(days)) if days else None


def now() -> float:
    """The clock entries are checked against (a function so tests can move it)."""
    return time.time()
