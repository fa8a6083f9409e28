# Two entry points for readers and CI: `make serve` and `make test`.
# Both set up a fresh machine from the pinned files and reuse what is already installed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
# Silence Material's MkDocs-2 notice and TensorFlow's start-up chatter; both are noise here.
export NO_MKDOCS_2_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONHASHSEED := 0
# The browser tests drive this Chromium (Playwright's own browser download does not work
# offline). On Debian `make test` installs it; elsewhere name an installed Chrome or
# Chromium: `make test CHROMIUM=/usr/bin/google-chrome`.
CHROMIUM ?= /usr/bin/chromium
export DLGUIDE_CHROMIUM := $(CHROMIUM)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup serve build test lint lock clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "pip==26.3"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation

# --dirty: after an edit, only the changed pages are rendered again (in about 2 s instead of
# about 8 s for the whole site). Restart it for a fresh search index and navigation.
serve: setup
	$(BIN)/mkdocs serve --dirty --dev-addr $(HOST)

build: setup
	$(BIN)/mkdocs build --strict

# The whole docs-test pass: the strict build (which executes every example once),
# pytest-markdown-docs fences, the coverage check, claim tests, unit tests, the offline
# link check and the browser tests.
test: setup $(CHROMIUM)
	$(BIN)/python -m pytest -n 2 --dist loadgroup --no-loadscope-reorder

lint: setup
	$(BIN)/ruff check src tests snippets bench conftest.py

# Re-resolve the pins after changing pyproject.toml's ranges.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet "pip==26.3" setuptools wheel
	.lock-venv/bin/python -m pip install --quiet -e ".[docs,test]"
	.lock-venv/bin/python -m pip freeze --exclude-editable --all | grep -v '^pip==' > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf site build .cache
