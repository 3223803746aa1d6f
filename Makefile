# Two commands do all the set-up on a fresh machine with Python 3.11+ and make:
#   make run    installs into .venv and solves the default scenario
#   make test   installs into .venv and runs lint, type checks and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEFAULT_SCENARIO ?= models/ammo-155mm-2023-2025/scenario.yaml

.PHONY: install run test lint bench bench-xl notebooks clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/aggregate solve $(DEFAULT_SCENARIO)

lint: $(STAMP)
	$(BIN)/ruff check aggregate tests benchmarks notebooks
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --repeat 3

# XL (over 1M order variables) runs once, apart: it takes about 20 minutes
bench-xl: $(STAMP)
	$(BIN)/python benchmarks/run.py --family lp --sizes XL --no-solvers --timeout 3600 --out benchmarks/results/xl

# regenerate the notebooks from notebooks/build.py (they are committed without outputs)
notebooks: $(STAMP)
	$(BIN)/python notebooks/build.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
