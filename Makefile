# rocu — the two commands are `make demo` and `make test`.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip
STAMP := $(VENV)/.installed
STATIC := rocu/static/rocu/rocu.css
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
export DJANGO_SETTINGS_MODULE := rocu.settings

.PHONY: install demo test test-sqlite test-postgres bench reliability lint format browser-deps clean

install: $(STAMP) $(STATIC)

$(STAMP): pyproject.toml constraints.txt
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

$(STATIC): $(STAMP) package.json package-lock.json frontend/build.mjs frontend/rocu.scss frontend/*.js
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	$(BIN)/python -c "import pathlib, shutil, plotly; shutil.copy(pathlib.Path(plotly.__file__).parent / 'package_data' / 'plotly.min.js', 'rocu/static/rocu/plotly.min.js')"
	touch $(STATIC)

# Debian's Chromium for the browser tests; installed only when missing (needs root).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium missing: run 'sudo apt-get install chromium' for the browser tests"; fi; fi

demo: export ROCU_DEMO := 1
demo: export ROCU_DEBUG := 1
demo: install
	$(BIN)/rocu migrate --no-input -v 0
	$(BIN)/rocu seed-demo
	@echo "Serving http://127.0.0.1:8000 with a background task worker (Ctrl-C stops both)"
	@$(BIN)/rocu db_worker --interval 0.5 >var/worker.log 2>&1 & worker=$$!; \
	  trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  $(BIN)/rocu runserver 127.0.0.1:8000

# SQLite always; PostgreSQL too when a server answers (and always when CI=true). The
# PostgreSQL leg leaves out the browser journeys and the pure engine tests (no database).
test: install browser-deps
	$(BIN)/pytest -n 2 --dist loadgroup -q
	@if [ -n "$$CI" ] || $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=2).close()" 2>/dev/null; then \
	  echo "== PostgreSQL ($(PG_URL)) =="; \
	  DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 --dist loadgroup -q -m "not browser and not reliability_full and not no_database"; \
	else echo "== PostgreSQL not reachable at $(PG_URL): suite ran on SQLite only =="; fi

bench: install
	$(BIN)/python -m benchmarks

# The long reliability set: fuzzing, faults and hostile input at length, a load test
# (gunicorn + PostgreSQL + demo at --scale 50, 50 users), backup and restore; one table.
reliability: install
	$(BIN)/python -m reliability

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy rocu
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules rocu/static/rocu var .pytest_cache
