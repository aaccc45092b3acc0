"""Front-end quality bench (issue 12 item 7): Lighthouse 12.2.3 (npm, pinned in package.json) on the mobile
profile against the production-like server (gunicorn + WhiteNoise, collectstatic with compressed assets),
for the home, adult efficacy, dosing and planner pages, after the HCP gate.

Targets: every category ≥ 95, CLS ≤ 0.05, and the home page ≤ 120 KB transferred (font included).
Each page is measured `--runs` times (2 cores shared with the server) and the median score is kept.
Not in `make test`: four pages take well over 90 s.
Run `make bench` or `.venv/bin/python bench/lighthouse.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from harness import ROOT, hcp_cookie, production_server, write_results

PAGES = {
    "home": "/",
    "efficacy-adult": "/efficacy/adult/",
    "dosing": "/dosing/",
    "planner": "/tools/planner/",
}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
MIN_SCORE, MAX_CLS, HOME_BUDGET_KB = 95, 0.05, 120


# Lighthouse now and then fails to record a page load's trace in headless Chromium ("NO_NAVSTART"),
# whatever the page: seen once in four loads of the planner in one `make bench`, then 0 in 5 loads of
# it alone. Such a run is tried again, up to this many times, before the page counts as not audited.
RETRIES = 2


def lighthouse(url: str, cookie: str) -> dict[str, float]:
    for attempt in range(RETRIES + 1):
        try:
            return _lighthouse_once(url, cookie)
        except subprocess.CalledProcessError as failed:
            reason = (failed.stderr or "").strip().splitlines()[-1:] or ["no message"]
            print(f"  Lighthouse failed on {url} (attempt {attempt + 1}): {reason[0]}", flush=True)
            if attempt == RETRIES:
                raise
    raise AssertionError("unreachable")


def _lighthouse_once(url: str, cookie: str) -> dict[str, float]:
    binary = ROOT / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        raise SystemExit("lighthouse is missing: run `npm ci` (make bench does)")
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run(
            [
                str(binary),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                f"--chrome-flags={CHROME_FLAGS}",
                f"--extra-headers={json.dumps({'Cookie': cookie})}",
            ],
            env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        data = json.loads(report.read_text())
    audits = data["audits"]
    row = {name: round(data["categories"][name]["score"] * 100) for name in CATEGORIES}
    row["cls"] = round(audits["cumulative-layout-shift"]["numericValue"], 4)
    row["transfer_kb"] = round(audits["total-byte-weight"]["numericValue"] / 1024, 1)
    row["lcp_ms"] = round(audits["largest-contentful-paint"]["numericValue"])
    return row


def page_status(url: str, cookie: str) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def median_row(rows: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(row[key] for row in rows) for key in rows[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    failures = []
    with production_server(workers=2, verified=True) as server:
        cookie = hcp_cookie(server)
        for name, path in PAGES.items():
            # A page that cannot be audited (Lighthouse or Chromium failing, a withheld page answering
            # 503) is a missed target for that page; the other pages are still measured.
            try:
                lighthouse(server.url(path), cookie)  # warm the page cache, then measure
                results[name] = median_row([lighthouse(server.url(path), cookie) for _ in range(args.runs)])
            except subprocess.CalledProcessError:
                status = page_status(server.url(path), cookie)
                failures.append(f"{name} not audited (Lighthouse failed; the page answers {status})")
    print(f"{'page':16} {'perf':>5} {'a11y':>5} {'b-p':>5} {'seo':>5} {'CLS':>7} {'KB':>7} {'LCP ms':>7}")
    for name, row in results.items():
        print(
            f"{name:16} {row['performance']:5.0f} {row['accessibility']:5.0f} {row['best-practices']:5.0f} "
            f"{row['seo']:5.0f} {row['cls']:7.3f} {row['transfer_kb']:7.1f} {row['lcp_ms']:7.0f}"
        )
        failures += [f"{name} {c} {row[c]:.0f}" for c in CATEGORIES if row[c] < MIN_SCORE]
        if row["cls"] > MAX_CLS:
            failures.append(f"{name} CLS {row['cls']}")
    if "home" in results and results["home"]["transfer_kb"] > HOME_BUDGET_KB:
        failures.append(f"home weighs {results['home']['transfer_kb']} KB")
    path = write_results("lighthouse", {"runs": args.runs, "pages": results})
    print(f"raw figures: {path}")
    print("targets (≥ 95 each category, CLS ≤ 0.05, home ≤ 120 KB):", failures or "met")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
