"""tests/dbstates.py itself: the kept states work on any connection the test process opens to the test
database (a browser test's running event loop puts Django on another connection)."""

from __future__ import annotations

import pytest
from django.db import connections

from tests.dbstates import DatabaseStates


@pytest.mark.django_db
def test_a_new_connection_to_the_test_database_has_the_kept_states_attached(
    _seeded_state: DatabaseStates,
) -> None:
    other = connections.create_connection("default")  # what Django opens in another thread or loop
    try:
        other.ensure_connection()
        schemas = {row[1] for row in other.connection.execute("PRAGMA database_list")}
        assert {"pristine", "state_seeded"} <= schemas
        gone = other.connection.execute('SELECT count(*) FROM "state_seeded"._gone').fetchone()[0]
        assert gone >= 0  # the kept copy is readable there, so a restore on that connection works
    finally:
        if other.connection is not None:
            other.connection.close()
