# Two commands: `make demo` and `make test`. Everything else is a convenience.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test check lint bench clean venv catalogs check-catalogs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

# make demo LANG=es (or it, nl, et): the demo school in that language. A locale in the environment
# (LANG=C.UTF-8) is not one of the five codes and is ignored.
demo: $(STAMP)
	$(PY) run.py demo --dir demo $(addprefix --language ,$(filter en es it nl et,$(LANG)))

catalogs: $(STAMP)
	$(PY) tools/catalogs.py update

check-catalogs: $(STAMP)
	$(PY) tools/catalogs.py check

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
