#!/usr/bin/env bash
# `make test`: installs what the tests need (Chromium, axe-core via the Makefile), then runs the whole
# suite on SQLite with coverage, the clinical core's 100 % branch-coverage gate, and the
# database-marked tests again on PostgreSQL when a server answers on 127.0.0.1:5432, and the
# fault-injection suite (scripts/chaos.sh) when the PostgreSQL and Redis binaries are installed.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    echo "== installing Debian's chromium for the browser tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null
  else
    echo "ERROR: the browser tests need Debian's chromium package (apt-get install chromium) — run as root or install it." >&2
    exit 1
  fi
fi
if ! command -v pdfinfo >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
fi

export BESPONSA_ENV=test
rm -f .coverage .coverage.*

echo "== lint: ruff, mypy, architecture contract, migrations, templates"
$BIN/ruff check src tests bench
$BIN/ruff format --check --quiet src tests bench
$BIN/mypy
$BIN/lint-imports --no-cache  # [tool.importlinter] in pyproject.toml
$BIN/python manage.py makemigrations --check --dry-run
$BIN/python manage.py validate_templates

# TEST_WORKERS > 0: that many parallel pytest-xdist workers, one test file per worker at a time so a
# file's module-scoped servers start once; each worker has its own test database, seeded site, var dir,
# Chromium and servers (tests/conftest.py); 0 runs in this process. schemathesis gives the 12 tests it
# generates (one per API operation) a single node id, and xdist would run only one of them: on workers,
# that file runs in a pytest process of its own beside them (its own coverage file, added afterwards).
WORKERS=${TEST_WORKERS:-2}
PYTEST=("$BIN/python" -m pytest -q -p no:cacheprovider)
SCHEMATHESIS=tests/api/test_schemathesis.py
echo "== unit, integration and browser tests (SQLite, TEST_WORKERS=$WORKERS)"
if [ "$WORKERS" != "0" ] && [ $# -eq 0 ]; then
  side=$(mktemp -d)
  COVERAGE_FILE="$side/.coverage" "${PYTEST[@]}" --cov --cov-report= "$SCHEMATHESIS" >"$side/out" 2>&1 &
  side_pid=$!
  trap 'kill "$side_pid" 2>/dev/null || true' EXIT
  "${PYTEST[@]}" -n "$WORKERS" --dist loadfile --cov --cov-report= --ignore="$SCHEMATHESIS"
  echo "== $SCHEMATHESIS (run beside the workers)"
  wait "$side_pid" || { cat "$side/out"; exit 1; }
  tail -n 1 "$side/out"
  $BIN/python -m coverage combine --append --quiet "$side/.coverage"
else
  "${PYTEST[@]}" -n "$WORKERS" --dist loadfile --cov --cov-report= "$@"
fi

echo "== clinical core: 100 % branch coverage required"
$BIN/python -m coverage report --include='src/besponsa/clinical/*' --fail-under=100 --skip-covered

PG_URL=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/besponsa}
if $BIN/python - "$PG_URL" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL not reachable: {exc}")
    sys.exit(1)
PY
then
  echo "== database-marked tests again on PostgreSQL ($PG_URL)"
  DATABASE_URL="$PG_URL" $BIN/python -m pytest -q -p no:cacheprovider -m postgres --create-db
else
  echo "SKIPPED: the PostgreSQL tests (-m postgres) — no server answered at $PG_URL"
fi

PG_BIN=${CHAOS_PG_BIN:-/usr/lib/postgresql/15/bin}
if [ -x "$PG_BIN/initdb" ] && command -v redis-server >/dev/null 2>&1; then
  echo "== fault injection (make chaos): throwaway PostgreSQL + Redis, gunicorn with 2 workers"
  BIN=$BIN bash scripts/chaos.sh
else
  echo "SKIPPED: fault injection (make chaos) — needs $PG_BIN/initdb and redis-server"
fi
