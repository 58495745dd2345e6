# Two entry points: `make repro` (the study) and `make test` (the suite). Both build .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Stage commands call `python`: the venv's, even when it is not activated.
RUN := PATH="$(CURDIR)/$(BIN):$$PATH"

.PHONY: install browser repro test lint bench bench-pictures bench-pipeline lock clean

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

test: lint browser
	$(RUN) python -m pytest

# Debian's Chromium and its driver, for the test that opens the report as a person would.
# Installed when missing and run as root; otherwise that one test is skipped, saying why.
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing chromium and chromium-driver (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -qq chromium chromium-driver >/dev/null \
	      || echo "warning: could not install chromium; the report browser test will be skipped"; \
	  else echo "note: chromium missing and not root; the report browser test will be skipped"; \
	  fi; \
	fi

# Speed and quality of the phase methods against librosa (needs `make repro` first).
bench: $(STAMP)
	$(BIN)/python benchmarks/phase.py --json benchmarks/phase-results.json

# Pictures drawn the user's way (20000 px JPEGs) through `specimg invert`, beside the naive
# recipe and the true-phase floor (about 15 min).
bench-pictures: $(STAMP)
	$(RUN) python benchmarks/user_pictures.py --json benchmarks/user-pictures.json

# Pipeline throughput with 1 and all jobs, segmentation memory, no-op repro (about 15 min).
bench-pipeline: $(STAMP)
	$(RUN) python benchmarks/pipeline.py

# Re-pin the whole tree after editing pyproject.toml's dependencies.
lock:
	rm -rf /tmp/specimg-lock && $(PYTHON) -m venv /tmp/specimg-lock
	/tmp/specimg-lock/bin/pip install --quiet -e '.[pipeline,dev]'
	{ echo "# Full pinned dependency tree (pip freeze of pyproject.toml's dependencies + pipeline + dev)."; \
	  /tmp/specimg-lock/bin/pip freeze --exclude-editable; } > requirements.lock

clean:
	rm -rf $(VENV)
