"""One call for "what a public page serves may have changed": the page cache starts a new generation
once the current transaction commits (so no worker can re-cache the old state in between)."""

from __future__ import annotations

from django.db import transaction


def bump() -> None:
    # The serving branch's besponsa.portal.pagecache.bump_generation() replaces this call at merge; it
    # registers itself with on_commit the same way.
    from besponsa.portal.middleware import invalidate_page_cache

    transaction.on_commit(invalidate_page_cache)
