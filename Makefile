# The README's two commands: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

LINT_PATHS := $(wildcard src tests eval bench)

.PHONY: run test test-fast lint eval bench clean literals

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/talkdown serve --demo

lint: $(STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest -q -p no:cacheprovider --durations=25

test-fast: $(STAMP)
	$(BIN)/pytest -q -m "not integration and not e2e and not slow"

eval: $(STAMP)
	$(BIN)/python eval/public_report.py
	$(BIN)/python eval/rules_report.py

bench: $(STAMP)
	$(BIN)/python bench/store.py

# The required literals of every rule pattern (analysis/literals.py): run after editing a rule's regex.
literals: $(STAMP)
	$(BIN)/python -c "import talkdown.analysis.registry as r, talkdown.analysis.patterns as p, pathlib; \
	print(p.write_literal_table(pathlib.Path(r.__file__).with_name('rule_literals.json')), 'patterns')"

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
