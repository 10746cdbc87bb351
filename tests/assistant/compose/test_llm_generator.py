"""The language-model generators around the model: the prompt, 'not covered', the fallback."""

from __future__ import annotations

import socket
import time
from collections.abc import Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, cast

import pytest

from assistant.compose.base import GeneratorFailed
from assistant.compose.extractive import ExtractiveGenerator
from assistant.compose.llm import (
    LlamaCppBackend,
    LlmGenerator,
    ModelSlots,
    not_covered,
    openai_backend,
)
from assistant.pipeline import Cairn, Event, Final, Restart, Token
from tests.assistant.scripted import ScriptedBackend
from tests.stalling_model import Mode, StallingModel

pytestmark = pytest.mark.integration


def with_writer(real_cairn: Cairn, writer: LlmGenerator) -> Cairn:
    return Cairn(
        real_cairn.settings,
        real_cairn.rules,
        real_cairn.retriever,
        {"extractive": ExtractiveGenerator(real_cairn.rules), writer.name: writer},
        real_cairn.corpus,
    )


def test_prompt_numbers_the_passages_and_gives_the_pathway_and_patient(real_cairn: Cairn) -> None:
    backend = ScriptedBackend("T-DXd is preferred second line [1].")
    cairn = with_writer(
        real_cairn, LlmGenerator("llamacpp", backend, "corpus", real_cairn.rules.lexicon)
    )
    cairn.ask("HER2+ MBC progressed on THP, no brain mets. What next?", generator="llamacpp")
    system, user = backend.prompts[0][0], backend.prompts[0][-1]
    assert system[0] == "system" and "source number" in system[1]
    assert "[1] " in user[1] and "[2] " in user[1]
    assert "Guideline pathway for this patient:" in user[1] and "trastuzumab deruxtecan" in user[1]
    assert "Patient: " in user[1] and "no brain metastases" in user[1]
    assert len(user[1]) < 4000  # tight: the first token waits for the whole prompt


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("The sources do not cover this question.", True),
        ("This is not covered by the sources.", True),
        ("T-DXd is given at 5.4 mg/kg [1]. Other drugs are not mentioned.", False),
    ],
)
def test_not_covered_is_read_from_the_first_sentence(reply: str, expected: bool) -> None:
    assert not_covered(reply) is expected


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_server_that_is_down_falls_back_to_the_extractive_answer(real_cairn: Cairn) -> None:
    backend = openai_backend(f"http://127.0.0.1:{free_port()}/v1", "m", "NO_SUCH_KEY_VAR", 3.0, 50)
    cairn = with_writer(
        real_cairn, LlmGenerator("openai", backend, "corpus", real_cairn.rules.lexicon)
    )
    events = list(cairn.stream("T-DXd dose?", generator="openai"))
    assert any(isinstance(e, Restart) for e in events)
    answer = next(e.answer for e in events if isinstance(e, Final))
    assert answer.generator == "extractive (fallback from openai)"
    assert any("could not answer" in n and "127.0.0.1" in n for n in answer.notices)
    assert "5.4 mg/kg" in answer.text


@pytest.fixture(scope="module")
def openai_loaded() -> None:
    """The client libraries are imported once, before any test's clock starts."""
    with pytest.raises(GeneratorFailed):
        "".join(openai_backend(f"http://127.0.0.1:{free_port()}/v1", "m", "K", 1.0, 16).stream([]))


@pytest.mark.parametrize("mode", ["hang", "trickle", "slow"])
def test_a_model_server_gets_one_deadline_for_the_whole_answer(
    mode: Mode, openai_loaded: None
) -> None:
    # httpx's timeout is per read: keep-alive lines or slow tokens used to hold a request forever
    with StallingModel(mode) as server:
        backend = openai_backend(server.url, "m", "NO_SUCH_KEY_VAR", 1.0, 50)
        started = time.monotonic()
        with pytest.raises(GeneratorFailed, match=r"no complete answer within 1 s"):
            "".join(backend.stream([("user", "T-DXd dose?")]))
        assert time.monotonic() - started < 1.0 + 4.0  # the deadline, with a generous margin
        assert server.disconnected.wait(5.0), "the connection was left open"
        assert server.held_s < 1.0 + 4.0


def test_a_trickling_model_server_falls_back_to_the_extractive_answer(
    real_cairn: Cairn, openai_loaded: None
) -> None:
    with StallingModel("trickle") as server:
        backend = openai_backend(server.url, "m", "NO_SUCH_KEY_VAR", 1.5, 50)
        cairn = with_writer(
            real_cairn, LlmGenerator("openai", backend, "corpus", real_cairn.rules.lexicon)
        )
        answer = cairn.ask("T-DXd dose?", generator="openai")
    assert answer.generator == "extractive (fallback from openai)"
    assert any("no complete answer within 1.5 s" in n for n in answer.notices)
    assert "5.4 mg/kg" in answer.text


def test_model_answers_beyond_the_slots_get_the_extractive_answer_at_once(
    real_cairn: Cairn,
) -> None:
    backend = ScriptedBackend("T-DXd is given at 5.4 mg/kg [1].", "T-DXd 5.4 mg/kg [1].")
    writer = LlmGenerator(
        "openai", backend, "corpus", real_cairn.rules.lexicon, slots=ModelSlots(1)
    )
    cairn = with_writer(real_cairn, writer)
    writing = cast(Generator[Event], cairn.stream("T-DXd dose?", generator="openai"))
    next(e for e in writing if isinstance(e, Token))  # one model answer is being written
    busy = cairn.ask("T-DXd dose?", generator="openai")
    assert busy.generator == "extractive (fallback from openai)"
    assert any("busy" in n for n in busy.notices) and "5.4 mg/kg" in busy.text
    writing.close()  # a finished or abandoned answer frees its slot
    assert cairn.ask("T-DXd dose?", generator="openai").generator == "openai"


def test_a_missing_model_file_names_the_fix(real_cairn: Cairn, tmp_path) -> None:  # type: ignore[no-untyped-def]
    backend = LlamaCppBackend(tmp_path / "missing.gguf", threads=1, context=512, max_tokens=16)
    cairn = with_writer(
        real_cairn, LlmGenerator("llamacpp", backend, "corpus", real_cairn.rules.lexicon)
    )
    answer = cairn.ask("T-DXd dose?", generator="llamacpp")
    assert answer.generator.startswith("extractive (fallback")
    assert any("make setup-llm" in n for n in answer.notices)


def test_a_model_that_says_not_covered_gives_the_not_covered_answer(real_cairn: Cairn) -> None:
    backend = ScriptedBackend("The sources do not cover this question.")
    cairn = with_writer(
        real_cairn, LlmGenerator("llamacpp", backend, "corpus", real_cairn.rules.lexicon)
    )
    answer = cairn.ask("T-DXd dose?", generator="llamacpp")
    assert not answer.covered and "Not covered" in answer.text


def test_urgent_notices_come_first_and_contraindications_reach_the_prompt(
    real_cairn: Cairn,
) -> None:
    backend = ScriptedBackend("Trastuzumab emtansine is an option [1].")
    cairn = with_writer(
        real_cairn, LlmGenerator("llamacpp", backend, "corpus", real_cairn.rules.lexicon)
    )
    answer = cairn.ask(
        "Progressed on THP, history of ILD, now new shortness of breath on treatment. What next?",
        generator="llamacpp",
    )
    assert answer.text.startswith("**Urgent**\n- ")  # written by Cairn, not left to the model
    user = backend.prompts[0][-1][1]
    assert "history of interstitial lung disease" in user
    assert "needs caution" in user  # the contraindication line


class _SlowLlama:
    """Stands in for llama_cpp.Llama: streams chunks forever."""

    def create_chat_completion(self, **_: object) -> Iterator[dict[str, Any]]:
        while True:
            yield {"choices": [{"delta": {"content": "T-DXd "}}]}


def test_the_local_model_gives_up_after_its_timeout(tmp_path: Path) -> None:
    backend = LlamaCppBackend(tmp_path / "model.gguf", 1, 512, 10_000, timeout_s=0.05)
    backend._llama = _SlowLlama()
    with pytest.raises(GeneratorFailed, match=r"within 0\.05 s"):
        "".join(backend.stream([("user", "dose?")]))


class _CountingLlama:
    """A stand-in model object that records how many answers run inside it at once."""

    def __init__(self) -> None:
        self.inside = self.most = 0

    def create_chat_completion(self, **_: Any) -> Iterator[dict[str, Any]]:
        self.inside += 1
        self.most = max(self.most, self.inside)
        try:
            for word in ("5.4 ", "mg/kg"):
                time.sleep(0.05)
                yield {"choices": [{"delta": {"content": word}}]}
        finally:
            self.inside -= 1


def test_answers_of_the_local_model_take_turns(tmp_path: Path) -> None:
    """One llama.cpp model object is not thread-safe: concurrent answers must not interleave."""
    backend = LlamaCppBackend(tmp_path / "model.gguf", 1, 512, 100, timeout_s=30)
    llama = _CountingLlama()
    backend._llama = llama
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: "".join(backend.stream([("user", "?")])), range(4)))
    assert answers == ["5.4 mg/kg"] * 4
    assert llama.most == 1


def test_a_local_model_busy_past_the_deadline_fails_with_a_reason(tmp_path: Path) -> None:
    backend = LlamaCppBackend(tmp_path / "model.gguf", 1, 512, 100, timeout_s=0.3)
    backend._llama = _CountingLlama()
    holding = cast(Generator[str, None, None], backend.stream([("user", "?")]))
    next(holding)  # the first answer is inside the model
    with pytest.raises(GeneratorFailed, match="busy"):
        "".join(backend.stream([("user", "?")]))
    holding.close()  # an abandoned answer gives its turn back
    assert backend._turn.acquire(blocking=False)
