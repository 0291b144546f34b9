# twinbench — `make demo` and `make test` do every set-up step on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= outputs
# pytest-xdist workers for `make test` (each JAX process also uses every core). Each test file
# runs whole on one worker (--dist loadfile: session fixtures such as the Binder environment are
# built once; xdist's loadgroup does not group under pytest 9). One more worker than cores, at
# most 8: a worker waiting on a notebook kernel, a browser or a server leaves its core to the
# others (2 cores: 3 workers 1227 s against 2 workers 1295 s, docs/performance.md). The files
# go out longest first (tests/conftest.py LONGEST_FIRST; --no-loadscope-reorder keeps that
# order instead of xdist's largest-number-of-tests-first).
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); echo $$(( n + 1 < 8 ? n + 1 : 8 )))

.PHONY: demo test test-fast lint format bench docs clean chromium

# --no-compile: Python byte-compiles what it imports on first use instead of every module of
# every package at install (the Binder environment's install: 65 → 29 s on 2 cores).
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-compile -e ".[dev]"
	touch $(STAMP)

# Debian's Chromium for the browser tests (tests/browser/), installed only when missing; without
# apt-get (or when the install fails) those tests skip and say why.
CHROMIUM := /usr/bin/chromium
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

chromium:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  ( $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends chromium ) \
	  || echo "chromium could not be installed: the browser tests will be skipped"; \
	else echo "no apt-get here: the browser tests will be skipped (they need $(CHROMIUM))"; fi

demo: $(STAMP)
	$(BIN)/twinbench demo --out $(OUT)

test: $(STAMP) chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder \
	  --doctest-modules --durations=60 twinbench tests

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" -x -q tests

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_engine.py --out docs/performance.md

# The documentation site (Sphinx + myst-nb), every notebook executed, a warning is an error.
docs: $(STAMP)
	$(BIN)/python -m sphinx -W --keep-going -b html -d docs/_build/doctrees docs docs/_build/html

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache
