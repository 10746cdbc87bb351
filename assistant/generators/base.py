"""The generator protocol: every answer writer streams Markdown that cites numbered passages.

for piece in generator.stream(request):
    print(piece, end="")
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from assistant.intent import Intent
from assistant.plan import Facet, Line
from assistant.records import Evidence
from guardrails.records import PatientContext, Recommendation


@dataclass(frozen=True)
class GenerationRequest:
    """What a generator may use: the standalone question, the patient context, the passages
    retrieved for the question (`evidence`), the passages backing Cairn's own statements
    (`extra`), and those statements: urgent notices, the pathway's lead for this patient, and
    facets (e.g. the dose passages of the recommended drugs). All numbered from 1."""

    question: str
    context: PatientContext
    evidence: list[Evidence]
    extra: list[Evidence] = field(default_factory=list)
    recommendation: Recommendation | None = None
    lead: list[Line] = field(default_factory=list)
    notices: list[Line] = field(default_factory=list)
    facets: list[Facet] = field(default_factory=list)
    intent: Intent = Intent.GENERAL
    line: int | None = None  # the line of therapy the pathway derives for this patient
    support: tuple[int, ...] = ()  # passages behind the recommendation, offered as evidence
    asked: str = ""  # the user's own words, before a follow-up's context was added

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
