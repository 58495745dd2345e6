# Two entry points: `make repro` (the study) and `make test` (the suite). Both build .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Stage commands call `python`: the venv's, even when it is not activated.
RUN := PATH="$(CURDIR)/$(BIN):$$PATH"

.PHONY: install repro test lint bench lock clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

repro: $(STAMP)
	$(RUN) dvc repro

lint: $(STAMP)
	$(BIN)/ruff check .

test: lint
	$(RUN) python -m pytest

# Speed and quality of the phase methods against librosa (needs `make repro` first).
bench: $(STAMP)
	$(BIN)/python benchmarks/phase.py --json benchmarks/phase-results.json

# Re-pin the whole tree after editing pyproject.toml's dependencies.
lock:
	rm -rf /tmp/specimg-lock && $(PYTHON) -m venv /tmp/specimg-lock
	/tmp/specimg-lock/bin/pip install --quiet -e '.[dev]'
	{ echo "# Full pinned dependency tree (pip freeze of pyproject.toml's dependencies + dev)."; \
	  /tmp/specimg-lock/bin/pip freeze --exclude-editable; } > requirements.lock

clean:
	rm -rf $(VENV)
