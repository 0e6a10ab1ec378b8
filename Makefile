# firstmate: `make demo` shows the product, `make test` checks it. Only Python 3.11+ and git needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install browser demo test lint typecheck pytest fuzz bench clean

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

test: install browser lint typecheck pytest

# Browser tests drive Debian's Chromium (Playwright's own browser download is not used).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Browser tests need Debian's chromium: sudo apt-get install chromium (they are skipped without it)"; \
	  fi; }

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy src

pytest: install
	$(BIN)/pytest

# Hostile input dug deeper than `make test` does: FUZZ_SCALE times the generated cases of every fuzz,
# schemathesis and property test, drawn from a fresh random seed. `make fuzz SEED=…` repeats a run.
FUZZ_SCALE ?= 20
FUZZ_TESTS := tests/fuzz tests/web/test_api_fuzz.py tests/security tests/unit/test_report_secrets.py tests/unit/test_analysis_numbers.py
fuzz: install
	@case "$(FUZZ_SCALE)" in ''|*[!0-9]*|0*) echo "FUZZ_SCALE must be a whole number of 1 or more, e.g. make fuzz FUZZ_SCALE=20"; exit 2;; esac; \
	seed=$(or $(SEED),$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')); \
	echo "fuzz run: $(FUZZ_SCALE)x the generated cases of make test, seed $$seed"; \
	FUZZ_RUN_SCALE=$(FUZZ_SCALE) $(BIN)/pytest $(FUZZ_TESTS) -p no:cacheprovider \
	  --hypothesis-seed=$$seed --timeout=$$((300 * $(FUZZ_SCALE))) --durations=10; status=$$?; \
	echo "the same cases again: make fuzz FUZZ_SCALE=$(FUZZ_SCALE) SEED=$$seed"; exit $$status

# Benchmarks print a table and write bench/results.json; `make bench NAME=fanout` runs one.
bench: install
	$(BIN)/python -m bench $(NAME)

clean:
	rm -rf $(VENV) var demo-out test-output .pytest_cache .mypy_cache .ruff_cache
