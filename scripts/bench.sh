#!/usr/bin/env bash
# `make bench`: every benchmark in bench/, one after the other (they share 2 cores: never in parallel).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
export BESPONSA_ENV=development
for script in site engine figures api lighthouse; do
  if [ -f "bench/$script.py" ]; then
    echo "== bench/$script.py"
    .venv/bin/python "bench/$script.py"
    echo
  fi
done
