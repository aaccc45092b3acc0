"""Database states built once per test session and copied back for each test that asks for one.

Seeding the site (Wagtail pages, revisions, the search index, generated PDFs) costs seconds; dozens of
tests start from it. So the first test that asks for a state builds it once in the test database, a
copy of the whole database is kept in a file attached to the connection, and the database is put back
as it was. Each test that asks again gets the rows copied back inside its own transaction (a few
milliseconds), so its rollback removes them like any other write. A transactional test
(`django_db(transaction=True)`) runs the builder itself, as before (its rows are committed).

Off SQLite (the `-m postgres` run), and in a run with no database test at all (then there is no test
database), there is no copy: the builder runs for each test, as it always did.

An attached database belongs to one SQLite connection, and the test process can hold more than one to
the test database: Django keeps its connections per thread, and apart while an event loop runs (the
Playwright session's loop counts as running between its calls), so a test may be on another connection
once a browser test has started. So the kept copies are attached to every connection to the test
database: to those open when a copy is made, and to each new one as it opens (`connection_created`).
"""

# ruff: noqa: S608 - table names come from the database's own catalog, never from input

from __future__ import annotations

import shutil
import sqlite3
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.signals import connection_created


def _clear_caches() -> None:
    from besponsa.portal import pagecache

    for store in caches.all():
        store.clear()
    pagecache.clear()


def _tables(db: sqlite3.Connection, schema: str = "main") -> list[str]:
    # Plain tables only: FTS5 virtual tables and their shadow tables follow their base table through
    # its triggers (Wagtail's search index), and sqlite_sequence is copied on its own.
    rows = db.execute(f"PRAGMA {schema}.table_list").fetchall()
    return sorted(name for _, name, kind, *_ in rows if kind == "table" and not name.startswith("sqlite_"))


def _copy(src: sqlite3.Connection) -> sqlite3.Connection:
    dst = sqlite3.connect(":memory:")
    src.backup(dst)
    return dst


def snapshot_of() -> sqlite3.Connection | None:
    """An in-memory copy of the test database now. None off SQLite, and None when pytest-django made no
    test database (no collected test is marked django_db): the connection then names the developer's own
    var/db.sqlite3, which must never be touched."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        return None
    connection.ensure_connection()
    return _copy(connection.connection)


class DatabaseStates:
    """The session's named states (see the module docstring); one per test process."""

    def __init__(self, directory: Path, pristine: sqlite3.Connection | None) -> None:
        self.directory = directory
        self.pristine = pristine  # the database as migrations left it (None off SQLite)
        self.changed: dict[str, list[str]] = {}
        self.attached: dict[str, Path] = {}  # schema name -> its file, attached to every connection
        self.connections: weakref.WeakSet[Any] = weakref.WeakSet()  # Django's, to the test database
        if pristine is not None:
            self.connections.add(connections[DEFAULT_DB_ALIAS])
            connection_created.connect(self._opened, weak=False, dispatch_uid=f"dbstates-{id(self)}")
            self._attach(pristine, "pristine")

    def _opened(self, sender: Any, connection: Any, **kwargs: Any) -> None:
        """connection_created: another connection to the test database gets the kept copies too."""
        if (
            connection.alias == DEFAULT_DB_ALIAS
            and connection.vendor == "sqlite"
            and connection.is_in_memory_db()
        ):
            self.connections.add(connection)
            self._attach_all(connection.connection)

    def _attach_all(self, raw: sqlite3.Connection) -> None:
        present = {row[1] for row in raw.execute("PRAGMA database_list")}
        for name, path in self.attached.items():
            if name not in present:
                raw.execute(f'ATTACH DATABASE ? AS "{name}"', [str(path)])

    @staticmethod
    def _raw() -> sqlite3.Connection:
        connection.ensure_connection()
        raw: sqlite3.Connection = connection.connection
        return raw

    def _attach(self, source: sqlite3.Connection, name: str) -> None:
        path = self.directory / f"{name}.sqlite3"
        kept = sqlite3.connect(path)
        source.backup(kept)
        kept.close()
        self.attached[name] = path
        self._raw()  # the current connection is open (and so among self.connections)
        for wrapper in list(self.connections):
            if wrapper.connection is not None:
                self._attach_all(wrapper.connection)

    def build(self, name: str, builder: Callable[[], None], *, base: str | None = None) -> None:
        """Run `builder` once on the migrated database, or on state `base` (built before: a state that
        extends another need not repeat its builder), and keep the result as state `name`.

        Kept beside the full copy: per table, the rows that differ from the migrated database: those
        removed or changed (`_gone`) and those added or changed (`_new_<table>`), so a test gets only
        those rows written."""
        if self.pristine is None or name in self.changed:
            return
        if base is not None and base not in self.changed:
            raise RuntimeError(f"state {name!r} starts from state {base!r}, which was not built")
        raw = self._raw()
        before = _copy(raw)
        if base is None:
            self.pristine.backup(raw)
        else:
            start = sqlite3.connect(self.directory / f"{base}.db.sqlite3")
            start.backup(raw)
            start.close()
        _clear_caches()  # nothing cached from the database as it was may be read by the builder
        try:
            with transaction.atomic():
                builder()
            self._attach(raw, f"state_{name}")
            with sqlite3.connect(self.directory / f"{name}.db.sqlite3") as plain:
                raw.backup(plain)
            plain.close()
        finally:
            before.backup(raw)
            before.close()
            _clear_caches()
        state = f'"state_{name}"'
        changed = []
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE {state}._gone (tbl TEXT, rid INTEGER)")
            for table in _tables(raw):
                rows = 'SELECT rowid AS _rid, * FROM {}."' + table + '"'
                added = f"SELECT _rid FROM ({rows.format(state)} EXCEPT {rows.format('pristine')})"
                removed = f"SELECT _rid FROM ({rows.format('pristine')} EXCEPT {rows.format(state)})"
                cursor.execute(f"INSERT INTO {state}._gone SELECT %s, _rid FROM ({removed})", [table])
                cursor.execute(
                    f'CREATE TABLE {state}."_new_{table}" AS SELECT * FROM {state}."{table}"'
                    f" WHERE rowid IN ({added})"
                )
                cursor.execute(
                    f'SELECT EXISTS (SELECT * FROM {state}."_new_{table}")'
                    f" OR EXISTS (SELECT * FROM {state}._gone WHERE tbl = %s)",
                    [table],
                )
                if cursor.fetchone()[0]:
                    changed.append(table)
        self.changed[name] = changed

    def reset(self) -> None:
        """Put the database back as migrations left it. After a transactional test Django empties every
        table (flush) and post_migrate handlers write some rows again: the tests that run next, in
        any order (parallel workers take whole files, so a transactional test need not run last),
        start from the migrated database as they expect."""
        if self.pristine is not None:
            self.pristine.backup(self._raw())
            _clear_caches()

    def copy_to(self, name: str, path: Path) -> bool:
        """Write state `name` as a plain SQLite database at `path` (for a server process); False off
        SQLite, where the caller builds the database its own way."""
        if name not in self.changed:
            return False
        shutil.copyfile(self.directory / f"{name}.db.sqlite3", path)
        return True

    def restore(self, name: str, builder: Callable[[], None], *, transactional: bool) -> None:
        """Put state `name` in the test database (it must have been built outside the test)."""
        if self.pristine is None:
            builder()
            return
        if name not in self.changed:
            raise RuntimeError(f"state {name!r} was not built before the test's transaction began")
        if transactional:  # committed rows outlive the test: build them the slow way, as before
            builder()
            return
        state = f'"state_{name}"'
        with transaction.atomic(), connection.cursor() as cursor:
            # the database is as migrations left it plus whatever this test has written so far
            for table in self.changed[name]:
                cursor.execute(
                    f'DELETE FROM main."{table}" WHERE rowid IN'
                    f" (SELECT rid FROM {state}._gone WHERE tbl = %s)",
                    [table],
                )
                cursor.execute(f'INSERT INTO main."{table}" SELECT * FROM {state}."_new_{table}"')
            cursor.execute(
                f"UPDATE main.sqlite_sequence SET seq = MAX(seq, (SELECT s.seq FROM {state}.sqlite_sequence s"
                " WHERE s.name = main.sqlite_sequence.name))"
                f" WHERE name IN (SELECT name FROM {state}.sqlite_sequence)"
            )
            cursor.execute(
                f"INSERT INTO main.sqlite_sequence SELECT name, seq FROM {state}.sqlite_sequence"
                " WHERE name NOT IN (SELECT name FROM main.sqlite_sequence)"
            )
        _clear_caches()


def commits(item: Any) -> bool:
    """Whether a test's writes are committed (a transactional test), not rolled back."""
    marker = item.get_closest_marker("django_db")
    return bool(
        "transactional_db" in item.fixturenames
        or "live_server" in item.fixturenames
        or (marker is not None and marker.kwargs.get("transaction"))
    )


def state_fixture_value(request: Any, states: DatabaseStates, name: str, builder: Callable[[], None]) -> None:
    """What a function-scoped state fixture does: copy the state into this test's database."""
    states.restore(name, builder, transactional=commits(request.node))
