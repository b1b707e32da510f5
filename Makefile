# forum_mgmt: `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint fmt migrate demo messages messages-compile system-deps system-test-deps fonts redis bench bench-deps clean

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

# Badge fonts: Noto Sans CJK TC with TrueType outlines, converted once into var/fonts/ (a
# minute or two a face; tickets/fonts.py says why). A second run finds them and returns.
fonts: $(VENV)/.installed system-deps
	@$(BIN)/forum-mgmt fonts

# Debian's Chromium (Playwright never downloads a browser), CJK fonts and poppler-utils
# (pdftotext, pdftoppm: the badge tests read the PDFs back) for the tests, and nginx (the
# two-host test runs deploy/'s proxy configuration in front of two app hosts; it starts its
# own nginx, the package's service is not used).
system-test-deps:
	@if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null \
	    || ! command -v pdftoppm >/dev/null || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" \
	    || ! test -x /usr/sbin/nginx; then \
	  echo "Installing Debian's chromium, fonts-noto-cjk, poppler-utils and nginx..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk poppler-utils nginx >/dev/null; \
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
run: $(VENV)/.installed messages-compile system-deps fonts
	$(BIN)/forum-mgmt migrate
	$(BIN)/forum-mgmt demo --listen $(HOST):$(PORT)
	$(BIN)/forum-mgmt serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

# One pytest worker a core (pytest-xdist), a test file per worker at a time; each worker has
# its own database (tests/conftest.py). TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= auto
test: $(VENV)/.dev-installed messages-compile system-test-deps fonts redis lint
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile

# --- the rest ---
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

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

# Every benchmark once with small bounded inputs (a couple of minutes in all); none needs
# PostgreSQL or a server set up by hand: the scripts migrate, build their forum through the
# services and start `forum-mgmt serve` themselves.
# On SQLite by default, in var/bench/ (its own database, outbox and key, never the
# development database); with DATABASE_URL=postgresql://... they measure PostgreSQL. The
# scripts' own defaults are the full runs docs/performance.md reports (PostgreSQL). Servers
# listen on BENCH_PORT to BENCH_PORT+3.
BENCH_PORT ?= 8170
# wrk: the load generator of bench/read.py (it falls back to a Python loop without it).
bench-deps:
	@command -v wrk >/dev/null || { echo "Installing Debian's wrk..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk >/dev/null; }

bench: $(VENV)/.dev-installed messages-compile bench-deps
	@set -e; export FORUM_MGMT_DATA="$(CURDIR)/var/bench" LOG_LEVEL=warning; \
	echo "== bench/badges.py: 200 badges, the renderer alone"; \
	$(BIN)/python bench/badges.py 200; \
	echo "== bench/badges.py --cli: 100 registrations, forum-mgmt badges"; \
	$(BIN)/python bench/badges.py --cli 100; \
	echo "== bench/registration_rush.py: 500 sign-ups for 100 seats"; \
	$(BIN)/python bench/registration_rush.py --port $(BENCH_PORT) \
	  --signups 500 --seats 100 --concurrency 16; \
	echo "== bench/checkin.py: 200 tickets, 10 scanners"; \
	$(BIN)/python bench/checkin.py --port $$(($(BENCH_PORT) + 1)) --people 200 --concurrency 10; \
	echo "== bench/checkin_profile.py: 100 scans in-process"; \
	$(BIN)/python bench/checkin_profile.py --people 100; \
	echo "== bench/growth.py: 100 and 300 sessions; 300 (with badges) and 1,000 registrations"; \
	$(BIN)/python bench/growth.py --sessions "100 300" --registrations "300 1000" \
	  --badges 300 --port $$(($(BENCH_PORT) + 3)); \
	echo "== bench/read.py: each read and its 304 against the ceiling, one turn of the minute"; \
	$(BIN)/python bench/read.py --port $$(($(BENCH_PORT) + 2)) --workers 2 \
	  --seconds 2 --rounds 1 --requests 300 --minutes 1

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
