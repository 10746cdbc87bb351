"""What the pipeline streams (Token, Restart, Final) and the records it works with."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from assistant.compose.base import GenerationRequest
from assistant.records import Answer
from assistant.retrieve.plan import Plan
from guardrails.errors import CairnError
from guardrails.records import PatientContext


@dataclass(frozen=True)
class Token:
    text: str


@dataclass(frozen=True)
class Final:
    answer: Answer


@dataclass(frozen=True)
class Restart:
    """The generator failed: discard the streamed text; the extractive answer follows."""

    reason: str


Event = Token | Restart | Final


@dataclass
class QuestionPlan:
    question: str
    standalone: str
    query: str
    context: PatientContext
    plan: Plan
    request: GenerationRequest
    assumptions: list[str]
    retrieve_ms: float


@dataclass
class Outcome:
    name: str
    draft: str = ""
    covered: bool = True
    fallback: str = ""


@dataclass
class Clock:
    timings: dict[str, float] = field(default_factory=dict)
    _start: float = field(default_factory=time.perf_counter)

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = round((now - self._start) * 1000, 2)
        self._start = now


class EmptyQuestion(CairnError):
    pass
