# Two commands do everything on a fresh machine with Python >= 3.11:
#   make demo   run the platform with the Tiền Giang demo data
#   make test   run the whole test suite
# With no DATABASE_URL / REDIS_URL, embedded PostgreSQL and Redis start under .data/.
# Python 3.11/3.12 are preferred: the embedded Redis wheel has no 3.13 build (it compiles).

PYTHON ?= $(shell for p in python3.12 python3.11 python3 python3.13; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test lint format bench clean prod-local

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (python3 --version)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[embedded,dev]'
	@touch $(STAMP)

# axe-core (npm) for the accessibility checks of the browser tests, into node_modules/.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json
	@if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --silent && touch $(AXE); \
	else echo "npm is not installed: browser tests skip their axe-core checks (apt-get install npm)"; fi

install: $(STAMP) $(AXE)

demo: install
	$(BIN)/gianhang demo

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy platform/gianhang platform/core tenants privacy catalog logistics distribution reporting
	PYTHONPATH=platform:. $(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The production topology natively (Caddy, PgBouncer, Redis, PostgreSQL from Debian):
# deploy/RUNBOOK.md. PROD_LOCAL_ARGS="--https-port 443 --http-port 80" for the real ports.
prod-local: install
	$(BIN)/python deploy/prod_local.py $(PROD_LOCAL_ARGS)

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .data build *.egg-info .pytest_cache .mypy_cache .ruff_cache
