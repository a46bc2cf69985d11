# Victims Code Action Tracker: set up, run and test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
PORT ?= 5000
export TRACKER_INSTANCE_PATH ?= $(CURDIR)/instance

.PHONY: run test setup system-deps venv bench-deps lock assets db serve scheduler lint bench load guide clean

## make run: set everything up, load the demo plan if the database is empty, start the app and scheduler
run: setup db
	@echo "Starting the tracker on http://127.0.0.1:$(PORT) (Ctrl+C to stop)"
	RUN_SCHEDULER=1 $(FLASK) run --host 127.0.0.1 --port $(PORT)

## make test: run the whole suite on SQLite; then, when TEST_DATABASE_URL is set, every test that
## uses the database again on PostgreSQL (but the browser page audits). Tests run in parallel, one
## pytest-xdist worker per CPU (TEST_WORKERS=0 for one process), each with its own database; a test
## file stays on one worker.
TEST_WORKERS ?= auto
PYTEST := $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile
test: setup
	env -u TEST_DATABASE_URL TEST_POSTGRES_URL="$$TEST_DATABASE_URL" $(PYTEST)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "Running the tests that use the database again on PostgreSQL ($$TEST_DATABASE_URL)"; \
		$(PYTEST) --database-tests-only; \
	fi

setup: system-deps venv assets oidc-provider

# Debian packages the tracker needs: Chromium for browser tests, fonts and Pango for WeasyPrint, Node for assets.
system-deps:
	@packages=""; \
	command -v chromium >/dev/null || packages="$$packages chromium"; \
	command -v node >/dev/null || packages="$$packages nodejs"; \
	command -v npm >/dev/null || packages="$$packages npm"; \
	ldconfig -p | grep -q libpangoft2-1.0 || packages="$$packages libpango-1.0-0 libpangoft2-1.0-0"; \
	fc-list 2>/dev/null | grep -qi "liberation sans" || packages="$$packages fonts-liberation"; \
	if [ -n "$$packages" ]; then \
		echo "Installing system packages:$$packages"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$packages >/dev/null; \
	fi

venv: $(VENV)/.installed

# Every package, transitive ones too, is pinned with its hashes: pip refuses a file that differs.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q --require-hashes -r requirements-dev.txt
	touch $@

# The benchmark and load run's own packages (locust, psutil), kept out of the app and the tests.
bench-deps: $(VENV)/.bench-installed

$(VENV)/.bench-installed: $(VENV)/.installed requirements-bench.txt
	$(VENV)/bin/pip install -q --require-hashes -r requirements-bench.txt
	touch $@

## make lock: after changing requirements*.in, pin every package again with its hashes (pip-tools)
LOCK := $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-find-links --no-emit-index-url
lock: venv
	$(VENV)/bin/pip install -q pip-tools
	$(LOCK) -o requirements.txt requirements.in
	$(LOCK) -o requirements-dev.txt requirements-dev.in
	$(LOCK) -o requirements-bench.txt requirements-bench.in

assets: tracker/static/govuk/app.css

tracker/static/govuk/app.css: package.json $(wildcard tracker/static/src/*.scss)
	npm ci --no-audit --no-fund --silent
	mkdir -p tracker/static/govuk tracker/static/vendor
	rm -rf tracker/static/govuk/assets
	cp -r node_modules/govuk-frontend/dist/govuk/assets tracker/static/govuk/assets
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js tracker/static/govuk/
	cp node_modules/axe-core/axe.min.js tracker/static/vendor/axe.min.js
	npm run --silent build

# The OpenID provider the single sign-on tests run (tests/oidc), from its own lock file.
.PHONY: oidc-provider
oidc-provider: tests/oidc/node_modules/.package-lock.json

tests/oidc/node_modules/.package-lock.json: tests/oidc/package.json tests/oidc/package-lock.json
	cd tests/oidc && npm ci --no-audit --no-fund --silent

## make db: create or upgrade the database; load the demo plan only when it has no actions
db: setup
	$(FLASK) tracker init
	$(FLASK) tracker demo --if-empty

## make serve: the production shape on one machine (gunicorn workers + scheduler process); see docs/operations.md
serve: setup
	@test -n "$$DATABASE_URL" || (echo "Set DATABASE_URL (PostgreSQL) and SECRET_KEY first; see docs/operations.md" && exit 1)
	TRACKER_ENV=production $(FLASK) tracker init
	@TRACKER_ENV=production $(FLASK) scheduler run & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null; wait $$scheduler 2>/dev/null' EXIT INT TERM; \
	TRACKER_ENV=production $(VENV)/bin/gunicorn --config gunicorn.conf.py wsgi:app

## make guide: take the user guide's screenshots (docs/guide/*.png) over a fresh demo plan
guide: setup
	$(PY) -m tests.browser.guide

## make bench: load the demo plan into fresh databases and measure pages, queries, jobs, PDF and xlsx
## (SQLite; PostgreSQL when DATABASE_URL names a server). BENCH_ARGS="--actions 500 --only pages,queries"
bench: setup bench-deps
	$(PY) -m bench.run $(BENCH_ARGS)

## make load: 50 simulated staff for 60 s against gunicorn with 4 workers on PostgreSQL (DATABASE_URL)
load: setup bench-deps
	@test -n "$$DATABASE_URL" || (echo "Set DATABASE_URL to a PostgreSQL server, e.g. postgresql://postgres@127.0.0.1:5432/postgres" && exit 1)
	$(PY) -m bench.load $(LOAD_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest -n 0 -q -p no:cacheprovider tests/unit/test_dead_code.py

clean:
	rm -rf $(VENV) node_modules tracker/static/govuk tracker/static/vendor .pytest_cache
