# The Makefile is the interface: CI calls the same targets as a developer.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# manage.py defaults to config.settings.dev; the test suite always runs config.settings.test.

.PHONY: demo test install lint types format bench-web bench-allocation bench-camping worker run clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev]"
	touch $@

install: $(VENV)/.installed

## make demo — install, migrate the SQLite database, load the demo edition, start the worker and the web app
demo: install
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	@echo "Application : http://127.0.0.1:$(PORT)/  (Ctrl-C pour arrêter)"
	@$(BIN)/python manage.py db_worker --interval 1 & WORKER=$$!; \
	  trap "kill $$WORKER 2>/dev/null" EXIT INT TERM; \
	  $(BIN)/gunicorn -c config/gunicorn_demo.py --bind 127.0.0.1:$(PORT)

## make test — lint, format check, import contracts, types, migrations check, the whole test suite
test: install
	@mkdir -p var
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest --ds=config.settings.test -n 2 -q

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

## make types — import contracts and mypy alone (incremental: .mypy_cache)
types: install
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

lock: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]" && $(BIN)/pip freeze --exclude-editable > requirements.lock

clean:
	rm -rf $(VENV) var

## make bench-web — the demo data served by gunicorn (production settings), pages measured at concurrency 10
bench-web: install
	@mkdir -p var
	$(BIN)/python bench/web.py $(BENCH_ARGS)

## make bench-allocation — 10 000 synthetic projects: first come first served, greedy and CP-SAT side by side
bench-allocation: install
	$(BIN)/python bench/allocation.py $(BENCH_ARGS)

## make bench-camping — the camping week planner on ~1,100 synthetic people: CP-SAT vs greedy, then scaling to 10,000
bench-camping: install
	$(BIN)/python bench/camping.py $(BENCH_ARGS)

## make audit-deps — known vulnerabilities in requirements.lock (pip-audit in its own venv); fails on
## one, and on a run that could not read the vulnerability data unless AUDIT_UNREACHABLE=warn
AUDIT_VENV := .venv-audit
AUDIT_UNREACHABLE ?= fail
.PHONY: audit-deps

$(AUDIT_VENV)/.installed: .ci/audit-requirements.txt
	$(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/pip install --quiet --no-deps -r .ci/audit-requirements.txt
	touch $@

audit-deps: $(AUDIT_VENV)/.installed
	$(AUDIT_VENV)/bin/python .ci/audit_deps.py requirements.lock --unreachable=$(AUDIT_UNREACHABLE)

## make openfisca — openfisca-france in its own venv (bench only: its pins clash with requirements.lock)
OPENFISCA_VENV := .venv-openfisca
.PHONY: openfisca bench-openfisca

$(OPENFISCA_VENV)/.installed: bench/openfisca/requirements.txt
	$(PYTHON) -m venv $(OPENFISCA_VENV)
	$(OPENFISCA_VENV)/bin/pip install --quiet -r bench/openfisca/requirements.txt
	touch $@

openfisca: $(OPENFISCA_VENV)/.installed

## make bench-openfisca — a generated population through openfisca-france's depart1825_* variables
bench-openfisca: openfisca
	@mkdir -p bench/out
	$(PYTHON) bench/openfisca/generate.py bench/out/depart1825-in.json $(GENERATE_ARGS)
	$(OPENFISCA_VENV)/bin/python bench/openfisca/depart1825.py bench/out/depart1825-in.json bench/out/depart1825-openfisca.json

## make bench-rules — eligibility + financing plan for every demo household; openfisca-france side by side
.PHONY: bench-rules
bench-rules: install openfisca
	@mkdir -p var
	$(BIN)/python bench/rules.py $(BENCH_ARGS)

## make bench-bilan — the bilan on the demo edition (fresh SQLite, or BENCH_ARGS="--database-url …"): dashboard p95, seconds per funder PDF, naive per-row baseline
.PHONY: bench-bilan
bench-bilan: install
	@mkdir -p var/bench
	$(BIN)/python bench/bilan.py $(BENCH_ARGS)
.PHONY: bench-checkin bench-invitations
## make bench-checkin — Fête check-ins on the production server (fresh PostgreSQL database), concurrency 20 for 30 s
bench-checkin: install
	@mkdir -p var
	$(BIN)/python bench/checkin.py $(BENCH_ARGS)

## make bench-import — a commune's file of 5,000 rows: read, dry run (XLSX and CSV), import, re-import (fresh SQLite, or BENCH_ARGS="--database-url …")
.PHONY: bench-import
bench-import: install
	@mkdir -p var/bench
	$(BIN)/python bench/imports.py $(BENCH_ARGS)

## make bench-invitations — one PDF invitation letter with its QR code for each of 5,000 households
bench-invitations: install
	@mkdir -p var
	$(BIN)/python bench/invitations.py $(BENCH_ARGS)
