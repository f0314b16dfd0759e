# Two commands for a fresh machine: `make run` and `make test`. Both create .venv when needed.
# `make test` = ruff (lint, format), the import layering (import-linter), mypy and pytest.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run chat test lint typecheck pytest bench mutate clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	@$(BIN)/python -m bot run

chat: $(STAMP)
	@$(BIN)/python -m bot chat

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# Mutation testing of the core logic, each module against its own tests (tests/mutate.py).
mutate: $(STAMP)
	$(BIN)/python -m tests.mutate

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache mutants
