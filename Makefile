# Two commands do all the set-up on a fresh machine with Python 3.11+ and make:
#   make run    installs into .venv and solves the default scenario
#   make test   installs into .venv and runs lint, type checks and the whole test suite
# Both install the exact versions of requirements/lock.txt (the ones the tests pass with);
# `make test-latest` tests the newest releases allowed by pyproject.toml, `make lock` re-pins.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements/lock.txt
DEFAULT_SCENARIO ?= models/ammo-155mm-2023-2025/scenario.yaml

.PHONY: install run test lint test-long test-latest lock bench bench-xl notebooks clean

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --constraint $(LOCK) -e ".[dev,bench]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/aggregate solve $(DEFAULT_SCENARIO)

lint: $(STAMP)
	$(BIN)/ruff check aggregate tests benchmarks notebooks docs
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

# the tests marked long (e.g. 10,000 fuzzed scenario files), left out of `make test`
test-long: $(STAMP)
	$(BIN)/python -m pytest -m long

# The newest releases pyproject.toml allows, in a venv of their own: drift shows up here
# (run it before a release, or weekly) rather than on a user's machine.
test-latest:
	rm -rf .venv-latest
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install --quiet --upgrade pip
	.venv-latest/bin/python -m pip install --quiet --upgrade -e ".[dev,bench]"
	.venv-latest/bin/python -m pip list --format=freeze > .venv-latest/versions.txt
	.venv-latest/bin/python -m pytest

# Re-pin requirements/lock.txt to the newest versions allowed (for every platform), then
# `make test`: commit the lock only when the tests pass with it.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra bench --extra parquet \
		--python-version 3.11 --universal --no-header --annotation-style line -o $(LOCK)

# the suite, then issue #16's targets (time to a 1% gap with and without the formulation
# and start-plan work, root gaps, warehouse location vs the textbook model; benchmarks/README.md)
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --repeat 3
	$(BIN)/python benchmarks/run.py --family mip,eda,wl --sizes S,M,L --repeat 3 --targets \
		--out benchmarks/results/targets

# XL (over 1M order variables) runs once, apart: it takes about 20 minutes
bench-xl: $(STAMP)
	$(BIN)/python benchmarks/run.py --family lp --sizes XL --no-solvers --timeout 3600 --out benchmarks/results/xl

# Write notebooks/*.ipynb from their sources notebooks/*.py (jupytext percent format), without
# running them: --update keeps the cell ids of unchanged cells (outputs, if a notebook was run
# and saved, stay too; the tests ask for them to be cleared before a commit).
notebooks: $(STAMP)
	$(BIN)/jupytext --to ipynb --update notebooks/*.py

clean:
	rm -rf $(VENV) .venv-latest .pytest_cache .mypy_cache .ruff_cache
