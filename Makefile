# Two set-up commands for a fresh machine: `make run` and `make test` (see README.md).
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
OUT ?= dist
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install system-deps run build serve test check lint format bench vendor clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian packages the tests and benchmarks need: headless Chromium and its driver (the browser
# test), Virtuoso (kg publish into a production triple store; the tests start and stop it
# themselves) and wrk (the HTTP throughput benchmark and its smoke test).
system-deps:
	@{ command -v chromium && command -v chromedriver && command -v virtuoso-t && command -v wrk; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    chromium chromium-driver virtuoso-opensource wrk >/dev/null; }

build: install
	$(VENV)/bin/kg build seeds --out $(OUT)

serve: install
	$(VENV)/bin/kg serve $(OUT) --host $(HOST) --port $(PORT)

run: build serve

# Style, types and the dependency direction of kg (pyproject.toml: [tool.importlinter]).
lint: install
	$(VENV)/bin/ruff check kg server tests bench
	$(VENV)/bin/ruff format --check kg server tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix kg server tests bench
	$(VENV)/bin/ruff format kg server tests bench

# Everything CI runs: lint, then every test (slow and browser ones included).
test: install system-deps lint
	$(VENV)/bin/pytest

# The fast loop while working: lint, then the tests not marked slow or browser.
check: install lint
	$(VENV)/bin/pytest -m "not slow and not browser"

# Re-vendor the query editor (YASGUI) from the npm registry into server/static/vendor (committed).
vendor: install
	$(PY) -m server.vendor

bench: install system-deps
	$(PY) -m bench

clean:
	rm -rf $(OUT) .dist-builds .pytest_cache .mypy_cache .ruff_cache
