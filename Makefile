# Two commands for everyone: `make` sets everything up and builds every edition into dist/,
# `make test` runs the tests. Both use the project's own virtual environment in .venv/.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: all build test test-fast lint docs bench pages preview clean

all: build

$(STAMP): pyproject.toml constraints.txt
	@# HarfBuzz's subsetter makes WeasyPrint embed fonts twenty times faster; without root
	@# or apt-get, WeasyPrint falls back to fontTools and everything still works.
	-@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && ! ldconfig -p | grep -q libharfbuzz-subset; then \
		apt-get install -y -qq libharfbuzz-subset0 >/dev/null 2>&1 || true; fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	@# The builder's own modules compiled here, once: where PYTHONDONTWRITEBYTECODE is set (as in
	@# many containers), Python would compile them again at every start of a build (0.17 s).
	@$(BIN)/python -m compileall -q src >/dev/null
	$(BIN)/amnesty-book build

# The tests run in as many processes as the machine has cores, up to four (pytest-xdist), each
# test file in one process: its fixtures (a built book, an installed validator) are made once.
PARALLEL := -n auto --maxprocesses 4 --dist loadfile

test: $(STAMP)
	$(BIN)/python -m pytest $(PARALLEL)

# The edit loop: every test not marked slow (tests that build whole books), in under a minute.
test-fast: $(STAMP)
	$(BIN)/python -m pytest $(PARALLEL) -m 'not slow'

preview: $(STAMP)
	$(BIN)/amnesty-book serve

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/lint-imports

# The references in docs/ that are made from the code (book.toml's keys, the checks' codes).
docs: $(STAMP)
	$(BIN)/python scripts/make_reference_docs.py

bench: $(STAMP)
	$(BIN)/python bench/run.py

pages: build
	$(BIN)/python scripts/make_page_strip.py

clean:
	rm -rf $(VENV) dist/*
