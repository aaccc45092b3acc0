"""The clinical API under load, and the printable plan's render time.

Run: .venv/bin/python bench/api.py [--seconds 5]
Starts gunicorn (2 workers) in production mode over a fresh migrated SQLite (bench/harness.py), with
API_RATE_LIMIT_PER_MINUTE raised so the limiter never answers 429 during the run, then:

- wrk, 32 connections: POST /api/v1/clinical/plan with the documented example body, and the
  foundation benchmark's framework floor (GET /__floor__/, a minimal Django view) on the same server;
- POST /tools/planner/plan.pdf (Letter, the planner's fields and its CSRF token) five times after one
  warm-up: the median wall time.

Prints a table and writes bench/results/api.json. Targets (issue 6): plan p99 <= 15 ms; PDF <= 1 s.
Each wrk figure is the median of 3 runs, plan and floor interleaved; exit status 1 when a target is missed.
Not a test: on this 2-core machine wrk and gunicorn share the cores, so figures are indicative.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from besponsa.clinical.operations import EXAMPLES
from harness import form_session, hcp_cookie, planner_form, post_script, production_server, write_results, wrk


def check_plan_answer(url: str, body: str) -> None:
    request = urllib.request.Request(
        url, data=body.encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request) as response:
        answer = json.loads(response.read())
    if response.status != 200 or len(answer["doses"]) != 3:
        raise SystemExit(f"the plan endpoint did not answer as expected: {response.status} {answer}")


def pdf_times(url: str, cookie: str, fields: dict[str, str], runs: int = 5) -> list[float]:
    """The plan PDF is a POST of the planner's fields (values never travel in an address)."""
    request = urllib.request.Request(
        url,
        data=urlencode(fields).encode(),
        method="POST",
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    times = []
    for attempt in range(runs + 1):
        started = time.perf_counter()
        with urllib.request.urlopen(request) as response:
            content = response.read()
        elapsed = time.perf_counter() - started
        if not content.startswith(b"%PDF"):
            raise SystemExit("the PDF plan did not render")
        if attempt:  # the first call warms the worker (imports WeasyPrint, loads fonts)
            times.append(elapsed)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = max(3, args.runs)

    body = json.dumps(EXAMPLES["plan"])
    with production_server(workers=2, extra_env={"API_RATE_LIMIT_PER_MINUTE": "1000000000"}) as server:
        plan_url = server.url("/api/v1/clinical/plan")
        check_plan_answer(plan_url, body)
        script = post_script(body)
        wrk(plan_url, connections=args.connections, seconds=1, script=script)  # warm-up
        cookie = hcp_cookie(server)
        plans, floors = [], []
        # Interleaved: each plan figure is compared with the floor measured right after it.
        for _ in range(runs):
            plans.append(wrk(plan_url, connections=args.connections, seconds=args.seconds, script=script))
            # The floor sits behind the HCP gate like any page: without the cookie wrk would time redirects.
            floors.append(
                wrk(
                    server.url("/__floor__/"),
                    connections=args.connections,
                    seconds=args.seconds,
                    headers={"Cookie": cookie},
                )
            )
        form_cookie, token = form_session(server, "/tools/planner/", cookie)
        pdf = pdf_times(
            server.url("/tools/planner/plan.pdf"),
            form_cookie,
            {**planner_form(), "paper": "letter", "csrfmiddlewaretoken": token},
        )

    def median(rows: list[dict[str, float]]) -> dict[str, float]:
        return {key: statistics.median(row[key] for row in rows) for key in rows[0]}

    plan, floor = median(plans), median(floors)
    ratio = statistics.median(p["rps"] / f["rps"] for p, f in zip(plans, floors, strict=True))
    pdf_median = statistics.median(pdf)
    verdicts = [
        ("plan p99 ≤ 15 ms", plan["p99_ms"] <= 15, f"{plan['p99_ms']:.2f} ms"),
        ("PDF plan ≤ 1 s", pdf_median <= 1, f"{pdf_median:.3f} s"),
    ]
    result = {
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "setup": f"gunicorn 2 workers, production settings, SQLite; wrk {args.connections} connections, "
        f"{args.seconds} s, median of {runs} interleaved runs, generator on the same 2 cores",
        "plan_endpoint": plan,
        "framework_floor": floor,
        "plan_rps_ratio_to_floor": round(ratio, 3),
        "runs": {"plan": plans, "floor": floors},
        "pdf_plan_seconds": {"median": pdf_median, "runs": pdf},
        "targets": [{"target": label, "met": ok, "figure": figure} for label, ok, figure in verdicts],
    }
    path = write_results("api", result)
    print(f"{'':28} {'rps':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for name, row in (("POST /api/v1/clinical/plan", plan), ("GET /__floor__/ (floor)", floor)):
        print(f"{name:28} {row['rps']:9.0f} {row['p50_ms']:8.2f} {row['p99_ms']:8.2f} {row['non_2xx']:8.0f}")
    print(f"plan rps / floor rps (median of the per-run ratios): {ratio:.3f}")
    for label, ok, figure in verdicts:
        print(f"{'met   ' if ok else 'MISSED'} {label}: {figure}")
    print(f"written to {path}")
    return 0 if all(ok for _, ok, _ in verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
