"""The question analysis of the fictional corpus, built without an index (no vocabulary, an
empty topic index), for tests of the stages that read it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from assistant.understand.analysis import QuestionAnalysis
from assistant.understand.conversation import Turn
from assistant.understand.reader import Reader
from assistant.understand.topic_index import TopicIndex
from ingest.corpus_info import CorpusInfo
from ingest.rule_files import load_rulebook
from tests.conftest import FIXTURES

MINI_RULES = load_rulebook(FIXTURES / "mini" / "rules")
MINI_CORPUS = CorpusInfo.load(FIXTURES / "mini" / "corpus.yaml")
MINI_READER = Reader(MINI_RULES, MINI_CORPUS, frozenset(), TopicIndex.from_texts([]))


def read(question: str, history: list[Turn] | None = None, **changes: Any) -> QuestionAnalysis:
    """The analysis of `question`, with some fields replaced (`intent=Intent.DOSE`)."""
    return replace(MINI_READER.analyze(question, history or []), **changes)
