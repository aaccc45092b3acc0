"""One call for "what a public page serves may have changed": a new page-cache generation, now and again
when the current transaction commits (besponsa.portal.pagecache.bump_generation)."""

from __future__ import annotations


def bump() -> None:
    from besponsa.portal.pagecache import bump_generation

    bump_generation()
