"""The fault-injection suite (`make chaos`): services are started here, once, for every chaos test.

Runs only when BESPONSA_CHAOS=1 (scripts/chaos.sh sets it), so the ordinary test run never starts
PostgreSQL clusters or kills processes. Figures are printed in the terminal summary.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.chaos.harness import PG_BIN, Postgres, Redis, Site

FIGURES: list[str] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("BESPONSA_CHAOS") == "1":
        return
    skip = pytest.mark.skip(reason="fault injection runs with `make chaos` (BESPONSA_CHAOS=1)")
    for item in items:
        if "chaos" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        terminalreporter.section("fault-injection figures")
        for line in FIGURES:
            terminalreporter.write_line(line)


def available() -> bool:
    return (Path(PG_BIN) / "initdb").exists() and shutil.which("redis-server") is not None


@pytest.fixture(scope="session")
def services() -> Iterator[tuple[Postgres, Redis, Site, Site]]:
    """A PostgreSQL cluster, a redis-server, the site over both, and the site over SQLite (the default)."""
    if not available():
        pytest.fail(f"the chaos suite needs {PG_BIN}/initdb and redis-server")
    postgres = Postgres.create()
    redis = Redis.create()
    on_postgres = Site.prepare(postgres.url, redis.url)
    on_sqlite = Site.prepare(None)
    started = time.monotonic()
    try:
        # The signed-in write paths (orders, event registration, referrals, approvals) run on the
        # PostgreSQL deployment only: the printable materials and their fixtures are made there.
        builds = [on_postgres.build(materials=True), on_sqlite.build()]
        for site, build in zip((on_postgres, on_sqlite), builds, strict=True):
            if build.wait(timeout=600) != 0:
                raise RuntimeError((site.var_dir / "build.log").read_text(errors="replace")[-3000:])
            if site is on_postgres:  # while the SQLite site is still building
                built = time.monotonic()
                on_postgres.make_fixtures()
                fixtures = time.monotonic() - built
        on_postgres.start()
        on_sqlite.start()
        FIGURES.append(
            f"set-up: PostgreSQL site built in {built - started:.0f} s, its fixtures {fixtures:.0f} s, "
            f"both sites built and serving {time.monotonic() - started:.0f} s after the start"
        )
        yield postgres, redis, on_postgres, on_sqlite
    finally:
        on_postgres.destroy()
        on_sqlite.destroy()
        redis.stop()
        postgres.destroy()
