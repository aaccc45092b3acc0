"""gunicorn settings: `gunicorn -c python:besponsa.project.gunicorn besponsa.project.wsgi:application`.

Workers start warm: the application is imported once in the master before forking (`preload_app`), and
each worker renders every page type once (`post_worker_init`) before it accepts its first request, so no
visitor pays a worker's first render (templates compiled, figures built, the page cache filled).
"""

from __future__ import annotations

import gc
import logging
import os
import time
from typing import Any

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
preload_app = True
# The access log (when --access-logfile or a log config enables it) is written without query strings,
# credentials, tokens or email addresses, whatever --access-logformat asks for (accounts/gunicornlog.py).
logger_class = "besponsa.accounts.gunicornlog.RedactingLogger"
# Database connections must not cross a fork: nothing in the master opens one (the warm-up runs in
# each worker, after the fork).

WARM_UP_SECONDS = float(os.environ.get("WARM_UP_SECONDS", "30"))
log = logging.getLogger("besponsa.warmup")


def post_worker_init(worker: Any) -> None:
    """Renders each page type once in this worker; a failure is logged, never fatal (the worker still
    serves: a page that cannot render now answers as it would have anyway)."""
    started = time.monotonic()
    # The Host headers visitors will send: the public name, and this server's own address (direct use).
    hosts = [os.environ.get("WARM_UP_HOST", "")]
    hosts += [f"{a[0]}:{a[1]}" for a in worker.cfg.address if isinstance(a, tuple)]  # not unix sockets
    try:
        rendered = warm_up([h for h in hosts if h], deadline=started + WARM_UP_SECONDS)
    except Exception:
        log.exception("warm-up failed; the worker starts cold")
        return
    finally:
        settle_memory()
    worker.log.info("warm-up: %d pages in %.2f s", rendered, time.monotonic() - started)


def settle_memory() -> None:
    """A full garbage collection walks every object the worker holds: some 300,000 after the warm-up,
    about 150 ms, which the worker's first visitors paid (the bench saw a first uncached page at 30 times
    a warm one). So collect once now, and freeze what survives (the app, its caches, the warm-up's
    memoized pages and figures): later collections skip those objects (Python's `gc.freeze`)."""
    gc.collect()
    gc.freeze()


def warm_up(hosts: list[str], deadline: float) -> int:
    from django.conf import settings
    from django.core import signing
    from django.db import close_old_connections
    from django.http.request import validate_host
    from django.test import Client

    from besponsa.portal import gate
    from besponsa.portal.warmup import warm_paths, warm_posts

    allowed = [h for h in settings.ALLOWED_HOSTS if h != "*"]
    hosts = [h for h in hosts if validate_host(h.rsplit(":", 1)[0].strip("[]"), settings.ALLOWED_HOSTS)]
    hosts = hosts or allowed[:1]
    signed = signing.get_cookie_signer(salt=gate.COOKIE_NAME + gate.COOKIE_SALT).sign("yes")
    rendered = 0
    try:
        for host in hosts:
            client = Client(HTTP_HOST=host, raise_request_exception=False)
            client.cookies[gate.COOKIE_NAME] = signed
            # The port gunicorn will report for this Host header, so that what is kept per address (the
            # page routes of portal.routing) is kept for the address visitors use.
            environ: dict[str, Any] = {"HTTP_ACCEPT_ENCODING": "gzip", **_server_port(host)}
            for path in warm_paths():
                if time.monotonic() > deadline:
                    return rendered
                response = client.get(path, secure=settings.PRODUCTION, **environ)
                rendered += 1
                if response.has_header("X-Page-Cache"):
                    # Served from a page cache that another worker filled (Redis is shared): render
                    # the page here too, past the cache (a query parameter of no meaning keeps it
                    # out), or this worker's first visitor of an uncached page builds its figures.
                    joiner = "&" if "?" in path else "?"
                    client.get(f"{path}{joiner}warm-up=1", secure=settings.PRODUCTION, **environ)
            for path, fields in warm_posts():
                if time.monotonic() > deadline:
                    return rendered
                client.post(path, fields, secure=settings.PRODUCTION, **environ)
                rendered += 1
    finally:
        close_old_connections()
    return rendered


def _server_port(host: str) -> dict[str, str]:
    """SERVER_PORT as gunicorn sets it from a Host header that names a port ("127.0.0.1:8000",
    "[::1]:8000"); nothing for a bare name (the scheme's port, as the test client sets it)."""
    name, colon, port = host.rpartition(":")
    if not colon or not port.isdigit() or (name.startswith("[") != name.endswith("]")):
        return {}
    return {"SERVER_PORT": port}
