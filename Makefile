# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(PY) -m flask
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/marketplace_test
export FLASK_APP := wsgi.py

.PHONY: run test install install-test services translations check-translations db demo clean pages load

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt $(VENV)/.installed
	$(PY) -m pip install -q -r requirements-test.txt
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

translations: install
	$(FLASK) translate compile

check-translations: install
	$(FLASK) translate check

db: install
	mkdir -p instance
	$(FLASK) db upgrade

demo: db
	$(FLASK) demo load

## make run: set up, migrate the SQLite database, load the demo if empty, serve on 127.0.0.1:5000
run: translations demo
	$(FLASK) demo logins
	$(FLASK) run --host 127.0.0.1 --port 5000

## make test: the whole suite on SQLite, then again on PostgreSQL
services:
	bash scripts/ensure-services.sh

test: install-test services translations check-translations
	$(PY) -m pytest -q
	TEST_DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest -q -m "not browser"

## make pages: the page budgets on the demo season, with Lighthouse's mobile scores (Lighthouse from npm)
.tools/node_modules/.bin/lighthouse:
	npm install --silent --no-audit --no-fund --prefix .tools lighthouse@12

pages: install-test .tools/node_modules/.bin/lighthouse
	$(PY) -m bench.pages --lighthouse .tools/node_modules/.bin/lighthouse

## make load: the load benchmark (gunicorn and wrk on the demo at 10,000 farmers on PostgreSQL; bench/load.py);
## LOAD_ARGS="--rebuild" builds its database again, LOAD_ARGS="--duration 30" runs longer
load: install
	@if ! command -v wrk >/dev/null 2>&1; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 || \
	      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }; \
	  else \
	    echo "make load needs wrk, and apt-get is not available here (or not as root): install wrk and run again" >&2; \
	    exit 1; \
	  fi; \
	fi
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "make load needs PostgreSQL on 127.0.0.1:5432 (make services starts it)" >&2; exit 1; }
	$(PY) -m bench.load $(LOAD_ARGS)

clean:
	rm -rf $(VENV) instance/*.sqlite .pytest_cache
