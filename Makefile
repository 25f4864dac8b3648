# Talent Bridge: the two commands a new user needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve test test-postgres lint bench loadtest eval migrate demo clean help translations translations-update
TRANSLATIONS := web/translations
CATALOGUES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)

help:
	@echo "make run    - set up, migrate, load the demo and serve on http://$(HOST):$(PORT)"
	@echo "make serve  - production: migrate DATABASE_URL, then gunicorn (gunicorn.conf.py)"
	@echo "make test   - run the whole test suite (SQLite)"
	@echo "make test-postgres - the suite against TEST_DATABASE_URL (PostgreSQL)"
	@echo "make lint   - ruff"
	@echo "make bench  - the benchmarks under bench/"
	@echo "make loadtest - Locust, 200 users for 5 min against gunicorn + PostgreSQL (bench/load-report.md)"
	@echo "make translations-update - extract marked strings into the catalogues"
	@echo "make eval   - NDCG@10 of the matcher and two baselines on the labelled set"

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installed requirements are stamped so that a change to either file reinstalls.
$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Compiled catalogues (.mo) are built from the committed .po files, never committed.
translations: $(VENV)/.installed $(CATALOGUES:.po=.mo)

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS) -l $*

# After marking new strings: extract them and merge into every catalogue, then translate.
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -w 100 -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete -w 100

migrate: $(VENV)/.installed translations
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo

run: demo
	@echo "Serving Talent Bridge on http://$(HOST):$(PORT) (Ctrl-C to stop)."
	@echo "Demo logins are printed above and kept in instance/demo-logins.txt."
	$(FLASK) run --host $(HOST) --port $(PORT)

# Production: APP_ENV=production, SECRET_KEY and DATABASE_URL set (README, "Running in
# production"); the schema is migrated first, then gunicorn serves with gunicorn.conf.py.
serve: $(VENV)/.installed translations
	@test "$$APP_ENV" = production || { echo "make serve is for production: set APP_ENV=production (make run is for development)."; exit 2; }
	@test -n "$$SECRET_KEY" || { echo "Set SECRET_KEY: python3 -c 'import secrets; print(secrets.token_hex(32))'"; exit 2; }
	@test -n "$$DATABASE_URL" || { echo "Set DATABASE_URL, e.g. postgresql://talent:PASSWORD@db.internal:5432/talent_bridge"; exit 2; }
	$(FLASK) db upgrade
	exec $(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

test: $(VENV)/.installed-dev translations
	$(BIN)/pytest

test-postgres: $(VENV)/.installed-dev translations
	@test -n "$$TEST_DATABASE_URL" || { echo "Set TEST_DATABASE_URL to a PostgreSQL URL."; exit 2; }
	$(BIN)/pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(VENV)/.installed-dev
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# PostgreSQL and Redis on 127.0.0.1; about 15 minutes. LOADTEST_ARGS="--help" lists options
# (reuse a loaded database, keep the scratch one, fewer users, a shorter run).
loadtest: $(VENV)/.installed-dev translations
	$(BIN)/python bench/load_test.py $(LOADTEST_ARGS)

eval: $(VENV)/.installed-dev
	$(BIN)/python -m matching.evaluate

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
