"""An answer as the checks read it: its sentences, their spans and their citation numbers.

sentences = parse_answer("**Dose**\\n- T-DXd 5.4 mg/kg every 3 weeks [1]")
sentences[0].citations  # -> (1,)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from guardrails.text import citation_numbers, split_sentences, strip_citations

_MARKDOWN_HEADING = re.compile(r"^\s*(?:#{1,6}\s+.*|\*\*[^*]+\*\*:?\s*|[A-Z][^.!?\[]{0,60}:)\s*$")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_EMPHASIS = re.compile(r"\*\*|__|`")
_REFERENCES = re.compile(r"^\s*\**(?:references|sources)\**:?\s*$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class AnswerSentence:
    text: str  # as written, citation markers included
    start: int
    end: int
    citations: tuple[int, ...]

    @cached_property
    def claim(self) -> str:
        """The sentence without citation markers or Markdown emphasis."""
        return _EMPHASIS.sub("", strip_citations(self.text)).strip()

    @property
    def factual(self) -> bool:
        """A statement of fact: not a heading, not a question, at least four words."""
        claim = self.claim
        return len(claim.split()) >= 4 and not claim.endswith("?")


def body_of(text: str) -> str:
    """The answer without its reference list."""
    match = _REFERENCES.search(text)
    return text[: match.start()] if match else text


def parse_answer(text: str) -> list[AnswerSentence]:
    """Sentences of the answer body, with Markdown headings and bullets removed."""
    body = body_of(text)
    sentences: list[AnswerSentence] = []
    offset = 0
    for line in body.splitlines(keepends=True):
        stripped = line.strip()
        if stripped and not _MARKDOWN_HEADING.match(stripped):
            bullet = _BULLET.match(line)
            start = offset + (bullet.end() if bullet else 0)
            content = body[start : offset + len(line.rstrip("\n"))]
            for span in split_sentences(content):
                sentences.append(
                    AnswerSentence(
                        span.text,
                        start + span.start,
                        start + span.end,
                        tuple(citation_numbers(span.text)),
                    )
                )
        offset += len(line)
    return _attach_trailing_markers(sentences)


def _attach_trailing_markers(sentences: list[AnswerSentence]) -> list[AnswerSentence]:
    """'... every 3 weeks. [1]' splits into a sentence and a lone marker: merge them."""
    merged: list[AnswerSentence] = []
    for sentence in sentences:
        if merged and not strip_citations(sentence.text) and sentence.citations:
            last = merged[-1]
            merged[-1] = AnswerSentence(
                last.text + " " + sentence.text,
                last.start,
                sentence.end,
                last.citations + sentence.citations,
            )
        else:
            merged.append(sentence)
    return merged
