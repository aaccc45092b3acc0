#!/usr/bin/env bash
# `make chaos`: the fault-injection suite (tests/chaos, docs/operations.md "Fault injection"). Starts its
# own PostgreSQL cluster (initdb + pg_ctl, as the postgres OS user when run as root) and redis-server on
# free loopback ports, the site on gunicorn with 2 workers, and injects faults under load. It never
# touches the machine's own PostgreSQL or Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
PG_BIN=${CHAOS_PG_BIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$PG_BIN/initdb" ] || ! command -v redis-server >/dev/null 2>&1; then
  echo "SKIPPED: make chaos needs $PG_BIN/initdb and redis-server" >&2
  exit 0
fi
export BESPONSA_CHAOS=1 CHAOS_PG_BIN="$PG_BIN"
unset DATABASE_URL REDIS_URL
exec $BIN/python -m pytest -q -p no:cacheprovider -m chaos tests/chaos "$@"
