"""Scripted chat models for generator tests: each reply is given in advance, and a test that
asks for more replies than scripted fails loudly."""

from __future__ import annotations

from collections.abc import Iterator

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.compose.base import GeneratorFailed
from assistant.compose.llm import Messages


def scripted_chat_model(*replies: str) -> GenericFakeChatModel:
    """LangChain's fake chat model; it raises once its script is used up."""
    return GenericFakeChatModel(messages=iter([AIMessage(content=r) for r in replies]))


class ScriptedBackend:
    """A ChatBackend that streams scripted replies word by word and records the prompts."""

    def __init__(self, *replies: str, fail: str = "") -> None:
        self.replies = list(replies)
        self.fail = fail
        self.prompts: list[Messages] = []

    def stream(self, messages: Messages) -> Iterator[str]:
        self.prompts.append(messages)
        if self.fail:
            raise GeneratorFailed(self.fail)
        if not self.replies:
            raise AssertionError("the scripted backend ran out of replies")
        for word in self.replies.pop(0).split(" "):
            yield word + " "
