# SchoolFit — `make run` serves the app with demo data, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install translations messages system-deps oidc-provider axe-core lint format test-sqlite test-postgresql bench bench-group bench-quick bench-phone bench-sync bench-reports clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

translations: install
	$(BIN)/pybabel compile -d app/translations

## Re-extract the Dutch source strings and update the English catalogue.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations
	$(BIN)/python scripts/fill_translations.py

run: install translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) run --host $(HOST) --port $(PORT)

system-deps:
	bash scripts/ensure-system-deps.sh

## The OpenID provider of the single sign-on tests: `npm ci` of tests/oidc into a cache, once.
oidc-provider: install system-deps
	$(BIN)/python -m tests.oidcserver

## axe-core for the accessibility tests: `npm ci` of tests/axe into a cache, once.
axe-core: install system-deps
	$(BIN)/python -m tests.e2e.axe_helpers

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit --quiet --recursive app config --severity-level high
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test-sqlite: install translations
	$(BIN)/pytest --db sqlite

test-postgresql: install translations
	$(BIN)/pytest --db postgresql

## Every test, on SQLite and PostgreSQL side by side, the page walks in a third process
## (scripts/test-both-databases.sh).
test: install translations system-deps oidc-provider axe-core lint
	BIN=$(BIN) bash scripts/test-both-databases.sh

## Issue 24's budgets at 10× (24,000 students, 6 M absence rows), each beside its same-run baseline:
## bench.quick at 10×, the floor sync, the phone figures (docs/benchmarks.md); about half an hour.
bench: install translations system-deps
	bash bench/ensure-deps.sh
	$(BIN)/python -m bench.run

## The school-group survey of issue 9 (1/10, 1× and 10×: imports, page timings, transfer sizes,
## the floor sync under wrk): about 25 minutes.
bench-group: install translations system-deps
	bash bench/ensure-deps.sh
	$(BIN)/python -m bench.group_bench

## Issue 24's budgets at 1/10 and 1×, each figure beside a baseline measured in the same run
## (docs/benchmarks.md): a few minutes, for a development loop.
bench-quick: install translations system-deps
	$(BIN)/python -m bench.quick

## The floor sync API beside a bare WSGI baseline (bench/bare_sync.py) under the same gunicorn
## and wrk, in turns, medians of 3 (docs/benchmarks.md): about 8 minutes.
bench-sync: install translations system-deps
	bash bench/ensure-deps.sh
	$(BIN)/python -m bench.sync_bench

## Issue 24's phone figures: tap → entry at 4× CPU beside first paint, first load on Slow 4G
## (LCP), Lighthouse 12's score (npm ci of bench/lighthouse into a cache, once); about 2 minutes.
bench-phone: install translations system-deps
	$(BIN)/python -m bench.phone_bench

## The school-year report at 10× (24,000 students, 6 million absence rows) beside one SQL
## GROUP BY, on a SQLite file written once (about 5 minutes) and kept for later runs.
REPORT_DB ?= /tmp/schoolfit-board10.db
bench-reports: install translations
	$(BIN)/python -m bench.report_bench --url sqlite:///$(REPORT_DB) --scale 10 --compare

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
