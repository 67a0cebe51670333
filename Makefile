# Two commands for everyone: `make` sets everything up and builds every edition into dist/,
# `make test` runs the tests. Both use the project's own virtual environment in .venv/.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: all build test lint bench pages clean

all: build

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/amnesty-book build

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run.py

pages: build
	$(BIN)/pip install --quiet -e '.[tools]'
	$(BIN)/python scripts/make_page_strip.py

clean:
	rm -rf $(VENV) dist/*
