# The two commands a new machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-sqlite test-postgres lint bench sandbox browser postgres screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Serve the app on http://$(HOST):$(PORT); with no WEBAPP_FLOQER_BASE_URL, on the built-in sandbox.
run: $(STAMP)
	$(BIN)/python -m webapp migrate
	$(BIN)/python -m webapp serve --host $(HOST) --port $(PORT)

## Run the standalone Floqer sandbox on :8100.
sandbox: $(STAMP)
	$(BIN)/python -m webapp sandbox --port 8100

## Debian's chromium for the browser tests (Playwright drives /usr/bin/chromium).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

## Debian's PostgreSQL server programs, for the suite's Postgres run (the tests start and
## stop a throw-away server of their own; nothing is left running).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
		echo "installing Debian's postgresql for the tests' Postgres run"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; }

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/hadolint Dockerfile

## Everything: lint, types, then the whole suite (browser tests included) on SQLite, then
## again on PostgreSQL, each on two workers (a test file stays on one worker, so
## module-wide fixtures are built once).
test: $(STAMP) browser postgres lint test-sqlite test-postgres

test-sqlite: $(STAMP) browser
	$(BIN)/pytest -n 2 --dist loadfile

test-postgres: $(STAMP) browser postgres
	WEBAPP_TEST_DATABASE=postgres $(BIN)/pytest -n 2 --dist loadfile

## The README's pictures (docs/screenshots/), taken from the sandbox in chromium.
screenshots: $(STAMP) browser
	$(BIN)/python -m tests.screenshots

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
