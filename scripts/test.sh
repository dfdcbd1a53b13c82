#!/usr/bin/env bash
# Everything `make test` runs, in one pytest session so the closing line counts it all:
# unit and storage tests, action tests on a real SQLite file (and PostgreSQL when
# COACH_TEST_POSTGRES_URL is set), `rasa data validate`, `rasa test` on the test
# stories, and end-to-end conversations against real servers on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore::DeprecationWarning}" RASA_TELEMETRY_ENABLED=false PYTHONPATH="$PWD" TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
export PYTHONPATH="$PWD"
make --no-print-directory train
exec .venv/bin/python -m pytest tests -q -p no:cacheprovider --durations=8 "$@"
