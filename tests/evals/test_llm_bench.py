"""The local model's bench figures: None without a model; real figures with the real one."""

from __future__ import annotations

import importlib.util

import pytest

from assistant.compose.extractive import ExtractiveGenerator
from assistant.compose.factory import DEFAULT_MODEL
from assistant.compose.llm import LlamaCppBackend, LlmGenerator
from assistant.pipeline import Cairn
from evals.llm_bench import llm_bench
from tests.conftest import ROOT

MODEL = ROOT / DEFAULT_MODEL
READY = importlib.util.find_spec("llama_cpp") is not None and MODEL.is_file()
QUESTIONS = ["T-DXd dose?", "What is the first-line treatment for HER2+ MBC?"]


@pytest.mark.integration
def test_without_a_local_model_there_are_no_figures(real_cairn: Cairn) -> None:
    only_extractive = Cairn(
        real_cairn.settings, real_cairn.rules, real_cairn.retriever,
        {"extractive": ExtractiveGenerator(real_cairn.rules)}, real_cairn.corpus,
    )  # fmt: skip
    assert llm_bench(only_extractive, QUESTIONS) is None


@pytest.mark.integration
@pytest.mark.llm
@pytest.mark.skipif(not READY, reason="the local model is not installed: run `make setup-llm`")
def test_the_local_model_is_timed_and_its_answers_reviewed(real_cairn: Cairn) -> None:
    settings = real_cairn.settings.generator
    backend = LlamaCppBackend(MODEL, settings.llm_threads, 2048, 96)
    writer = LlmGenerator("llamacpp", backend, "corpus", real_cairn.rules.lexicon)
    cairn = Cairn(
        real_cairn.settings, real_cairn.rules, real_cairn.retriever,
        {"extractive": ExtractiveGenerator(real_cairn.rules), "llamacpp": writer},
        real_cairn.corpus,
    )  # fmt: skip
    figures = llm_bench(cairn, QUESTIONS, n=2)
    assert figures is not None and figures["questions"] == 2
    assert figures["ttft_p50_ms"] > 0 and figures["tokens_per_s"] > 0
    assert figures["prompt_tokens_p50"] > 50
    answered = 2 - figures["fallbacks"]
    assert answered > 0
    assert sum(figures["verdict_share"].values()) == pytest.approx(1.0)
