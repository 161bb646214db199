# Two commands: `make demo` and `make test`. Everything else is a convenience.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test check lint bench clean venv

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(PY) run.py demo --dir demo

test: $(STAMP)
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check sheets_sync tests bench run.py
	$(VENV)/bin/ruff format --check sheets_sync tests bench run.py
	$(VENV)/bin/mypy

check: lint test

bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,bench]'
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) demo/*.xlsx demo/outbox demo/factsheet.html .pytest_cache
