# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(PY) -m flask
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/marketplace_test
export FLASK_APP := wsgi.py

.PHONY: run test install install-test services translations check-translations db demo clean pages

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

clean:
	rm -rf $(VENV) instance/*.sqlite .pytest_cache
