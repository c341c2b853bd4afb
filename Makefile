# The one entry point: `make run` serves the portal, `make test` runs every test.
# Both create .venv with Python 3.12 or newer (Django 6 needs it) and install the project into it.

PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
# Pytest arguments for `make test`; `make test-fast` skips the browser suite.
PYTEST_ARGS ?=

.PHONY: install install-checkers run test test-fast test-postgres fuzz people serve bench bench-scale mutate mutate-fresh lint format clean

# pyenv reads .python-version (3.13); without pyenv, the first new-enough interpreter wins.
PYTHON_FOR_VENV := $(shell for p in python3.13 python3.12 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	then command -v $$p; break; fi; done)

$(PY):
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then \
		echo "error: this project needs Python 3.12 or newer (Django 6.1 requires it)."; \
		echo "       Tried python3.13, python3.12 and python3. Install one, e.g. 'pyenv install 3.13'."; \
		exit 1; fi
	$(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

install: $(VENV)/.installed

# The page checkers the tests run (tests/quality/): the Nu Html Checker and Lighthouse, from npm,
# as package-lock.json pins them; installed when node_modules is missing or older than the lock.
# --ignore-scripts: vnu-jar's postinstall would download a Java runtime (it cannot here); the
# tests run vnu.jar with the machine's Java (.ci/run installs default-jre-headless).
install-checkers:
	@if [ -f package-lock.json ] && { [ ! -f node_modules/.package-lock.json ] || \
		[ package-lock.json -nt node_modules/.package-lock.json ]; }; then \
		if command -v npm >/dev/null 2>&1; then \
			echo "npm ci (the page checkers)"; npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; \
		else echo "warning: no npm here: the HTML and Lighthouse checks skip (CI fails them)"; fi; \
	fi

# Local development: DEBUG on (so no SECRET_KEY is needed), SQLite unless DATABASE_URL says otherwise.
run: export DEBUG ?= 1
run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_guides
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production shape: settings from the environment (SECRET_KEY required; DATABASE_URL, REDIS_URL,
# ALLOWED_HOSTS, ...), migrations, hashed and compressed static files, gunicorn (gunicorn.conf.py).
serve: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) manage.py seed_guides
	PORT=$(PORT) $(VENV)/bin/gunicorn --config gunicorn.conf.py

test: export SECRET_KEY ?= insecure-key-for-tests-only
test: install install-checkers
	$(PY) -m pytest $(PYTEST_ARGS)
	@echo "Screenshots of the main pages (narrow and wide): $(CURDIR)/test-artifacts/screenshots/"

test-fast: export SECRET_KEY ?= insecure-key-for-tests-only
test-fast: install install-checkers
	$(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

# The fast tests on PostgreSQL alone.
test-postgres: export SECRET_KEY ?= insecure-key-for-tests-only
test-postgres: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
test-postgres: install install-checkers
	$(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

# Load benchmark: first views of step pages by 2,000 visitors at different steps, saves as they
# happen, the sidebar, the task list and share pages, each against /healthz in the same run; SQLite,
# or PostgreSQL (+ Redis) with DATABASE_URL (and REDIS_URL). BENCH_ARGS, e.g. "--workers 2
# --seconds 5 --rounds 3 --visitors 2000 --only first-view,step-saved". Then the PostgreSQL scale
# check (a million journeys; DATABASE_URL names a scratch database).
bench: install
	$(PY) bench/load.py $(BENCH_ARGS)

bench-scale: install
	$(PY) bench/scale.py $(BENCH_ARGS)

# The property-based tests with Hypothesis's large "nightly" profile, fresh random inputs each
# run (`make test` uses the "ci" profile: fixed inputs, over 10,000 cases, a minute or so).
fuzz: export SECRET_KEY ?= insecure-key-for-tests-only
fuzz: install
	HYPOTHESIS_PROFILE=nightly $(PY) -m pytest tests/test_fuzz_forms.py tests/test_fuzz_requests.py $(PYTEST_ARGS)

# Simulated people (200 by default) walk the whole guide against gunicorn, then the database is
# checked: 0 errors, 0 lost, 0 duplicated. PostgreSQL when DATABASE_URL is set, else SQLite.
# PEOPLE_ARGS, e.g. "--workers 4 --restart-postgres-at 20" (see bench/people.py --help).
PEOPLE_ARGS ?=
people: install
	$(PY) bench/people.py $(PEOPLE_ARGS)

# Mutation testing of the core modules ([tool.mutmut] in pyproject.toml: which files, which fast
# tests), SQLite and the local-memory cache, then the score per module and the survivors. A full
# run takes longer than a working session on a 2-core machine, so it goes on where the last one
# stopped: the verdicts are kept in bench/mutation-results.tar.gz (bench/mutation_cache.py says
# what is checked again). MUTANTS checks only the mutants it names, e.g.
# `make mutate MUTANTS='onboarding.guides.conditions*'`; `make mutate-fresh` starts from nothing.
# Not in CI: it takes hours.
MUTANTS ?=
mutate: export SECRET_KEY ?= insecure-key-for-tests-only
mutate: install
	$(PY) bench/mutation_cache.py restore
	env -u DATABASE_URL -u REDIS_URL -u DEBUG $(VENV)/bin/mutmut run $(MUTANTS); \
		status=$$?; $(PY) bench/mutation_cache.py save; exit $$status
	$(VENV)/bin/mutmut results
	$(PY) bench/mutation_score.py

mutate-fresh:
	rm -rf mutants bench/mutation-results.tar.gz
	$(MAKE) mutate

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles node_modules mutants
