"""The generator protocol: every answer writer streams Markdown that cites numbered passages.

for piece in generator.stream(request):
    print(piece, end="")
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from assistant.records import Evidence
from assistant.retrieve.plan import Facet, Line
from assistant.understand.analysis import QuestionAnalysis
from assistant.understand.intent import Intent
from guardrails.records import PatientContext, Recommendation


@dataclass(frozen=True)
class GenerationRequest:
    """What a generator may use: the pipeline's reading of the turn (`analysis`, see
    `assistant.understand.analysis`: the standalone question, the patient context, intents,
    decision, roles, measured values, line, topic), the passages retrieved for the question
    (`evidence`), the passages backing Cairn's own statements (`extra`), and those statements:
    urgent notices, the pathway's lead for this patient, and facets (e.g. the dose passages of
    the recommended drugs). All numbered from 1. Generators read the analysis, never the
    question's text again."""

    analysis: QuestionAnalysis
    evidence: list[Evidence]
    extra: list[Evidence] = field(default_factory=list)
    lead: list[Line] = field(default_factory=list)
    notices: list[Line] = field(default_factory=list)
    facets: list[Facet] = field(default_factory=list)
    support: tuple[int, ...] = ()  # passages behind the recommendation, offered as evidence

    @property
    def question(self) -> str:
        """The standalone question: a follow-up's carried names and facts, spelling fixed."""
        return self.analysis.standalone

    @property
    def context(self) -> PatientContext:
        return self.analysis.context

    @property
    def recommendation(self) -> Recommendation | None:
        return self.analysis.recommendation

    @property
    def intent(self) -> Intent:
        return self.analysis.intent

    @property
    def line(self) -> int | None:
        """The line of therapy the answer is for (`LineReading.line`)."""
        return self.analysis.line.line

    @property
    def candidates(self) -> list[Evidence]:
        """The passages to write from: those retrieved for the question, then the supporting
        passages of the recommendation."""
        extra = [e for e in self.extra if e.n in self.support]
        return [*self.evidence, *extra]

    def numbered(self, n: int) -> Evidence | None:
        return next((e for e in (*self.evidence, *self.extra) if e.n == n), None)


URGENT = "Urgent"


def cite(text: str, numbers: Iterable[int]) -> str:
    """A sentence with its citation marker: 'text [1, 2]'."""
    marks = ", ".join(str(n) for n in dict.fromkeys(numbers))
    return f"{text} [{marks}]"


def urgent_section(notices: Sequence[Line]) -> str:
    """Cairn's urgent-care notices, shown first whatever generator writes the answer."""
    if not notices:
        return ""
    return f"**{URGENT}**\n" + "\n".join(f"- {cite(n.text, n.numbers)}" for n in notices)


class Generator(Protocol):
    name: str

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        """Yield the answer in pieces; the joined pieces are the whole Markdown answer."""


class GeneratorFailed(Exception):
    """A generator could not answer (server down, timeout, model missing). `reason` is a plain
    sentence for the user; the pipeline falls back to the extractive answer."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def generate(generator: Generator, request: GenerationRequest) -> str:
    return "".join(generator.stream(request))
