"""Which generators this installation can use, built from settings.

generators = available_generators(settings, rules, corpus_name)  # name -> Generator
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from assistant.compose.base import Generator
from assistant.compose.extractive import ExtractiveGenerator
from assistant.compose.llm import LlamaCppBackend, LlmGenerator, ModelSlots, openai_backend
from assistant.settings import GeneratorName, GeneratorSettings, Settings
from guardrails.rules import RuleBook

DEFAULT_MODEL = Path("models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf")


def model_path(settings: GeneratorSettings) -> Path:
    return settings.llm_model_path or DEFAULT_MODEL


def make_generator(
    name: GeneratorName,
    settings: Settings,
    rules: RuleBook,
    corpus: str,
    slots: ModelSlots | None = None,
) -> Generator:
    g = settings.generator
    if name is GeneratorName.OPENAI:
        backend = openai_backend(
            g.openai_base_url,
            g.openai_model,
            g.openai_api_key_env,
            g.llm_timeout_s,
            g.llm_max_tokens,
        )
        return LlmGenerator("openai", backend, corpus, rules.lexicon, g.llm_passages, slots)
    if name is GeneratorName.LLAMACPP:
        local = LlamaCppBackend(
            model_path(g), g.llm_threads, g.llm_context, g.llm_max_tokens, g.llm_timeout_s
        )
        return LlmGenerator("llamacpp", local, corpus, rules.lexicon, g.llm_passages, slots)
    return ExtractiveGenerator(rules)


def available_generators(settings: Settings, rules: RuleBook, corpus: str) -> dict[str, Generator]:
    """The extractive generator always; the local model when its file and llama-cpp-python are
    installed; the OpenAI-compatible endpoint when it is the configured generator. The model
    generators share `llm_concurrency` slots."""
    names = [GeneratorName.EXTRACTIVE]
    llama = importlib.util.find_spec("llama_cpp") is not None
    if llama and model_path(settings.generator).is_file():
        names.append(GeneratorName.LLAMACPP)
    if settings.generator.generator is GeneratorName.OPENAI:
        names.append(GeneratorName.OPENAI)
    chosen = settings.generator.generator
    if chosen not in names:
        names.append(chosen)  # configured explicitly: let it fail (and fall back) visibly
    slots = ModelSlots(settings.generator.llm_concurrency)
    return {n.value: make_generator(n, settings, rules, corpus, slots) for n in names}
