# Two commands for a newcomer: `make run` and `make test`. Everything installs into .venv, at
# the exact versions of requirements/lock.txt; `make lock` re-resolves that file on purpose.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

# Interface catalogues are compiled from their .po files, never committed (see setup.py).
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard player/translations/*/LC_MESSAGES/*.po exporter/translations/*/LC_MESSAGES/*.po))

.PHONY: install run test bench lock clean

$(BIN)/.installed: pyproject.toml requirements/lock.txt setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $@

%.mo: %.po $(BIN)/.installed
	$(BIN)/pybabel -q compile -i $< -o $@

# JavaScript from package-lock.json: the code the player and packages ship, and the real peers the
# tests run against (a SCORM runtime, Moodle's GIFT grammar). Without npm the tests that need it
# say they are skipped, as those that need PostgreSQL do.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: skipping the JavaScript packages (Debian: apt-get install nodejs npm)"; fi

install: $(BIN)/.installed $(CATALOGUES) node_modules/.installed

run: install
	COURSEPACK_ENV=development $(BIN)/coursepack db upgrade
	COURSEPACK_ENV=development $(BIN)/coursepack serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/validate.py
	$(BIN)/python bench/pack.py
	$(BIN)/python bench/player.py
	$(BIN)/python bench/costs.py
	$(BIN)/python bench/roundtrip.py
	$(BIN)/python bench/reports.py
	$(BIN)/python bench/sync.py
	$(BIN)/python bench/offline.py

# Re-resolve every dependency to its newest release allowed by pyproject.toml; review the diff.
# After adding a dependency to pyproject.toml, `make lock LOCK_FLAGS=` pins it and keeps the rest.
LOCK_FLAGS ?= --upgrade
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet 'uv>=0.5'
	$(BIN)/uv pip compile --quiet $(LOCK_FLAGS) --universal --python-version 3.11 --generate-hashes \
	    pyproject.toml requirements/build.in --extra test --extra postgres -o requirements/lock.txt

clean:
	rm -rf $(VENV) build *.egg-info node_modules
