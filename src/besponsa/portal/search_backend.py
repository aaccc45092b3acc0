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
every search.

On SQLite the backend's statement ranks with a correlated subquery: the full-text match runs once to
find the pages and once more for each page found, to read its score (about 0.36 ms for a word that
matches nine pages, more than the rest of the view's own work). `_single_pass` rewrites that one
statement shape so the match runs once and gives the ids and scores together (0.07 ms): the same
match expression, score expression, content types and order, taken from the backend's own statement.
Any other shape is kept as the backend built it. tests/portal/test_search.py checks every query shape
against the backend's own results, in order."""

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
    sqlite = connections[queryset.db].vendor == "sqlite"
    if not sqlite:
        # Only the ids: PostgreSQL's statement otherwise also selects each page's whole text vector,
        # which the client receives and parses (a third of the statement's CPU) to throw away.
        queryset = queryset.values_list("pk", flat=True)
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    first = compiler.select[0][0] if compiler.select else None
    if getattr(first, "target", None) != Page._meta.pk or STAND_IN.search(sql):
        return None
    params = list(params)
    if sqlite:
        sql, params = _single_pass(sql, params) or (sql, params)
    with_words = tuple(i for i, p in enumerate(params) if isinstance(p, str) and STAND_IN.search(p))
    seen = {int(n) for i in with_words for n in STAND_IN.findall(params[i])}
    if seen != set(range(runs)):
        return None
    return Statement(queryset.db, sql, tuple(params), with_words)


# Wagtail's SQLite statement for `Page.objects.search()`: the pages whose index entry matches, each
# scored by a correlated subquery that repeats the match (score and filter as the backend wrote them).
_SQLITE_RANKED = re.compile(
    r'SELECT "wagtailcore_page"\."id", \(SELECT (?P<score>.+) AS "score" FROM (?P<source>.+?) '
    r'WHERE \((?P<where>.+) AND U1\."object_id" = \("wagtailcore_page"\."id"\)\) LIMIT 1\) AS "_score" '
    r'FROM "wagtailcore_page" WHERE "wagtailcore_page"\."id" IN \(SELECT U1\."object_id" AS '
    r'"index_entry__object_id" FROM (?P=source) WHERE \((?P=where)\)\) '
    r'ORDER BY 2 ASC, "wagtailcore_page"\."id" DESC',
    re.DOTALL,
)


def _single_pass(sql: str, params: list[Any]) -> tuple[str, list[Any]] | None:
    """The backend's SQLite statement with its match run once (see the module's docstring), or None
    for any other statement. Same rows, same order: ascending score (SQLite's bm25 is lower for better
    matches), then descending page id; only entries of existing pages, as the backend's IN clause."""
    found = _SQLITE_RANKED.fullmatch(sql)
    if found is None:
        return None
    score_params = found["score"].count("%s")
    where_params = found["where"].count("%s")
    first = params[: score_params + where_params]
    if len(params) != len(first) + where_params or params[len(first) :] != first[score_params:]:
        return None
    # The pieces are the backend's own SQL text, built for stand-in words and checked free of them
    # (`_prepare`): a search's words travel only as parameters.
    single = (
        f'SELECT "wagtailcore_page"."id", {found["score"]} AS "score" FROM {found["source"]} '  # noqa: S608
        f'INNER JOIN "wagtailcore_page" ON ("wagtailcore_page"."id" = CAST(U1."object_id" AS INTEGER)) '
        f'WHERE ({found["where"]}) ORDER BY 2 ASC, "wagtailcore_page"."id" DESC'
    )
    return single, first


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
        # dict: a page indexed twice (never, as Wagtail indexes a page under its own type) counts once
        return list(dict.fromkeys(row[0] for row in cursor.fetchall()))
