#!/usr/bin/env bash
# `make cluster`: N Rasa servers and M action servers behind nginx on http://localhost:8080, on the
# PostgreSQL of COACH_DATABASE_URL and the Redis of COACH_REDIS_URL (docs/cluster.md).
# A supervisor (bot/cluster.py, bot/supervise.py) restarts any process that stops, with back-off,
# and logs it. Ctrl-C stops everything.
#   COACH_RASA_SERVERS (2)  COACH_ACTION_SERVERS (1)  COACH_CLUSTER_PORT (8080)  COACH_CLUSTER_LISTEN (127.0.0.1)
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore::DeprecationWarning}" RASA_TELEMETRY_ENABLED=false PYTHONPATH="$PWD" TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
RASA_SERVERS="${COACH_RASA_SERVERS:-2}"
ACTION_SERVERS="${COACH_ACTION_SERVERS:-1}"
PORT="${COACH_CLUSTER_PORT:-8080}"
export COACH_REDIS_URL="${COACH_REDIS_URL:-redis://127.0.0.1:6379/0}"

if [ -z "${COACH_DATABASE_URL:-}" ]; then
    echo "make cluster needs PostgreSQL: set COACH_DATABASE_URL, e.g." >&2
    echo "  COACH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/coach make cluster" >&2
    exit 2
fi
# The secret every Rasa server sends with its action calls; made once under var/ (as make run).
COACH_ACTION_SECRET="${COACH_ACTION_SECRET:-$(.venv/bin/python -m bot.action_server --print-secret)}"
export COACH_ACTION_SECRET
export COACH_PUBLIC_URL="${COACH_PUBLIC_URL:-http://localhost:$PORT}"

READY=$(cat <<MSG

The coach is ready: $RASA_SERVERS Rasa servers and $ACTION_SERVERS action server(s) behind nginx.
  Web chat:  http://localhost:$PORT/chat
  REST:      curl -s localhost:$PORT/webhooks/rest/webhook -d '{"sender":"'"$(head -c12 /dev/urandom | od -An -tx1 | tr -d ' \n')"'","message":"hello"}'
  Socket.IO: http://localhost:$PORT/socket.io  (sticky: docs/cluster.md)
  Logs:      var/cluster/nginx/access.log, error.log; the servers' output below
Press Ctrl-C to stop.
MSG
)
echo "==> checking PostgreSQL, Redis and nginx, and bringing the database schema up to date"
echo "==> starting $ACTION_SERVERS action server(s), nginx on ${COACH_CLUSTER_LISTEN:-127.0.0.1}:$PORT and $RASA_SERVERS Rasa servers (loading the model takes a minute or two)"
# exec: Ctrl-C and SIGTERM reach the supervisor itself, which stops every process.
exec .venv/bin/python -m bot.cluster --rasa-servers "$RASA_SERVERS" --action-servers "$ACTION_SERVERS" \
    --port "$PORT" --ready-message "$READY" "$@"
