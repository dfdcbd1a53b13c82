# Front door: `make run` to talk to the coach, `make test` to check everything.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
PY          := $(VENV)/bin/python
RASA        := $(VENV)/bin/rasa
SPACY_MODEL := var/spacy/en_coach
MODEL       := models/coach.tar.gz
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL ?= 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
# No telemetry or error reports leave the machine.
export RASA_TELEMETRY_ENABLED := false
export PYTHONWARNINGS ?= ignore::DeprecationWarning,ignore::PendingDeprecationWarning

# Everything the trained model depends on: retrain only when one of these changes.
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null) bot/rasa_ext/distress.py bot/rasa_ext/unplaced.py bot/rasa_ext/intent_classifier.py bot/safety.py bot/text.py bot/situations.py bot/rasa_ext/situations.py bot/rasa_ext/sklearn_io.py

WEB_VENDOR  := web/vendor/.built

.PHONY: help setup train run shell test test-unit test-rasa test-e2e validate bench clean audit purge browser teams-package cluster cluster-packages

help:
	@echo "make run    set everything up, train if needed, start the coach (web chat at http://localhost:5005/chat)"
	@echo "make test   set everything up and run every test"
	@echo "make shell  chat with the coach in this terminal"
	@echo "make cluster  several Rasa and action servers behind nginx on http://localhost:8080 (PostgreSQL + Redis: docs/cluster.md)"
	@echo "make bench  NLU cross-validation, held-out figures, speed beside the Rasa starter bot, written to results/"
	@echo "make purge  remove stored data older than COACH_RETENTION_DAYS (365); DRY_RUN=1 only counts"
	@echo "make audit  check the pinned dependencies for known vulnerabilities (pip-audit), report in results/"
	@echo "make teams-package  the Microsoft Teams app (COACH_TEAMS_APP_ID set) as dist/coach-teams-app.zip"

setup: $(VENV)/.installed $(SPACY_MODEL)/meta.json $(WEB_VENDOR)

# The chat page's styles and Socket.IO client, from npm (node and npm from Debian when missing).
$(WEB_VENDOR): web/package.json web/package-lock.json scripts/build_web.sh
	@scripts/ensure_packages.sh node:nodejs npm:npm
	@scripts/build_web.sh
	@touch $@

# The browser tests drive Debian's Chromium (no browser download).
browser:
	@scripts/ensure_packages.sh chromium:chromium

# `make cluster` and its tests run Debian's nginx as a child process (never the system service).
cluster-packages:
	@scripts/ensure_packages.sh nginx:nginx

$(VENV)/.installed: requirements.txt constraints.txt scripts/find_python.sh
	@PYTHON_BIN="$$(scripts/find_python.sh)" || exit 1; \
	echo "==> creating $(VENV) with $$PYTHON_BIN"; \
	"$$PYTHON_BIN" -m venv $(VENV)
	@echo "==> installing pinned dependencies (first time: a few minutes, about 2.7 GB)"
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --upgrade "pip<24.1" wheel
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --progress-bar off -r requirements.txt -c constraints.txt
	@touch $@

$(SPACY_MODEL)/meta.json: $(VENV)/.installed scripts/build_spacy.py
	@echo "==> building the local spaCy pipeline"
	$(PY) scripts/build_spacy.py $(SPACY_MODEL)

train: $(MODEL)

$(MODEL): $(TRAINING_INPUTS) | setup
	@echo "==> training the coach (a few minutes on 2 cores)"
	$(RASA) train --fixed-model-name coach --out models
	@touch $@

run: setup $(MODEL)
	@scripts/run.sh

shell: setup $(MODEL)
	@scripts/run.sh shell

# COACH_DATABASE_URL (PostgreSQL) and COACH_REDIS_URL (default redis://127.0.0.1:6379/0) must be set.
cluster: setup $(MODEL) cluster-packages
	@scripts/cluster.sh

validate: setup
	$(RASA) data validate --fail-on-warnings

test: setup browser cluster-packages
	@scripts/test.sh

bench: setup $(MODEL)
	$(PY) scripts/bench.py

# Retention: cron can call `.venv/bin/python -m bot.storage purge` (add --dry-run to count only).
purge: setup
	$(PY) -m bot.storage purge $(if $(DRY_RUN),--dry-run) $(if $(DAYS),--days $(DAYS))

audit: setup
	@scripts/audit.sh

teams-package: setup
	$(PY) scripts/teams_package.py

clean:
	rm -rf models results .pytest_cache
