"""Throwaway services for the fault-injection suite: a PostgreSQL cluster, a redis-server and the site on
gunicorn (2 workers, production settings), all on free loopback ports under /tmp. Nothing here touches
the machine's own PostgreSQL (5432) or Redis (6379)."""

from __future__ import annotations

import base64
import json
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("CHAOS_PG_BIN", "/usr/lib/postgresql/15/bin"))
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(*command: str) -> list[str]:
    # initdb refuses to run as root; the cluster belongs to the postgres OS user.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


@dataclass
class Postgres:
    port: int
    data_dir: Path
    log: Path

    @classmethod
    def create(cls) -> Postgres:
        base = Path(tempfile.mkdtemp(prefix="besponsa-chaos-pg-"))
        os.chmod(base, 0o777)  # noqa: S103 - the postgres OS user writes its cluster and socket here
        data_dir = base / "data"
        pg = cls(free_port(), data_dir, base / "postgres.log")
        subprocess.run(
            _as_postgres(
                str(PG_BIN / "initdb"), "-D", str(data_dir), "-A", "trust", "-U", "postgres", "-E", "UTF8"
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        pg.start()
        subprocess.run(
            _as_postgres(
                str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "besponsa"
            ),
            check=True,
        )
        return pg

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/besponsa"

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data_dir.parent} -c max_connections=50"
        )
        subprocess.run(
            _as_postgres(
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log),
                "-o",
                options,
                "-w",
                "start",
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def stop(self, mode: str = "immediate") -> None:
        subprocess.run(
            _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), "-m", mode, "-w", "stop"),
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def destroy(self) -> None:
        self.stop("fast")
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)


@dataclass
class Redis:
    port: int
    process: subprocess.Popen[bytes] | None = None

    @classmethod
    def create(cls) -> Redis:
        redis = cls(free_port())
        redis.start()
        return redis

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@dataclass
class Site:
    """The site on gunicorn with 2 workers, production settings."""

    env: dict[str, str]
    var_dir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    fsize_limit: int | None = None
    # What the signed-in write paths use (tests/chaos/fixtures.py), once `make_fixtures` has run.
    fixtures: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def prepare(cls, database_url: str | None, redis_url: str | None = None) -> Site:
        var_dir = Path(tempfile.mkdtemp(prefix="besponsa-chaos-site-"))
        env = {
            **os.environ,
            "BESPONSA_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "BESPONSA_VAR_DIR": str(var_dir),
            "DATABASE_URL": database_url or f"sqlite:///{var_dir / 'db.sqlite3'}",
            "REQUEST_LOG_LEVEL": "WARNING",
            "EMAIL_BACKEND": "file",
            "DATABASE_CONN_MAX_AGE": "60",
            # Intake fails closed in production without its key; the spam guards would refuse a
            # machine's writes (too fast, too many from one reporter), which are not under test here.
            "INTAKE_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "INTAKE_MIN_FILL_SECONDS": "0",
            "INTAKE_REPORTS_PER_ADDRESS_PER_HOUR": "100000",
            "INTAKE_REPORTS_PER_REPORTER_PER_HOUR": "100000",
            "TASKS_OUTBOX_BACKEND": "database",
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        if redis_url:
            env["REDIS_URL"] = redis_url
        return cls(env, var_dir)

    def manage(self, *args: str, timeout: float = 300) -> str:
        result = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args[:1])} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def build(self, *, materials: bool = False) -> subprocess.Popen[bytes]:
        """migrate + seed (+ the printable materials) + collectstatic in the background (the two sites
        build in parallel)."""
        script = (
            "set -e; P=$0; $P manage.py migrate --noinput -v0; $P manage.py seed_content >/dev/null; "
            + ("$P manage.py generate_materials >/dev/null; " if materials else "")
            + "$P manage.py collectstatic --noinput -v0"
        )
        with (self.var_dir / "build.log").open("wb") as log:  # the child keeps its own copy of the handle
            return subprocess.Popen(["bash", "-c", script, sys.executable], env=self.env, cwd=ROOT,
                                    stdout=subprocess.DEVNULL, stderr=log)  # fmt: skip

    def query(self, code: str) -> object:
        """Runs Python in `manage.py shell` against the site's database; `code` prints one JSON value."""
        return json.loads(self.manage("shell", "-c", code).strip().splitlines()[-1])

    def make_fixtures(self) -> None:
        self.fixtures = cast(dict[str, Any], self.query("from tests.chaos.fixtures import main; main()"))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _limit(self) -> None:  # runs in the child before exec: gunicorn and its workers inherit it
        if self.fsize_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (self.fsize_limit, resource.RLIM_INFINITY))

    def start(self) -> None:
        with (self.var_dir / "gunicorn.log").open("ab") as log:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{self.port}", "--timeout", "20",
                 "--graceful-timeout", "5", "--log-level", "warning", "besponsa.project.wsgi:application"],
                env={**self.env, "GUNICORN_CMD_ARGS": ""}, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log,
                preexec_fn=self._limit,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.base_url + "/robots.txt", timeout=2)
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        (self.var_dir / "gunicorn.log").read_text(errors="replace")[-3000:]
                    ) from None
                time.sleep(0.2)

    def workers(self) -> list[int]:
        assert self.process is not None
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True
        )
        return [int(pid) for pid in out.stdout.split()]

    def set_file_size_limit(self, limit: int) -> None:
        """Changes RLIMIT_FSIZE of the running master and workers (prlimit), as a disk filling or freeing."""
        assert self.process is not None
        for pid in [self.process.pid, *self.workers()]:
            resource.prlimit(pid, resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.var_dir, ignore_errors=True)
