"""Benchmark: figure render time, cold (fresh process) and warm (served from the cache).

Run: ``.venv/bin/python bench/figures.py [--runs N]``

For each figure, N fresh Python processes each measure, in order:

1. ``import``: importing ``besponsa.evidence.figures`` (numpy, scipy, matplotlib, the package);
2. ``cold``: the first ``render(figure_id)`` in that process, which also loads the YAML data, runs the
   recomputation gate for every number drawn, builds the matplotlib figure and writes the SVG;
3. ``warm``: the mean of 10,000 further ``render(figure_id)`` calls, answered by the cache.

The target is a cold render under 200 ms. Results are printed as a table and written to
``bench/results/figures.json`` (git-ignored). The exit code is 1 if a median cold render misses the target.
Disk caches (matplotlib's font list, the OS page cache) are warm after the first run; that is the state
of a deployed server too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "figures.json"
TARGET_MS = 200.0
WARM_CALLS = 10_000

CHILD = """
import json, sys, time
t0 = time.perf_counter()
from besponsa.evidence import figures
t1 = time.perf_counter()
figure = figures.render(sys.argv[1])
t2 = time.perf_counter()
for _ in range({warm}):
    assert figures.render(sys.argv[1]) is figure
t3 = time.perf_counter()
print(json.dumps({{"import_ms": 1e3 * (t1 - t0), "cold_ms": 1e3 * (t2 - t1),
                  "warm_us": 1e6 * (t3 - t2) / {warm}, "svg_bytes": len(figure.svg.encode())}}))
"""


def figure_ids() -> tuple[str, ...]:
    code = "from besponsa.evidence.figures import FIGURE_IDS; print(' '.join(FIGURE_IDS))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return tuple(out.stdout.split())


def measure(figure_id: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD.format(warm=WARM_CALLS), figure_id],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    result: dict[str, float] = json.loads(out.stdout)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per figure (default 5)")
    args = parser.parse_args()

    rows = []
    for figure_id in figure_ids():
        runs = [measure(figure_id) for _ in range(args.runs)]
        cold = [r["cold_ms"] for r in runs]
        rows.append(
            {
                "figure": figure_id,
                "runs": args.runs,
                "import_ms_median": statistics.median(r["import_ms"] for r in runs),
                "cold_ms_median": statistics.median(cold),
                "cold_ms_min": min(cold),
                "cold_ms_max": max(cold),
                "warm_us_mean": statistics.median(r["warm_us"] for r in runs),
                "svg_bytes": runs[0]["svg_bytes"],
                "meets_target": statistics.median(cold) < TARGET_MS,
            }
        )

    columns = ("figure", "import ms", "cold ms (median, min-max)", "warm µs", "SVG KB")
    header = f"{columns[0]:<18} {columns[1]:>9} {columns[2]:>26} {columns[3]:>8} {columns[4]:>7}  target"
    print(header)
    print("-" * len(header))
    for r in rows:
        spread = f"{r['cold_ms_median']:.1f} ({r['cold_ms_min']:.1f}-{r['cold_ms_max']:.1f})"
        print(
            f"{r['figure']:<18} {r['import_ms_median']:>9.0f} {spread:>26} {r['warm_us_mean']:>8.2f} "
            f"{r['svg_bytes'] / 1024:>7.1f}  {'ok' if r['meets_target'] else 'MISSED'} "
            f"(< {TARGET_MS:.0f} ms cold)"
        )

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "benchmark": "evidence figures: cold render in a fresh process, warm render from the cache",
                "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "python": platform.python_version(),
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
                "target_cold_ms": TARGET_MS,
                "warm_calls": WARM_CALLS,
                "results": rows,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\nwritten: {RESULTS.relative_to(ROOT)}")
    return 0 if all(r["meets_target"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
