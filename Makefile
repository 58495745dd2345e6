# Two entry points: `make repro` (the study) and `make test` (the suite). Both build .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Stage commands call `python`: the venv's, even when it is not activated.
RUN := PATH="$(CURDIR)/$(BIN):$$PATH"

.PHONY: install browser repro test lint check-repro check-lowest diff-summary sweep bench \
	bench-pictures bench-phase-full bench-pipeline bench-study sweep-sizes lock clean

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
	$(BIN)/actionlint .github/workflows/*.yml

test: lint browser
	$(RUN) python -m pytest

# What CI checks besides `make test` (.github/workflows/ci.yml, .ci/run). check-repro: `dvc
# status` of this checkout names no code or params change since dvc.lock; the default study,
# rerun from scratch in a copy of the tracked files, gives every out's md5 in dvc.lock and every
# metrics file as committed, byte for byte (.ci/check_repro.py; a table names what differs;
# about 8 min on 2 cores). The tiny study's dvc repro -f is checked by the suite.
check-repro: $(STAMP)
	$(RUN) python .ci/check_repro.py

# The lowest versions pyproject.toml allows (requirements-lowest.txt, its `>=` bounds): the wheel
# in a fresh venv of them in a temporary folder, a smoke inversion of a specimg picture and a
# foreign one against this venv's, a jpeg75 picture's metadata (.ci/check_lowest.py; one line;
# about 3 to 5 min on 2 busy cores, most of it pip).
check-lowest: $(STAMP)
	$(RUN) python .ci/check_lowest.py

# `dvc params diff` and `dvc metrics diff` of this working tree against BASE, as Markdown
# (CI writes them to a pull request's job summary): make diff-summary BASE=HEAD~1
BASE ?= origin/main
diff-summary: $(STAMP)
	@set -e; \
	params=$$($(RUN) dvc params diff "$(BASE)" --md); \
	metrics=$$($(RUN) dvc metrics diff "$(BASE)" --md); \
	rows() { printf '%s\n' "$$1" | grep -c '^|' || true; }; \
	[ "$$(rows "$$params")" -gt 2 ] || params="No param changed."; \
	[ "$$(rows "$$metrics")" -gt 2 ] || metrics="No metric changed."; \
	printf '### Params: %s against this tree\n\n%s\n\n' "$(BASE)" "$$params"; \
	printf '### Metrics: %s against this tree\n\n%s\n' "$(BASE)" "$$metrics"

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
# The phase step's speed against every installed FFT library's bare pair and librosa (about 5
# min, clips from data/raw); bench-phase-full: every method's tables on the pipeline's pictures
# (after make repro; about 45 min).
bench: $(STAMP)
	$(BIN)/python benchmarks/phase.py --json benchmarks/phase-speed.json

bench-phase-full: $(STAMP)
	$(BIN)/python benchmarks/phase.py --full --json benchmarks/phase-results.json

# Pictures drawn the user's way (20000 px JPEGs) through `specimg invert`, beside the naive
# recipe and the true-phase floor (about 15 min).
bench-pictures: $(STAMP)
	$(RUN) python benchmarks/user_pictures.py --json benchmarks/user-pictures.json

# Pipeline throughput with 1 and all jobs, segmentation memory, no-op repro (about 15 min).
bench-pipeline: $(STAMP)
	$(RUN) python benchmarks/pipeline.py --json benchmarks/pipeline.json

# Where the default study's time goes, stage by stage, start-up apart (about 5 min).
bench-study: $(STAMP)
	$(RUN) python benchmarks/study.py --json benchmarks/study.json

# How to save spectrograms for an image model: n_fft x top_db x picture density x JPEG quality,
# 36 experiments of a lighter study on DVC's queue (dvc exp run --queue, dvc queue start -j
# <cores>) -> metrics/sweep.md, sorted by the default method's SC.
sweep: $(STAMP)
	$(RUN) python benchmarks/sweep.py

# Which picture of an image model's size keeps the most sound, in full (model.sweep): every
# recording, png8/png16/jpeg95 for the linear, lowest-bins and mel pictures, Riffusion's at 256
# and 512 px, as a DVC experiment of the study (13 min on 2 busy cores; `dvc exp show`, and
# `git checkout params.yaml` for the default again) -> metrics/model_pictures.json and .csv.
sweep-sizes: $(STAMP)
	$(RUN) dvc exp run -S model.sweep=true model_summary

# Re-pin the whole tree after editing pyproject.toml's dependencies.
lock:
	rm -rf /tmp/specimg-lock && $(PYTHON) -m venv /tmp/specimg-lock
	/tmp/specimg-lock/bin/pip install --quiet -e '.[pipeline,dev]'
	{ echo "# Full pinned dependency tree (pip freeze of pyproject.toml's dependencies + pipeline + dev)."; \
	  /tmp/specimg-lock/bin/pip freeze --exclude-editable; } > requirements.lock

clean:
	rm -rf $(VENV)
