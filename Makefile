# `make test` and `make demo` set themselves up: a .venv made with the stdlib venv module,
# the project installed into it (editable, with its test extra), redone when pyproject.toml changes.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test quick demo lint docs unit contracts clean

$(STAMP): pyproject.toml
	@echo "Setting up $(VENV) (once, about a minute): the project and its test tools."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar on -e '.[test]'
	@touch $(STAMP)

# Every check: lint, types, import contracts, the docs build, the tests and the contracts.
test: lint docs unit contracts

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

docs: $(STAMP)
	$(BIN)/mkdocs build --strict --quiet --site-dir $(VENV)/site

unit: $(STAMP)
	$(BIN)/python -m pytest -n auto -q

# The suite without the slow tests (sockets, subprocesses, soaks): for a quick loop while coding.
quick: $(STAMP)
	$(BIN)/python -m pytest -n auto -q -m "not slow"

contracts: $(STAMP)
	$(BIN)/freshsales-contracts verify

demo: $(STAMP)
	$(BIN)/segment-freshsales demo

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache
