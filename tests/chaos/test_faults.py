"""Issue 17 item 7: faults under load on gunicorn (2 workers). For every fault: no acknowledged write is
lost, no record is half-written, and the site recovers without a restart. Figures go to the summary."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.chaos.conftest import FIGURES
from tests.chaos.harness import Postgres, Redis, Site
from tests.chaos.load import AE_REPORT, REGISTRATION, WRITE_PATHS, Run, WritePath, run_load

pytestmark = pytest.mark.chaos

# Generous: a respawned worker imports the whole site first, slow when the 2 cores are shared.
RECOVERY_LIMIT_SECONDS = 60


def _check_writes(site: Site, path: WritePath, run: Run) -> dict[str, list[str]]:
    found = site.query(path.readback)
    assert isinstance(found, dict)
    lost = run.acked_keys() - set(found["stored"])
    assert not lost, f"{path.name}: acknowledged but not stored: {sorted(lost)[:5]}"
    assert not found["half"], f"{path.name}: half-written records: {found['half'][:5]}"
    # What a reporter typed (the key's part after "|") never reaches the server's log.
    log = (site.var_dir / "gunicorn.log").read_text(errors="replace")
    assert not [key for key in run.acked_keys() if "|" in key and key.split("|", 1)[1] in log]
    return found


def _figures(name: str, run: Run, start: str, end: str, recovered_from: str) -> float:
    during = run.between(start, end)
    served = [r for r in during if r.status is not None and r.status < 500 and (r.kind == "read" or r.acked)]
    answers = Counter("refused connection" if r.status is None else str(r.status) for r in during)
    recovery = run.recovery_seconds(recovered_from)
    writes = sum(1 for r in run.records if r.kind == "write")
    recovered = f"recovered {recovery:.1f} s after the fault ended" if recovery is not None else "NO RECOVERY"
    FIGURES.append(
        f"{name}: {len(run.records)} requests ({writes} writes, {len(run.acked_keys())} acknowledged); "
        f"during the fault {len(served)} served, {len(during) - len(served)} failed "
        f"(answers: {dict(sorted(answers.items()))}); {recovered}"
    )
    assert recovery is not None and recovery <= RECOVERY_LIMIT_SECONDS, FIGURES[-1]
    return recovery


# Every write path on PostgreSQL (the production deployment); the anonymous ones on the SQLite default
# too. One kill per path and database keeps the suite within a few minutes: the kill lands while
# writes of that path (and reads) are in flight, and the figures say how many it cut.
KILL_RUNS = [
    pytest.param(path, database, id=f"{path.name}-{database}")
    for path in WRITE_PATHS
    for database in (("postgres", "sqlite") if path in (REGISTRATION, AE_REPORT) else ("postgres",))
]


@pytest.mark.parametrize(("path", "database"), KILL_RUNS)
def test_kill_minus_nine_of_a_worker_during_writes(
    services: tuple[Postgres, Redis, Site, Site], path: WritePath, database: str
) -> None:
    site = services[2] if database == "postgres" else services[3]
    kills: list[int] = []

    def kill_a_worker() -> None:
        workers = site.workers()
        if workers:
            os.kill(workers[0], signal.SIGKILL)
            kills.append(workers[0])

    run = run_load(
        site, path, seconds=5, schedule=[(1.5, "kill", kill_a_worker), (3.5, "calm", lambda: None)]
    )
    _check_writes(site, path, run)
    cut = sum(1 for r in run.between("kill", "calm") if r.kind == "write" and r.status is None)
    _figures(
        f"kill -9 x{len(kills)} during {path.name} ({database}; {cut} writes cut)",
        run,
        "kill",
        "calm",
        "calm",
    )
    assert kills, "no worker to kill"
    assert site.process is not None and site.process.poll() is None  # the master respawned its workers


def test_postgresql_stopped_and_restarted_under_load(services: tuple[Postgres, Redis, Site, Site]) -> None:
    postgres, _, site, _ = services
    schedule = [(2.0, "down", lambda: postgres.stop("immediate")), (6.0, "up", postgres.start)]
    run = run_load(site, WRITE_PATHS[0], seconds=10, schedule=schedule)
    _check_writes(site, WRITE_PATHS[0], run)
    _figures("PostgreSQL stopped 4 s (immediate) and restarted", run, "down", "up", "up")


def test_redis_stopped_and_restarted_under_load(services: tuple[Postgres, Redis, Site, Site]) -> None:
    _, redis, site, _ = services
    schedule = [(2.0, "down", redis.stop), (6.0, "up", redis.start)]
    run = run_load(site, WRITE_PATHS[0], seconds=9, schedule=schedule)
    _check_writes(site, WRITE_PATHS[0], run)
    # Writes never touch the cache (throttles are in the database): they carry on through the outage.
    outage_writes = [r for r in run.between("down", "up") if r.kind == "write"]
    assert outage_writes and all(r.acked for r in outage_writes), "a write failed while Redis was down"
    _figures("Redis stopped 4 s and restarted", run, "down", "up", "up")


def test_disk_full_for_the_sqlite_default(services: tuple[Postgres, Redis, Site, Site]) -> None:
    site = services[3]
    database = Path(site.env["DATABASE_URL"].removeprefix("sqlite:///"))
    with sqlite3.connect(database) as db:  # an empty write-ahead log, so the limit below bites at once
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    full = 48 * 1024  # bytes any file may grow to: the WAL fills after a write or two

    schedule = [
        (2.0, "full", lambda: site.set_file_size_limit(full)),
        (7.0, "freed", lambda: site.set_file_size_limit(2**62)),
    ]
    run = run_load(site, WRITE_PATHS[0], seconds=10, schedule=schedule)
    during = [r for r in run.between("full", "freed") if r.kind == "write"]
    refused = [r for r in during if not r.acked]
    assert refused, "the file-size limit never refused a write (the disk never filled)"
    _check_writes(site, WRITE_PATHS[0], run)
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    _figures(f"SQLite disk full 5 s ({len(refused)} writes refused)", run, "full", "freed", "freed")
    time.sleep(0.1)
