"""Start-up of the `besponsa` command line (issue 18 target 3): `besponsa clinical bsa`, one JSON object
in and out, run as a new process eleven times (the first warms the file cache and is dropped).

Reports the median wall time and the median CPU time (user + system) of the process, and checks that
the clinical commands never import the evidence stack (numpy, scipy, matplotlib) or Django
(`python -X importtime`). Target: ≤ 150 ms. On this shared 2-core machine the wall time includes
waiting for a core, so the CPU time is reported beside it and the verdict is given on both.

Run: `make bench` or `.venv/bin/python bench/cli.py`.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from harness import ROOT, write_results

COMMAND = [str(Path(sys.executable).parent / "besponsa"), "clinical", "bsa"]
BODY = json.dumps({"height_cm": 170, "weight_kg": 70})
HEAVY = ("numpy", "scipy", "matplotlib", "django", "besponsa.evidence")
TARGET_MS = 150
RUNS = 10


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(env: dict[str, str]) -> tuple[float, float]:
    """(wall ms, CPU ms) of one `besponsa clinical bsa`."""
    cpu, started = children_cpu(), time.perf_counter()
    answer = subprocess.run(COMMAND, input=BODY, capture_output=True, text=True, env=env, check=True)
    wall = 1000 * (time.perf_counter() - started)
    assert "bsa_m2" in json.loads(answer.stdout), answer.stdout
    return wall, 1000 * (children_cpu() - cpu)


def heavy_imports(env: dict[str, str]) -> list[str]:
    traced = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "besponsa.cli", *COMMAND[1:]],
        input=BODY,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    modules = {line.rsplit("|", 1)[-1].strip() for line in traced.stderr.splitlines() if "|" in line}
    return sorted(m for m in modules if m.split(".")[0] in HEAVY or m.startswith(HEAVY))


def main() -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    run_once(env)
    runs = [run_once(env) for _ in range(RUNS)]
    wall = statistics.median(w for w, _ in runs)
    cpu = statistics.median(c for _, c in runs)
    heavy = heavy_imports(env)
    verdicts = [
        (f"besponsa clinical starts in ≤ {TARGET_MS} ms (CPU)", cpu <= TARGET_MS, f"{cpu:.0f} ms"),
        (f"besponsa clinical starts in ≤ {TARGET_MS} ms (wall)", wall <= TARGET_MS, f"{wall:.0f} ms"),
        ("besponsa clinical imports no evidence stack or Django", not heavy, ", ".join(heavy) or "none"),
    ]
    load = os.getloadavg()[0]
    print(f"besponsa clinical bsa, median of {RUNS}: wall {wall:.0f} ms, CPU {cpu:.0f} ms (load {load:.1f})")
    for label, ok, figure in verdicts:
        print(f"{'met   ' if ok else 'MISSED'} {label}: {figure}")
    path = write_results(
        "cli",
        {
            "command": " ".join(COMMAND[1:]),
            "runs_ms": [{"wall": w, "cpu": c} for w, c in runs],
            "median_wall_ms": wall,
            "median_cpu_ms": cpu,
            "load_average_1min": load,
            "heavy_imports": heavy,
            "targets": [{"target": label, "met": ok, "figure": figure} for label, ok, figure in verdicts],
        },
    )
    print(f"raw figures: {path}")
    return 0 if all(ok for _, ok, _ in verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
