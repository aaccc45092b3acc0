"""The search backend's matches for a query: the ids of the pages it finds, best first.

The backend (SQLite FTS5 by default, PostgreSQL full text in the PostgreSQL deployment) builds its
statement with the ORM on every search: a dozen filter, annotate and subquery clones that cost several
times what the database then spends answering it. The statement's SQL depends only on the query's
shape (how many words, where the hyphens are), not on the words themselves, which travel as
parameters. So the backend builds it once per shape and page-cache generation, for stand-in words,
and each search runs that same SQL with its own words put in place of the stand-ins: the backend's
own match, ranking and order, without the ORM's building cost. A statement the stand-ins cannot be
traced through (the words in the SQL text rather than its parameters, another backend) is not kept,
and that search goes through the backend as usual. Results are never cached: the database answers
every search."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import connections

from besponsa.portal import pagecache

# What neither backend ever splits or rewrites: runs of characters other than spaces and hyphens
# (SQLite splits terms on spaces, PostgreSQL on spaces and hyphens; `search.backend_query` has already
# removed the quotes and backslashes that either would escape).
RUN = re.compile(r"[^\s\-]+")
PLAIN_WORDS = re.compile(r"[\w.\-/%+ ]+")
STAND_IN = re.compile(r"zzqw(\d+)qz")
MAX_SHAPES = 64


@dataclass(frozen=True, slots=True)
class Statement:
    using: str
    sql: str
    params: tuple[Any, ...]
    with_words: tuple[int, ...]  # positions of the parameters that hold stand-ins


def _stand_in(index: int) -> str:
    return f"zzqw{index}qz"


def _shape(words: str) -> tuple[str, list[str]]:
    """The query with each run replaced by a numbered stand-in, and the runs in order."""
    runs: list[str] = []

    def replace(match: re.Match[str]) -> str:
        runs.append(match.group(0))
        return _stand_in(len(runs) - 1)

    return RUN.sub(replace, words), runs


def _backend_ids(words: str) -> list[int]:
    from wagtail.models import Page

    return [page.pk for page in Page.objects.only("pk").search(words)]


def _prepare(shape: str, runs: int) -> Statement | None:
    """The backend's statement for `shape`, or None when it cannot be reused for other words."""
    from wagtail.models import Page

    results = Page.objects.only("pk").search(shape)
    if not hasattr(results, "get_queryset"):  # not a database backend: nothing to reuse
        return None
    queryset = results.get_queryset()
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    first = compiler.select[0][0] if compiler.select else None
    if getattr(first, "target", None) != Page._meta.pk or STAND_IN.search(sql):
        return None
    with_words = tuple(i for i, p in enumerate(params) if isinstance(p, str) and STAND_IN.search(p))
    seen = {int(n) for i in with_words for n in STAND_IN.findall(params[i])}
    if seen != set(range(runs)):
        return None
    return Statement(queryset.db, sql, tuple(params), with_words)


def matching_ids(words: str) -> list[int]:
    """The ids of the pages the backend matches for `words` (plain words, see `search.backend_query`),
    in its relevance order. Only ids: titles, addresses and texts are read per generation elsewhere."""
    if not words:
        return []
    if not PLAIN_WORDS.fullmatch(words):  # characters a backend would escape: let it do so
        return _backend_ids(words)
    shape, runs = _shape(words)
    statements: dict[str, Statement | None] = pagecache.per_generation("search-statements", dict)
    if shape not in statements:
        if len(statements) >= MAX_SHAPES:
            return _backend_ids(words)
        statements[shape] = _prepare(shape, len(runs))
    statement = statements[shape]
    if statement is None:
        return _backend_ids(words)
    params = list(statement.params)
    for i in statement.with_words:
        params[i] = STAND_IN.sub(lambda m: runs[int(m.group(1))], params[i])
    with connections[statement.using].cursor() as cursor:
        cursor.execute(statement.sql, params)
        return [row[0] for row in cursor.fetchall()]
