"""The Ask tab's event handlers, driven as Gradio drives them (a generator of updates), over the
fictional corpus with a scripted model: what reaches the browser while an answer is written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.audit import AuditLog
from assistant.compose.base import Generator
from assistant.compose.extractive import ExtractiveGenerator
from assistant.compose.llm import LlmGenerator
from assistant.pipeline import Cairn
from guardrails.records import Verdict
from tests.assistant.conftest import mini_cairn, mini_settings  # noqa: F401 - fixtures
from tests.assistant.scripted import ScriptedBackend
from ui.ask import AskTab, Session
from ui.render import findings_markdown

pytestmark = pytest.mark.integration

BLOCKED = "Zorbatinib is given at 300 mg orally twice daily [1]."


def scripted_tab(cairn: Cairn, reply: str, tmp_path: Path) -> AskTab:
    writer = LlmGenerator("scripted", ScriptedBackend(reply), "corpus", cairn.rules.lexicon)
    generators: dict[str, Generator] = {
        "extractive": ExtractiveGenerator(cairn.rules),
        "scripted": writer,
    }
    scripted = Cairn(cairn.settings, cairn.rules, cairn.retriever, generators, cairn.corpus)
    return AskTab(scripted, AuditLog(tmp_path / "audit.jsonl"))


def shown(updates: Iterator[tuple[Any, ...]]) -> list[tuple[str, str]]:
    """The assistant's message in the chat and the findings panel at each update, read when it
    is yielded, as Gradio sends it to the browser (the chat list is changed in place)."""
    return [(str(u[0][-1]["content"]), str(u[3])) for u in updates]


def test_no_word_of_a_draft_the_review_blocks_reaches_the_chat(
    mini_cairn: Cairn,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    tab = scripted_tab(mini_cairn, BLOCKED, tmp_path)
    updates = shown(tab.respond("Zorbatinib dose?", [], Session(), "scripted"))
    messages = [message for message, _ in updates]
    assert len(messages) > 5  # one update per streamed word, then the reviewed answer
    for message in messages[:-1]:
        assert "300" not in message and "Zorbatinib is given" not in message
        assert message.startswith("⏳ *Answer being checked against the pathway and dose table")
    final = messages[-1]
    assert final.startswith("**Answer withheld**") and "Zorbatinib is given" not in final
    # The finding names the wrong figure as wrong; nothing else states it.
    assert [line for line in final.splitlines() if "300" in line] == [
        "  - 300 mg is above the maximum dose of zorbatinib (150 mg)."
    ]
    findings = updates[-1][1]
    assert "300 mg orally" not in findings and "“" not in findings  # no quote of the draft


def test_a_draft_that_passes_is_shown_once_reviewed(
    mini_cairn: Cairn,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    right = "Zorbatinib is given at 150 mg orally twice daily [1]."
    tab = scripted_tab(mini_cairn, right, tmp_path)
    messages = [m for m, _ in shown(tab.respond("Zorbatinib dose?", [], Session(), "scripted"))]
    assert all("150 mg" not in m for m in messages[:-1])
    assert "Zorbatinib is given at 150 mg orally twice daily" in messages[-1]


def test_a_blocked_answer_quotes_none_of_its_words_in_the_findings(
    mini_cairn: Cairn,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    tab = scripted_tab(mini_cairn, BLOCKED, tmp_path)
    answer = tab.cairn.ask("Zorbatinib dose?", generator="scripted")
    assert answer.review.verdict is Verdict.BLOCK and BLOCKED[:-5] in answer.draft
    assert "300 mg orally" not in findings_markdown(answer)
