#!/usr/bin/env bash
# Start the action server (:5055) and the Rasa server (:5005), or the terminal chat.
# The servers run under a supervisor (bot/supervise.py) that restarts either one if it stops
# (with back-off, logged). Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore::DeprecationWarning}" RASA_TELEMETRY_ENABLED=false PYTHONPATH="$PWD" TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
MODE="${1:-server}"
RASA_PORT="${RASA_PORT:-5005}"
ACTIONS_PORT="${ACTIONS_PORT:-5055}"
RASA=.venv/bin/rasa

.venv/bin/python -m bot.storage upgrade
# The secret the Rasa server sends with every action call (endpoints.yml); made once under var/.
COACH_ACTION_SECRET="${COACH_ACTION_SECRET:-$(.venv/bin/python -m bot.action_server --print-secret)}"
export COACH_ACTION_SECRET

if [ "$MODE" != "shell" ]; then
    # The supervisor prints this once both servers answer for the first time.
    READY=$(cat <<MSG

The coach is ready.
  Web chat:  http://localhost:$RASA_PORT/chat
  REST:      curl -s localhost:$RASA_PORT/webhooks/rest/webhook -d '{"sender":"'"$(head -c12 /dev/urandom | od -An -tx1 | tr -d ' \n')"'","message":"hello"}'
  Socket.IO: http://localhost:$RASA_PORT/socket.io  (docs/web-protocol.md)
  Terminal:  make shell
Press Ctrl-C to stop.
MSG
)
    echo "==> starting the action server on 127.0.0.1:$ACTIONS_PORT"
    echo "==> starting the coach on ${COACH_HOST:-127.0.0.1}:$RASA_PORT (loading the model takes about a minute)"
    # The same commands as `shell` mode below and as before (bot.supervise.coach_children: the
    # secret and COACH_HOST / COACH_RASA_API_TOKEN / COACH_CORS_ORIGINS from this environment).
    # exec: Ctrl-C and SIGTERM reach the supervisor itself, which stops both servers.
    exec .venv/bin/python -m bot.supervise --rasa-port "$RASA_PORT" --actions-port "$ACTIONS_PORT" \
        --ready-message "$READY"
fi

# The terminal chat: the action server in the background, `rasa shell` in the foreground.
PIDS=()
cleanup() {
    trap - INT TERM EXIT
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    echo "coach stopped."
}
trap cleanup INT TERM EXIT

echo "==> starting the action server on 127.0.0.1:$ACTIONS_PORT"
.venv/bin/python -m bot.action_server --port "$ACTIONS_PORT" --quiet &
PIDS+=($!)

# The terminal chat's server serves no download links: exports are written as files here.
export COACH_EXPORT_DIR="${COACH_EXPORT_DIR:-$PWD/var/exports}"
"$RASA" shell -m models/coach.tar.gz --endpoints endpoints.yml --quiet
