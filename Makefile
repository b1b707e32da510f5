# forum_mgmt: `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint fmt migrate demo messages messages-compile system-deps system-test-deps redis bench clean

# --- installation (stamp files: a second run redoes nothing that is current) ---
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.dev-installed: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e ".[dev]"
	@touch $@

# Compiled catalogues are build products (git-ignored), rebuilt when a .po changes.
MO := $(patsubst %.po,%.mo,$(wildcard locales/*/LC_MESSAGES/messages.po))
%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@ -l $(word 2,$(subst /, ,$<)) >/dev/null

messages-compile: $(MO)

# Badge PDFs need a font with Traditional Chinese, in production too.
system-deps:
	@if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
	  echo "Installing Debian's fonts-noto-cjk..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq fonts-noto-cjk >/dev/null; \
	fi

# Debian's Chromium (Playwright never downloads a browser), CJK fonts and poppler-utils
# (pdftotext, pdftoppm: the badge tests read the PDFs back) for the tests.
system-test-deps:
	@if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null \
	    || ! command -v pdftoppm >/dev/null || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
	  echo "Installing Debian's chromium, fonts-noto-cjk and poppler-utils..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk poppler-utils >/dev/null; \
	fi

# Redis on 127.0.0.1:6379 (the shared-session tests run two workers on it): installed when
# missing, started when down, keeping nothing on disk.
redis:
	@if ! command -v redis-server >/dev/null; then \
	  echo "Installing Debian's redis-server..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq redis-server >/dev/null; \
	fi
	@if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" >/dev/null; \
	  for _ in $$(seq 20); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.2; done; \
	fi

# --- the two commands of the README ---
run: $(VENV)/.installed messages-compile system-deps
	$(BIN)/forum-mgmt migrate
	$(BIN)/forum-mgmt demo
	$(BIN)/forum-mgmt serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

test: $(VENV)/.dev-installed messages-compile system-test-deps redis lint
	$(BIN)/pytest -q

# --- the rest ---
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: $(VENV)/.installed
	$(BIN)/forum-mgmt migrate

demo: $(VENV)/.installed
	$(BIN)/forum-mgmt demo

messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ --ignore-dirs '.* .venv var' --no-location \
	  --sort-output --project forum_mgmt -o locales/messages.pot .
	$(BIN)/pybabel update -i locales/messages.pot -d locales --width 100 --no-fuzzy-matching
	$(MAKE) messages-compile

bench: $(VENV)/.dev-installed
	@ls bench/*.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
