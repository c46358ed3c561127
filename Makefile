# The two commands: `make run` and `make test`. Everything else is reached from them.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
HOST ?= 127.0.0.1:8000
DATABASE_URL_TEST ?= postgres://postgres@127.0.0.1:5432/test
# Dropped and recreated by every `make loadtest`.
LOADTEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/loadtest
LOADTEST_ARGS ?=
# Dropped and recreated by every `make simulate-round` (the name must start with simround).
SIMULATE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/simround
SIMULATE_ARGS ?=
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: run setup test test-sqlite test-postgres lint format bench loadtest simulate-round \
	simulate-round-faults messages clean

run: setup
	$(PY) manage.py runserver $(HOST)

setup: $(VENV)/.runtime-installed
	$(PY) manage.py migrate --no-input -v 0
	@# The compiled catalogues are committed; rebuild them when gettext is installed.
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages -v 0 --ignore=.venv; fi
	$(PY) manage.py load_reference_data
	$(PY) manage.py load_demo

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: lint test-sqlite test-postgres

test-sqlite: $(VENV)/.dev-installed
	DATABASE_URL=sqlite:///test-db.sqlite3 $(PY) -m pytest

test-postgres: $(VENV)/.dev-installed
	@if $(PY) -c "import psycopg; psycopg.connect('$(DATABASE_URL_TEST)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "Running the suite on PostgreSQL ($(DATABASE_URL_TEST))"; \
		DATABASE_URL='$(DATABASE_URL_TEST)' $(PY) -m pytest; \
	elif [ "$(REQUIRE_POSTGRES)" = "1" ]; then \
		echo "PostgreSQL is not reachable at $(DATABASE_URL_TEST) and REQUIRE_POSTGRES=1"; exit 1; \
	else \
		echo "PostgreSQL not reachable at $(DATABASE_URL_TEST): skipped the PostgreSQL run (set DATABASE_URL_TEST or start it)."; \
	fi

# On PostgreSQL when it is reachable (as in production), otherwise on SQLite.
bench: $(VENV)/.dev-installed
	@if $(PY) -c "import psycopg; psycopg.connect('$(DATABASE_URL_TEST)', connect_timeout=3).close()" 2>/dev/null; then \
		DATABASE_URL='$(DATABASE_URL_TEST)' $(PY) manage.py bench --output bench-results.json; \
	else \
		echo "PostgreSQL not reachable at $(DATABASE_URL_TEST): benchmarking on SQLite."; \
		DATABASE_URL=sqlite:///bench-db.sqlite3 $(PY) manage.py bench --output bench-results.json; \
	fi

# gunicorn on 127.0.0.1 with the production settings; the save cycle at concurrency 10 then 50.
# E.g. `make loadtest LOADTEST_ARGS="--duration 60 --concurrency 10,50,100"`.
loadtest: $(VENV)/.runtime-installed
	$(PY) -m loadtest --database-url '$(LOADTEST_DATABASE_URL)' --output bench-results.json $(LOADTEST_ARGS)

# A whole round of the 197 countries over HTTP (gunicorn on 127.0.0.1, production settings), then
# the end checks. E.g. `make simulate-round SIMULATE_ARGS="--concurrency 32 --workers 4"`.
simulate-round: $(VENV)/.runtime-installed
	$(PY) -m simround --database-url '$(SIMULATE_DATABASE_URL)' --output bench-results.json $(SIMULATE_ARGS)

# The same with the mail server refusing connections and a private PostgreSQL restarted mid-run.
simulate-round-faults: $(VENV)/.runtime-installed
	$(PY) -m simround --fault mail --fault database --output bench-results.json $(SIMULATE_ARGS)

messages: $(VENV)/.dev-installed
	$(PY) manage.py makemessages -l fr -l es --ignore=.venv --ignore=staticfiles --no-obsolete
	$(PY) manage.py makemessages -d djangojs -l fr -l es --ignore=.venv --ignore=staticfiles --ignore='policyindex/static/vendor/*' --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 test-db.sqlite3 staticfiles bench-results.json
