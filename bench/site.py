"""Foundation benchmark (issue 2): gunicorn (2 workers) + wrk at 32 connections, in one run.

(a) a minimal Django view through the full middleware stack (the framework floor), (b) a static file
through WhiteNoise, (c) the home page after the gate, (d) a second content page (Efficacy — Adult).
Targets: a cached content page at ≥ 0.7 of the floor's requests per second, p99 ≤ 30 ms.
The load generator shares the 2 cores with the server, so ratios matter more than absolute figures.

Run: `make bench` or `.venv/bin/python bench/site.py [--seconds 8]`.
"""

from __future__ import annotations

import argparse
import urllib.request

from harness import hcp_cookie, production_server, static_path, write_results, wrk


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    rows: dict[str, dict[str, float]] = {}
    with production_server() as server:
        cookie = hcp_cookie(server)
        targets = {
            "(a) floor: minimal Django view": "/__floor__/",
            "(b) static file (WhiteNoise)": static_path(server, "portal/css/site.css"),
            "(c) home page after the gate": "/",
            "(d) Efficacy — Adult page": "/efficacy/adult/",
        }
        for path in targets.values():  # warm the page cache and each worker
            for _ in range(4):
                request = urllib.request.Request(server.url(path), headers={"Cookie": cookie})
                with urllib.request.urlopen(request) as response:
                    assert response.status == 200, path
        for label, path in targets.items():
            rows[label] = wrk(
                server.url(path),
                connections=args.connections,
                seconds=args.seconds,
                headers={"Cookie": cookie},
            )
    floor = rows["(a) floor: minimal Django view"]["rps"]
    print(f"{'target':40} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'errors':>6}")
    for label, row in rows.items():
        row["ratio_to_floor"] = round(row["rps"] / floor, 3)
        print(
            f"{label:40} {row['rps']:9.0f} {row['p50_ms']:8.2f} {row['p99_ms']:8.2f} "
            f"{row['ratio_to_floor']:6.2f} {int(row['non_2xx'] + row['socket_errors']):6d}"
        )
    path = write_results("site", {"connections": args.connections, "seconds": args.seconds, "rows": rows})
    print(f"raw figures: {path}")
    home = rows["(c) home page after the gate"]
    ok = home["ratio_to_floor"] >= 0.7 and home["p99_ms"] <= 30
    print("target (home ≥ 0.7 × floor, p99 ≤ 30 ms):", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
