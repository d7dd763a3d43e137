# Two commands for a newcomer: `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install run test bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed

run: install
	COURSEPACK_ENV=development $(BIN)/coursepack db upgrade
	COURSEPACK_ENV=development $(BIN)/coursepack serve

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/validate.py
	$(BIN)/python bench/pack.py
	$(BIN)/python bench/player.py
	$(BIN)/python bench/reports.py

clean:
	rm -rf $(VENV) build *.egg-info
