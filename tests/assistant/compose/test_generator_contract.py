"""The answer contract every generator passes: streamed text, citations that point to retrieved
passages, a review verdict, timings per stage. Language models are scripted here; the real
local model runs in tests/assistant/compose/test_llm_real.py."""

from __future__ import annotations

import pytest

from assistant.compose.base import Generator
from assistant.compose.extractive import ExtractiveGenerator
from assistant.compose.llm import LangChainBackend, LlmGenerator
from assistant.pipeline import Cairn, Final, Token
from tests.assistant.scripted import ScriptedBackend, scripted_chat_model

pytestmark = pytest.mark.integration

QUESTION = "What is the dose of T-DXd for metastatic breast cancer?"
REPLY = (
    "T-DXd is given at 5.4 mg/kg intravenously every 3 weeks [1]. "
    "It is reduced to 4.4 mg/kg if needed [9]."
)


def generators(cairn: Cairn) -> dict[str, Generator]:
    lexicon = cairn.rules.lexicon
    return {
        "extractive": ExtractiveGenerator(cairn.rules),
        "openai": LlmGenerator(
            "openai", LangChainBackend(scripted_chat_model(REPLY)), "corpus", lexicon
        ),
        "llamacpp": LlmGenerator("llamacpp", ScriptedBackend(REPLY), "corpus", lexicon),
    }


@pytest.fixture(params=["extractive", "openai", "llamacpp"])
def cairn_with(request: pytest.FixtureRequest, real_cairn: Cairn) -> tuple[Cairn, str]:
    name = request.param
    cairn = Cairn(
        real_cairn.settings,
        real_cairn.rules,
        real_cairn.retriever,
        generators(real_cairn),
        real_cairn.corpus,
    )
    return cairn, name


def test_every_generator_streams_a_cited_reviewed_answer(cairn_with: tuple[Cairn, str]) -> None:
    cairn, name = cairn_with
    events = list(cairn.stream(QUESTION, generator=name))
    tokens = [e for e in events if isinstance(e, Token)]
    final = [e.answer for e in events if isinstance(e, Final)]
    assert tokens and len(final) == 1
    answer = final[0]
    assert answer.generator == name and not any("could not answer" in n for n in answer.notices)
    assert answer.citations and [c.n for c in answer.citations] == list(
        range(1, len(answer.citations) + 1)
    )
    retrieved = set(answer.retrieved) | {c.chunk_id for c in answer.citations}
    assert all(c.chunk_id in retrieved for c in answer.citations)
    assert answer.review.verdict.value in ("pass", "warn", "block")
    assert {"context", "retrieve", "generate", "review"} <= set(answer.timings)
    assert "5.4 mg/kg" in answer.text


def test_markers_that_point_to_no_passage_are_removed_and_reported(real_cairn: Cairn) -> None:
    reply = "T-DXd is given at 5.4 mg/kg every 3 weeks [1]. T-DXd needs no monitoring at all [42]."
    lexicon = real_cairn.rules.lexicon
    writer = LlmGenerator("openai", LangChainBackend(scripted_chat_model(reply)), "corpus", lexicon)
    cairn = Cairn(
        real_cairn.settings,
        real_cairn.rules,
        real_cairn.retriever,
        {"extractive": ExtractiveGenerator(real_cairn.rules), "openai": writer},
        real_cairn.corpus,
    )
    answer = cairn.ask(QUESTION, generator="openai")
    assert answer.invalid_markers == [42] and "[42]" not in answer.text
    assert any(f.rule_id == "grounding.uncited" for f in answer.review.findings)
