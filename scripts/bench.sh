#!/usr/bin/env bash
# `make bench`: every benchmark in bench/, one after the other (they share 2 cores: never in parallel).
# A benchmark that misses a target (or fails) does not stop the others: the exit status is non-zero
# only at the end, after every figure has been printed and written to bench/results/.
set -uo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
export BESPONSA_ENV=development
failed=()
for script in site api engine figures cli lighthouse; do
  if [ -f "bench/$script.py" ]; then
    echo "== bench/$script.py"
    if ! .venv/bin/python "bench/$script.py"; then
      failed+=("$script")
    fi
    echo
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "make bench: targets missed or a benchmark failed in: ${failed[*]}"
  exit 1
fi
echo "make bench: every target met"
