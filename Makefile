# One command each: `make demo` (the main job) and `make test` (the test suite).
# Both create .venv and install everything on a fresh machine first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: setup demo test lint bench browser clean

setup: $(VENV)/.installed

# torch is pinned to 2.13.0 in pyproject.toml; pip's find-links folder holds its CPU wheel, so no
# CUDA packages are pulled. The pin stays in the install command too, so a resolver never widens it.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet "torch==2.13.0"
	$(BIN)/pip install --quiet -e '.[dev,bench]' "torch==2.13.0"
	touch $@

# Debian's Chromium for the browser tests (never a browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "warning: could not install chromium; browser tests will be skipped"; }

demo: setup
	$(BIN)/meedenken demo

# mypy reads the package by its installed names (meedenken.engine, ...): it cannot follow the
# editable install's import hook, so the three folders are linked under .typecheck/meedenken/.
lint: setup
	$(BIN)/ruff check engine api models tests benchmarks
	@mkdir -p .typecheck/meedenken
	@for d in engine api models; do ln -sfn ../../$$d .typecheck/meedenken/$$d; done
	$(BIN)/mypy

# Two workers (pytest-xdist): each test file on one worker, the browser tests as one unit, one
# native thread per worker (tests/conftest.py). TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= 2
test: setup browser lint
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

bench: setup
	$(PY) -m benchmarks.run_all

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .typecheck
