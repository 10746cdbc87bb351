"""The evidence plan's records: Cairn's own statements, facets, and the numbered passages.

All passages of a plan share one numbering, 1..n: `Plan.add` numbers a passage once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import zip_longest

from assistant.records import Evidence
from assistant.retrieve.retrieval import RetrievalResult
from assistant.understand.scope import ScopeDecision


@dataclass(frozen=True)
class Line:
    """A statement Cairn writes (not quoted from a passage) and the passages that back it."""

    text: str
    numbers: tuple[int, ...]
    patient: bool = False  # about this patient's own dose or condition: opens a dose answer


@dataclass(frozen=True)
class Facet:
    """A part of the answer with its own passages: a drug's dose, or its dose reductions."""

    heading: str
    query: str
    numbers: tuple[int, ...]
    concept_id: str
    kind: str = "dose"  # "dose" or "reduction"


@dataclass
class Plan:
    result: RetrievalResult
    scope: ScopeDecision
    main: list[Evidence] = field(default_factory=list)
    extra: list[Evidence] = field(default_factory=list)
    lead: list[Line] = field(default_factory=list)
    facets: list[Facet] = field(default_factory=list)
    notices: list[Line] = field(default_factory=list)
    support: list[int] = field(default_factory=list)
    results: list[int] = field(default_factory=list)  # offered to the writer, not ranked

    @property
    def covered(self) -> bool:
        return self.scope.covered

    @property
    def ranked_sources(self) -> list[str]:
        """Sources in the order the answer relies on them: the passages backing Cairn's own
        lead first, then hybrid retrieval's ranking interleaved with the sources the plan added
        (supporting passages, named trials, dose facets)."""
        lead = self._sources(self.lead_numbers)
        pathway = self._sources([*self.support, *(n for f in self.facets for n in f.numbers)])
        retrieved = self.result.ranked_sources
        merged = [s for pair in zip_longest(retrieved, pathway) for s in pair if s is not None]
        return list(dict.fromkeys([*lead, *merged]))

    def _sources(self, numbers: Iterable[int]) -> list[str]:
        by_number = {e.n: e.source.id for e in self.evidence}
        return [by_number[n] for n in numbers if n in by_number]

    @property
    def offered(self) -> tuple[int, ...]:
        """The passages beyond the main ones the writer may quote."""
        return tuple(dict.fromkeys([*self.support, *self.results]))

    @property
    def lead_numbers(self) -> list[int]:
        return [n for line in (*self.notices, *self.lead) for n in line.numbers]

    @property
    def evidence(self) -> list[Evidence]:
        return [*self.main, *self.extra]

    def add(self, evidence: Evidence | None) -> int | None:
        """Number a passage (once) and return its citation number."""
        if evidence is None:
            return None
        for known in self.evidence:
            if known.chunk.id == evidence.chunk.id:
                return known.n
        numbered = evidence.model_copy(update={"n": len(self.evidence) + 1})
        self.extra.append(numbered)
        return numbered.n
