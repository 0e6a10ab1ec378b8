# firstmate: `make demo` shows the product, `make test` checks it. Only Python 3.11+ and git needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint typecheck pytest bench clean

install: $(STAMP)

# Reinstall only when the dependencies change: a second `make install` is a no-op.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "firstmate needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

demo: install
	$(BIN)/firstmate demo

test: install lint typecheck pytest

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy src

pytest: install
	$(BIN)/pytest

bench: install
	@if ls bench/*.py >/dev/null 2>&1; then for f in bench/*.py; do $(BIN)/python $$f || exit 1; done; \
	else echo "no benchmarks yet"; fi

clean:
	rm -rf $(VENV) var demo-out .pytest_cache .mypy_cache .ruff_cache
