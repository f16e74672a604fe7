# `make test` and `make demo` set themselves up: a .venv made with the stdlib venv module,
# the project installed into it (editable, with its test extra), redone when pyproject.toml changes.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The translator compiled in place with mypyc (C extensions beside its sources, which Python loads
# instead), redone whenever a source changes; the stamp is set even when there is no C compiler.
COMPILED := $(VENV)/.compiled
COMPILE_INPUTS := setup.py build_backend/backend.py $(wildcard translator/*.py)

.PHONY: test quick demo lint docs unit contracts compile uncompile clean

$(STAMP): pyproject.toml
	@echo "Setting up $(VENV) (once, about a minute): the project and its test tools."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar on -e '.[test]'
	@touch $(STAMP)

$(COMPILED): $(STAMP) $(COMPILE_INPUTS)
	@echo "Compiling the translator with mypyc (about half a minute)."
	@$(MAKE) --no-print-directory --silent uncompile
	@if SEGMENT_FRESHSALES_COMPILE=1 $(BIN)/python setup.py --quiet build_ext --inplace --force \
		> $(VENV)/compile.log 2>&1; then \
		echo "The translator is compiled."; \
	else \
		$(MAKE) --no-print-directory --silent uncompile; \
		echo "Could not compile the translator (no C compiler? see $(VENV)/compile.log):"; \
		echo "it runs interpreted, which is correct but slower."; \
	fi
	@touch $(COMPILED)

compile: $(COMPILED)

# Back to the interpreted translator (`make compile` or any target below compiles it again).
uncompile:
	rm -f translator/*.so $(COMPILED)
	rm -rf build

# Every check: lint, types, import contracts, the docs build, the tests and the contracts.
test: lint docs unit contracts

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

docs: $(STAMP)
	$(BIN)/mkdocs build --strict --quiet --site-dir $(VENV)/site

unit: $(COMPILED)
	$(BIN)/python -m pytest -n auto -q

# The suite without the slow tests (sockets, subprocesses, soaks): for a quick loop while coding.
quick: $(COMPILED)
	$(BIN)/python -m pytest -n auto -q -m "not slow"

contracts: $(COMPILED)
	$(BIN)/freshsales-contracts verify

demo: $(COMPILED)
	$(BIN)/segment-freshsales demo

clean: uncompile
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache
