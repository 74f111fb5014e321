# Entry points (README quick start):  `make demo`  and  `make test`.
# Each creates .venv on first use and installs the package with what it needs (pyproject.toml:
# the `dev` extra for the tools, `all` for every optional feature the tests exercise).
#   make test    the full test suite (CI runs it verbatim; < 10 min on 2 shared cores)
#   make quick   the edit loop: every test not marked `slow` (< 60 s)
#   make lint    ruff check + ruff format --check;  make typecheck: mypy on src
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST := $(BIN)/python -m pytest -n 2 -q
LINTED := src tests benchmarks examples docs/gen_api.py

.PHONY: demo test quick lint typecheck bench clean browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,all]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/multigap reproduce --quick --out results

test: $(STAMP) browser
	$(PYTEST)

# The headless browser of tests/test_explore.py: Debian's chromium (playwright drives it; its own
# browser downloads are never used).  Skipped quietly without root/apt; the test then says why.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1 || echo "make browser: chromium not installed (needs root and apt-get); the browser test will be skipped"; }

quick: $(STAMP)
	$(PYTEST) -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

typecheck: $(STAMP)
	$(BIN)/mypy src

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) results build src/*.egg-info
