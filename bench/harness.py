"""Shared pieces of the benchmarks: a production-like gunicorn server over a fresh database, and wrk."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent


@dataclass
class Server:
    base_url: str
    env: dict[str, str]
    var_dir: Path
    master_pid: int = 0
    log_text: str = ""  # gunicorn's error log, kept after the server stops

    def url(self, path: str) -> str:
        return self.base_url + path

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.master_pid}/task/{self.master_pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def worker_cpu_seconds(self) -> float:
        """User + system CPU used so far by the gunicorn workers (from /proc)."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.worker_pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / tick


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


_BENCH_REVIEWER = (
    "from django.contrib.auth.models import Group, User; "
    "u = User.objects.create_user('bench-medical', email='bench-medical@example.test'); "
    "u.groups.add(Group.objects.get(name='Medical reviewers'))"
)


@contextmanager
def production_server(
    workers: int = 2,
    extra_env: dict[str, str] | None = None,
    database_url: str | None = None,
    verified: bool = False,
) -> Iterator[Server]:
    """gunicorn in production mode over a fresh database: SQLite under a temporary VAR_DIR unless
    `database_url` names another (a throwaway PostgreSQL from `postgres_cluster`). `verified`: a bench
    Medical reviewer records the label facts the pages show, as Medical does once after a fresh install
    (until then the Dosing page is withheld, and a page that answers 503 cannot be measured)."""
    var_dir = Path(tempfile.mkdtemp(prefix="besponsa-bench-"))
    port = _free_port()
    env = {
        **os.environ,
        "BESPONSA_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "BESPONSA_VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url or f"sqlite:///{var_dir / 'db.sqlite3'}",
        "REQUEST_LOG_LEVEL": "WARNING",
        "ROOT_URLCONF": "bench_urls",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), os.environ.get("PYTHONPATH", "")]),
        **(extra_env or {}),
    }
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_content")
    if verified:
        manage(env, "shell", "-c", _BENCH_REVIEWER)
        manage(env, "verify_facts", "--user", "bench-medical", "--label-version", "3/2024", "--all-shown")
    manage(env, "collectstatic", "--noinput", "-v0")
    log = (var_dir / "gunicorn.log").open("wb")
    # The production command (README): the project's gunicorn settings, so each worker is warmed up
    # (besponsa.project.gunicorn.post_worker_init) before it takes traffic, as in a deployment.
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            "python:besponsa.project.gunicorn",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-",
            "--log-level",
            "warning",
            "besponsa.project.wsgi:application",
        ],
        env={**env, "GUNICORN_CMD_ARGS": ""},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    server = Server(f"http://127.0.0.1:{port}", env, var_dir, process.pid)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(server.url("/healthz"), timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((var_dir / "gunicorn.log").read_text()) from None
                time.sleep(0.2)
        _wait_for_warm_workers(server, workers, deadline=time.monotonic() + 90)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:  # workers stuck in a request on a loaded machine
            process.kill()
            process.wait(timeout=20)
        log.close()
        server.log_text = (var_dir / "gunicorn.log").read_text(errors="replace")
        shutil.rmtree(var_dir, ignore_errors=True)


def _wait_for_warm_workers(server: Server, workers: int, deadline: float) -> None:
    """Until every worker has finished its warm-up: all `workers` are up and none used CPU for half a
    second. /healthz answers as soon as the first worker is warm; a request sent while a sibling still
    warms up (and keeps the database server busy) measures the CPU they share, not a cold worker, and
    made the first-request figure swing between 1.5x and 8x on pg+redis."""
    while time.monotonic() < deadline:
        before = server.worker_cpu_seconds()
        time.sleep(0.5)
        if len(server.worker_pids()) >= workers and server.worker_cpu_seconds() - before < 0.02:
            return


def hcp_cookie(server: Server) -> str:
    """Answers the gate once, as a browser would, and returns the Cookie header value it earns."""
    with urllib.request.urlopen(server.url("/hcp-confirm/?next=/")) as response:
        html = response.read().decode()
        csrf_cookie = re.search(r"csrftoken=([^;]+)", response.headers.get("Set-Cookie", "")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = f"csrfmiddlewaretoken={token}&answer=yes&next=/".encode()
    request = urllib.request.Request(
        server.url("/hcp-confirm/"), data=body, method="POST", headers={"Cookie": f"csrftoken={csrf_cookie}"}
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(request)
    except urllib.error.HTTPError as redirect:
        cookies = redirect.headers.get_all("Set-Cookie") or []
    value = next(c.split(";", 1)[0] for c in cookies if c.startswith("hcp_confirmed="))
    return value


def form_session(server: Server, path: str, gate_cookie: str) -> tuple[str, str]:
    """Opens a form page as an HCP: the Cookie header to POST it with (the gate's and the CSRF cookie)
    and the form's CSRF token."""
    request = urllib.request.Request(server.url(path), headers={"Cookie": gate_cookie})
    with urllib.request.urlopen(request) as response:
        html = response.read().decode()
        csrf_cookie = re.search(r"csrftoken=([^;]+)", response.headers.get("Set-Cookie", "")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return f"{gate_cookie}; csrftoken={csrf_cookie}", token


def post_script(body: str, content_type: str = "application/json") -> Path:
    """A wrk script that POSTs `body` on every request."""
    escaped = body.replace("\\", "\\\\").replace('"', '\\"')
    script = Path(tempfile.mkdtemp(prefix="besponsa-wrk-")) / "post.lua"
    script.write_text(
        f'wrk.method = "POST"\nwrk.body = "{escaped}"\nwrk.headers["Content-Type"] = "{content_type}"\n'
    )
    return script


def planner_form() -> dict[str, str]:
    """The planner form's fields with the engine's documented example (the API's example body, booleans
    as the form's checkbox posts them: "true", or left out)."""
    from besponsa.clinical.operations import EXAMPLES

    example = EXAMPLES["plan"].items()
    return {"form": "plan", **{k: "true" if v is True else str(v) for k, v in example if v is not False}}


def static_path(server: Server, name: str) -> str:
    manifest = json.loads((server.var_dir / "static" / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"][name]


WRK_LATENCY = re.compile(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(
    url: str,
    *,
    connections: int = 32,
    seconds: int = 8,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
    timeout: int = 2,
) -> dict[str, float]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (Debian package)")
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        f"--timeout={timeout}s",
    ]
    command.append("--latency")
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    latencies = {f"p{m.group(1)}_ms": _ms(m.group(2), m.group(3)) for m in WRK_LATENCY.finditer(output)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = float(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": rps,
        "requests": total,
        **latencies,
        "non_2xx": float(non_2xx.group(1)) if non_2xx else 0.0,
        "socket_errors": 1.0 if errors else 0.0,
    }


def write_results(name: str, data: object) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2))
    return path


@contextmanager
def redis_server() -> Iterator[str]:
    """A throwaway redis-server on a free loopback port, no persistence (never the machine's own)."""
    port = _free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


PG_BIN = Path("/usr/lib/postgresql/15/bin")


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """A throwaway PostgreSQL cluster (initdb + pg_ctl as the postgres user) on a free loopback port."""
    folder = Path(tempfile.mkdtemp(prefix="besponsa-bench-pg-"))
    shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    port = _free_port()
    as_postgres = ["runuser", "-u", "postgres", "--"]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True}
    subprocess.run(
        [*as_postgres, str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"], **quiet
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
    subprocess.run(
        [
            *as_postgres,
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(folder / "log"),
            "-w",
            "start",
        ],
        **quiet,
    )
    try:
        yield f"postgres://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_postgres, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], **quiet
        )
        shutil.rmtree(folder, ignore_errors=True)


def _wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
