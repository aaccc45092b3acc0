"""Serving benchmark (issue 18 targets 1-5): both deployments side by side, in one run.

Starts gunicorn (2 workers, production settings, the project's gunicorn settings file so each worker
warms up before it takes traffic) twice and keeps both up:

- **default**: SQLite, the page cache in each worker's memory with the generation stamp file;
- **pg+redis**: a throwaway PostgreSQL cluster and a throwaway redis-server on loopback ports.

First, before any other traffic: the wall time of the first requests each fresh server answers (an
uncached content page render, a search, a planner result) against the median of later ones.

Then, for each deployment, with wrk at 32 connections: (a) the framework floor (a minimal Django view
through the whole middleware stack), (b) a static file, (c) the home page and (d) Efficacy — Adult from
the page cache, and the endpoints that are not served from it: (e) a search, (f) the sitemap (kept in
the page cache until the next publish), (g) a planner result (a POST of the form), (h) Efficacy — Adult
rendered from the database (an unknown query parameter keeps it out of the cache); (e)-(h) with one
connection per worker, since their figure is CPU per request and queued renders would spill over into
the next measurement. Every figure is the
median of `--runs` (≥ 3) runs, interleaved across deployments and targets, and is reported with its
ratio to the floor measured in the same run on the same server. Worker CPU per request comes from /proc
(the gunicorn workers' user + system time over the run / requests answered).

Then the stampede check: p99 in the one second after the page cache is cleared (a new generation),
against p99 in an ordinary second, and the transferred size of the efficacy page with gzip.

Targets: pg+redis floor ≥ 0.85 × default floor (req/s); a cached page ≤ 1.1 × the floor's worker CPU per
request; search, sitemap and planner result ≤ 3 × and an uncached content page ≤ 5 × the floor's CPU;
the first request after start ≤ 2 × a warm one; p99 in the second after a clear ≤ 3 × steady state;
efficacy page ≤ 40 KB transferred. Exit status 1 when a target is missed (after everything has run
and been printed).

Run: `make bench` or `.venv/bin/python bench/site.py [--seconds 4] [--runs 3]`.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from harness import (
    Server,
    form_session,
    hcp_cookie,
    planner_form,
    post_script,
    postgres_cluster,
    production_server,
    redis_server,
    static_path,
    write_results,
    wrk,
)

FLOOR = "(a) floor"
TARGETS = (
    "(a) floor",
    "(b) static file",
    "(c) home page",
    "(d) efficacy page",
    "(e) search",
    "(f) sitemap",
    "(g) planner result",
    "(h) efficacy, uncached",
)
CACHED = ("(c) home page", "(d) efficacy page")
# Uncached endpoints and their CPU budget per request, in floors (issue 18 target 2).
UNCACHED = {"(e) search": 3, "(f) sitemap": 3, "(g) planner result": 3, "(h) efficacy, uncached": 5}
PLANNER = "/tools/planner/"
EFFICACY = "/efficacy/adult/"
# An unknown query parameter: the page is rendered from the database on every request, never stored.
EFFICACY_UNCACHED = EFFICACY + "?bench=uncached"
GZIP = {"Accept-Encoding": "gzip"}
FORM = "application/x-www-form-urlencoded"


def fetch(server: Server, path: str, cookie: str, headers: dict[str, str] | None = None) -> bytes:
    request = urllib.request.Request(server.url(path), headers={"Cookie": cookie, **(headers or {})})
    with urllib.request.urlopen(request) as response:
        assert response.status == 200, path
        return bytes(response.read())


def clearer(name: str, server: Server, redis_url: str | None) -> Callable[[], None]:
    """What a publish does to the page cache: a new generation (no page is re-rendered in advance)."""
    from besponsa.portal import pagecache

    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url)
        return lambda: client.set(pagecache.RedisStore.PREFIX + "generation", uuid.uuid4().hex)
    store = pagecache.LocalStore(server.var_dir / "pagecache.generation", 1, 1)
    return store.bump


@dataclass
class Target:
    path: str
    cookie: str
    form: str | None = None  # a POST of these urlencoded fields (the planner's form), else a GET

    @functools.cached_property
    def script(self) -> Path | None:
        return post_script(self.form, FORM) if self.form is not None else None


# Endpoints that render on every request are measured with one connection per worker: CPU per request
# is the figure, and 32 connections would only queue renders past wrk's timeout and into the next run.
UNCACHED_CONNECTIONS = 2


def measure(server: Server, label: str, target: Target, seconds: int, connections: int) -> dict[str, float]:
    before = server.worker_cpu_seconds()
    row = wrk(
        server.url(target.path),
        connections=UNCACHED_CONNECTIONS if label in UNCACHED else connections,
        seconds=seconds,
        headers={"Cookie": target.cookie, **GZIP},
        script=target.script,
        timeout=10,
    )
    spent = server.worker_cpu_seconds() - before
    row["cpu_ms_per_request"] = 1000 * spent / row["requests"] if row["requests"] else float("nan")
    return row


def send(server: Server, target: Target) -> float:
    """One request as wrk sends it; its wall time in ms."""
    data = target.form.encode() if target.form is not None else None
    headers = {"Cookie": target.cookie, **GZIP, **({"Content-Type": FORM} if data else {})}
    request = urllib.request.Request(server.url(target.path), data=data, headers=headers)
    started = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        response.read()
        assert response.status == 200, target.path
    return 1000 * (time.perf_counter() - started)


def planner_target(server: Server, cookie: str) -> Target:
    form_cookie, token = form_session(server, PLANNER, cookie)
    return Target(PLANNER, form_cookie, urlencode({**planner_form(), "csrfmiddlewaretoken": token}))


def targets_of(server: Server, cookie: str) -> dict[str, Target]:
    planner = planner_target(server, cookie)
    paths = ("/__floor__/", static_path(server, "portal/css/site.css"), "/", EFFICACY, "/search/?q=dose")
    return {
        **{name: Target(path, cookie) for name, path in zip(TARGETS, paths, strict=False)},
        "(f) sitemap": Target("/sitemap.xml", cookie),
        "(g) planner result": planner,
        "(h) efficacy, uncached": Target(EFFICACY_UNCACHED, cookie),
    }


def first_vs_warm(server: Server, cookie: str) -> dict[str, tuple[float, float]]:
    """Wall time of the first requests a freshly started server answers (the slower of the first two,
    one per worker when the kernel spreads them) against the median of ten later ones: an uncached
    content page render, a search, a planner result."""
    figures = {}
    for label, target in (
        ("content page render", Target(EFFICACY_UNCACHED, cookie)),
        ("search", Target("/search/?q=dose", cookie)),
        ("planner result", planner_target(server, cookie)),
    ):
        times = [send(server, target) for _ in range(14)]
        figures[label] = (max(times[:2]), statistics.median(times[4:]))
    return figures


def median_row(rows: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(r[key] for r in rows) for key in rows[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    runs = max(3, args.runs)

    with ExitStack() as stack:
        pg_url = stack.enter_context(postgres_cluster())
        redis_url = stack.enter_context(redis_server())
        servers = {
            "default": stack.enter_context(production_server()),
            "pg+redis": stack.enter_context(
                production_server(database_url=pg_url, extra_env={"REDIS_URL": redis_url})
            ),
        }
        cookies = {name: hcp_cookie(server) for name, server in servers.items()}
        # Before anything else reaches the fresh workers: their first renders against warm ones.
        first_requests = {name: first_vs_warm(server, cookies[name]) for name, server in servers.items()}
        targets = {name: targets_of(server, cookies[name]) for name, server in servers.items()}
        for name, server in servers.items():  # warm each worker and the page cache
            for target in targets[name].values():
                for _ in range(6):
                    send(server, target)

        samples: dict[str, dict[str, list[dict[str, float]]]] = {n: {t: [] for t in TARGETS} for n in servers}
        for run in range(runs):
            for name, server in servers.items():
                for target in TARGETS:
                    row = measure(server, target, targets[name][target], args.seconds, args.connections)
                    samples[name][target].append(row)
            print(f"  run {run + 1}/{runs} done", flush=True)

        # The stampede: an ordinary second, then the second right after a clear, interleaved.
        stampede: dict[str, dict[str, list[float]]] = {}
        for name, server in servers.items():
            clear = clearer(name, server, redis_url if name == "pg+redis" else None)
            url, headers = server.url(EFFICACY), {"Cookie": cookies[name], **GZIP}
            steady, after = [], []
            for _ in range(runs):
                steady.append(wrk(url, connections=args.connections, seconds=1, headers=headers)["p99_ms"])
                clear()
                after.append(wrk(url, connections=args.connections, seconds=1, headers=headers)["p99_ms"])
            stampede[name] = {"steady_p99_ms": steady, "after_clear_p99_ms": after}

        default = servers["default"]
        packed = len(fetch(default, EFFICACY, cookies["default"], GZIP))
        plain = len(fetch(default, EFFICACY, cookies["default"]))

    # Ratios within each run (same server, same moment), then medians.
    table: dict[str, dict[str, dict[str, float]]] = {}
    for name in samples:
        table[name] = {}
        for target in TARGETS:
            rows = samples[name][target]
            floors = samples[name][FLOOR]
            for row, floor in zip(rows, floors, strict=True):
                row["rps_ratio_to_floor"] = row["rps"] / floor["rps"]
                row["cpu_ratio_to_floor"] = row["cpu_ms_per_request"] / floor["cpu_ms_per_request"]
            table[name][target] = median_row(rows)
    cross = statistics.median(
        r["rps"] / d["rps"]
        for r, d in zip(samples["pg+redis"][FLOOR], samples["default"][FLOOR], strict=True)
    )

    print("floor req/s per run:", {n: [round(r["rps"]) for r in samples[n][FLOOR]] for n in samples})
    print(
        f"{'deployment':10} {'target':18} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'CPU ms/req':>10} {'rps/floor':>9} {'CPU/floor':>9} {'errors':>6}"
    )
    for name, rows in table.items():
        for target, row in rows.items():
            print(
                f"{name:10} {target:18} {row['rps']:8.0f} {row['p50_ms']:7.2f} {row['p99_ms']:7.2f} "
                f"{row['cpu_ms_per_request']:10.3f} {row['rps_ratio_to_floor']:9.2f} "
                f"{row['cpu_ratio_to_floor']:9.2f} {int(row['non_2xx'] + row['socket_errors']):6d}"
            )

    verdicts: list[tuple[str, bool, str]] = [
        ("pg+redis floor ≥ 0.85 × default floor (req/s)", cross >= 0.85, f"{cross:.2f}×"),
    ]
    for name, rows in table.items():
        for target in CACHED:
            ratio = rows[target]["cpu_ratio_to_floor"]
            verdicts.append((f"{name}: {target} CPU ≤ 1.1 × floor", ratio <= 1.1, f"{ratio:.2f}×"))
        for target, budget in UNCACHED.items():
            ratio, spent = rows[target]["cpu_ratio_to_floor"], rows[target]["cpu_ms_per_request"]
            verdicts.append(
                (
                    f"{name}: {target} CPU ≤ {budget} × floor",
                    ratio <= budget,
                    f"{ratio:.2f}× ({spent:.2f} ms)",
                )
            )
    for name, first in first_requests.items():
        for label, (cold, warm) in first.items():
            ratio = cold / warm
            verdicts.append(
                (
                    f"{name}: first {label} after start ≤ 2 × warm",
                    ratio <= 2,
                    f"{cold:.1f} ms vs {warm:.1f} ms = {ratio:.2f}×",
                )
            )
    for name, figures in stampede.items():
        steady, after = (
            statistics.median(figures["steady_p99_ms"]),
            statistics.median(figures["after_clear_p99_ms"]),
        )
        # wrk reports p99 0 when no request completed inside the second: that is a miss, not a win.
        ratio = after / steady if steady > 0 and after > 0 else float("inf")
        verdicts.append(
            (
                f"{name}: p99 in the second after a clear ≤ 3 × steady",
                ratio <= 3,
                f"{after:.1f} ms vs {steady:.1f} ms = {ratio:.2f}×"
                + ("" if after > 0 else " (no request completed within the second)"),
            )
        )
    verdicts.append(
        (
            "efficacy page ≤ 40 KB transferred (gzip)",
            packed <= 40 * 1024,
            f"{packed / 1024:.1f} KB of {plain / 1024:.1f} KB",
        )
    )
    trips = {name: server.log_text.count("Redis unreachable") for name, server in servers.items()}
    print("page-cache circuit-breaker trips (Redis slower than its timeout) per deployment:", trips)
    print()
    for label, ok, figure in verdicts:
        print(f"{'met   ' if ok else 'MISSED'} {label}: {figure}")
    path = write_results(
        "site",
        {
            "setup": f"gunicorn 2 workers each, production settings; wrk {args.connections} connections, "
            f"{args.seconds} s, median of {runs} interleaved runs; generator on the same cores",
            "median": table,
            "runs": samples,
            "redis_floor_ratio_to_default_floor": cross,
            "stampede": stampede,
            "first_request_ms_vs_warm_ms": first_requests,
            "breaker_trips": trips,
            "efficacy_bytes": {"gzip": packed, "plain": plain},
            "targets": [{"target": label, "met": ok, "figure": figure} for label, ok, figure in verdicts],
        },
    )
    print(f"raw figures: {path}")
    return 0 if all(ok for _, ok, _ in verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
