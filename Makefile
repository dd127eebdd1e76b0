# Espace Citoyen — every target documents itself: `make help`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# make run serves a local demo: DEBUG on, the demo mailbox instead of SMTP.
RUN_ENV := DEBUG=$${DEBUG:-1} SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)}

.DEFAULT_GOAL := help
.PHONY: help run demo test test-fast test-e2e lint format check bench bench-rush bench-billing bench-allocation lock clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 est requis ($(PYTHON) introuvable)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

run: $(VENV)/.installed ## Install, migrate SQLite, load the demo commune and serve http://127.0.0.1:8000
	$(RUN_ENV) $(PY) manage.py migrate --no-input
	$(RUN_ENV) $(PY) manage.py demo
	@echo "Espace Citoyen : http://$(HOST):$(PORT)/  (Ctrl+C pour arrêter)"
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

demo: $(VENV)/.installed ## Load or refresh the demo commune (idempotent)
	$(RUN_ENV) $(PY) manage.py migrate --no-input
	$(RUN_ENV) $(PY) manage.py demo

test: $(VENV)/.installed-dev ## The whole suite: unit, views, concurrency and browser journeys
	$(BIN)/pytest -q -n $${PYTEST_WORKERS:-2} -m "not e2e and not concurrency and not transactional"
	$(BIN)/pytest -q -n $${PYTEST_WORKERS:-2} --dist loadgroup -m "e2e or concurrency or transactional"

test-fast: $(VENV)/.installed-dev ## The suite without the browser journeys
	$(BIN)/pytest -q -m "not e2e and not concurrency and not transactional" -n $${PYTEST_WORKERS:-2}

test-e2e: $(VENV)/.installed-dev ## Only the browser journeys (needs /usr/bin/chromium)
	$(BIN)/pytest -q -m e2e -n $${PYTEST_WORKERS:-2} --dist loadgroup

lint: $(VENV)/.installed-dev ## ruff check, ruff format --check, the import contract, makemigrations --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.installed-dev ## Format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: $(VENV)/.installed ## Django's deployment checks with production-like settings
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') SEPA_ENCRYPTION_KEY=$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') ALLOWED_HOSTS=example.org $(PY) manage.py check --deploy --fail-level WARNING

bench: $(VENV)/.installed-dev ## Run the benchmarks of bench/ (needs PostgreSQL on 127.0.0.1)
	$(MAKE) bench-rush
	$(MAKE) bench-billing

bench-rush: $(VENV)/.installed-dev ## Opening day: RUSH_FAMILIES (2500) families book one scarce week, open-loop (gunicorn + PostgreSQL)
	$(PY) bench/opening.py

bench-allocation: $(VENV)/.installed-dev ## Fair allocation: 5,000 requests for 2,000 places over 8 weeks (pure rules, under 5 s)
	$(PY) bench/allocation.py

lock: ## Re-pin requirements from a fresh environment (after editing pyproject.toml)
	rm -rf /tmp/ec-lock && $(PYTHON) -m venv /tmp/ec-lock
	/tmp/ec-lock/bin/pip install --quiet .
	/tmp/ec-lock/bin/pip freeze --exclude espace-citoyen > requirements.txt.new
	@echo "Compare requirements.txt.new with requirements.txt, then replace it."

clean: ## Remove the virtual environment and local data (var/)
	rm -rf $(VENV) var

bench-billing: $(VENV)/.installed-dev ## Monthly billing: BENCH_CHILDREN (10,000) children, a school year (~2M rows), 1,000 vs 10,000 (PostgreSQL)
	$(PY) bench/billing.py
