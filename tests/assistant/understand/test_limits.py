"""A question or conversation past its size limit is refused with a message, in time linear in
its size (no worker is held by a megabyte of text)."""

from __future__ import annotations

import pytest

from assistant.understand.conversation import Turn
from assistant.understand.limits import (
    MAX_CONVERSATION_CHARS,
    MAX_HISTORY_TURNS,
    MAX_QUESTION_CHARS,
    check_size,
    normalized,
)
from guardrails.errors import CairnError


def test_an_ordinary_conversation_passes() -> None:
    check_size("T-DXd dose?", [Turn("user", "HER2+ MBC"), Turn("assistant", "...")])


@pytest.mark.parametrize(
    ("question", "history", "words"),
    [
        ("x" * (MAX_QUESTION_CHARS + 1), [], "question"),
        ("dose?", [Turn("user", "a")] * (MAX_HISTORY_TURNS + 1), "earlier turns"),
        (
            "dose?",
            [Turn("user", "a" * 3000)] * (MAX_CONVERSATION_CHARS // 3000 + 1),
            "conversation",
        ),
        ("x" * 1_000_000, [], "question"),
    ],
)
def test_past_a_limit_the_request_is_refused(
    question: str, history: list[Turn], words: str
) -> None:
    with pytest.raises(CairnError) as raised:
        check_size(question, history)
    assert words in raised.value.message and raised.value.fix


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ｔ－ＤＸｄ ｄｏｓｅ？", "T-DXd dose?"),
        ("dose du trastuzumab deruxtécan", "dose du trastuzumab deruxtecan"),
        ("5.4 mg/kg", "5.4 mg/kg"),
    ],
)
def test_names_are_normalized_before_matching(text: str, expected: str) -> None:
    assert normalized(text) == expected
