#!/usr/bin/env bash
# `make run`: the background worker (durable outbox: notifications and hand-offs) beside the web server.
# The worker stops with the server: Ctrl-C, a closed terminal or a failed server all end both.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

# Notifications committed but never enqueued (the server was killed between the two) go back on the queue.
$BIN/python manage.py intake_outbox_sweep
$BIN/python manage.py db_worker --backend outbox --interval 1 &
WORKER=$!
trap 'kill "$WORKER" 2>/dev/null || true; wait "$WORKER" 2>/dev/null || true' EXIT INT TERM

echo ""
echo "  Site:      http://$HOST:$PORT/"
echo "  CMS admin: http://$HOST:$PORT/cms/   (create an account first: make superuser)"
echo "  API docs:  http://$HOST:$PORT/api/v1/docs"
echo "  Worker:    manage.py db_worker --backend outbox (pid $WORKER)"
echo ""
$BIN/python manage.py runserver --noreload "$HOST:$PORT"
