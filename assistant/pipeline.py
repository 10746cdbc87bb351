"""One question, one way: context -> retrieve -> generate -> review -> Answer.

cairn = Cairn.from_settings(Settings.load())
answer = cairn.ask("First-line treatment for HER2+ MBC?")
for event in cairn.stream("and the dose?", history=[...]):
    ...  # Token events while the generator writes, then one Final event
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from assistant.citations import citation_of, references, renumber
from assistant.generators.base import GenerationRequest, Generator
from assistant.generators.extractive import ExtractiveGenerator
from assistant.records import Answer, Evidence
from assistant.retrieval import Filters, HybridRetriever, Retriever
from assistant.scope import CorpusInfo, is_covered, not_covered_text
from assistant.settings import Settings
from guardrails.errors import CairnError
from guardrails.records import Passage, PatientContext, Review
from guardrails.review import review
from guardrails.rules import RuleBook


@dataclass(frozen=True)
class Token:
    text: str


@dataclass(frozen=True)
class Final:
    answer: Answer


Event = Token | Final


@dataclass(frozen=True)
class Turn:
    role: str  # "user" or "assistant"
    content: str


@dataclass
class _Clock:
    timings: dict[str, float] = field(default_factory=dict)
    _start: float = field(default_factory=time.perf_counter)

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = round((now - self._start) * 1000, 2)
        self._start = now


class EmptyQuestion(CairnError):
    pass


class Cairn:
    """The assistant: owns the rules, the retriever and the generator."""

    def __init__(
        self,
        settings: Settings,
        rules: RuleBook,
        retriever: Retriever,
        generator: Generator,
        corpus: CorpusInfo,
    ) -> None:
        self.settings = settings
        self.rules = rules
        self.retriever = retriever
        self.generator = generator
        self.extractive = ExtractiveGenerator(rules.lexicon)
        self.corpus = corpus

    @classmethod
    def from_settings(cls, settings: Settings) -> Cairn:
        rules = RuleBook.load(settings.corpus.rules_dir)
        retriever = HybridRetriever.from_settings(settings, rules.lexicon)
        corpus = CorpusInfo.load(settings.corpus.corpus_dir / "corpus.yaml")
        return cls(settings, rules, retriever, ExtractiveGenerator(rules.lexicon), corpus)

    def ask(
        self,
        question: str,
        history: list[Turn] | None = None,
        overrides: dict[str, str] | None = None,
        filters: Filters | None = None,
    ) -> Answer:
        for event in self.stream(question, history, overrides, filters):
            if isinstance(event, Final):
                return event.answer
        raise AssertionError("stream ended without a final answer")

    def stream(
        self,
        question: str,
        history: list[Turn] | None = None,
        overrides: dict[str, str] | None = None,
        filters: Filters | None = None,
    ) -> Iterator[Event]:
        question = question.strip()
        if not question:
            raise EmptyQuestion("The question is empty.", "Type a clinical question and ask again.")
        clock = _Clock()
        context = PatientContext()
        standalone = question
        clock.lap("context")

        result = self.retriever.retrieve(standalone, self.settings.retrieval.top_k, filters)
        evidence = [e.model_copy(update={"n": i}) for i, e in enumerate(result.evidence, start=1)]
        covered = is_covered(result, self.settings.retrieval)
        clock.lap("retrieve")

        if covered:
            request = GenerationRequest(standalone, context, evidence)
            pieces = []
            for piece in self.generator.stream(request):
                pieces.append(piece)
                yield Token(piece)
            draft = "".join(pieces)
        else:
            draft = not_covered_text(self.corpus, question)
            yield Token(draft)
        body, cited, _dropped = renumber(draft, evidence)
        clock.lap("generate")

        verdict = review(body, standalone, context, [e.passage() for e in cited], self.rules)
        clock.lap("review")

        yield Final(
            self._answer(
                question, standalone, context, body, cited, verdict, clock, covered, evidence
            )
        )

    def check(self, question: str, text: str, overrides: dict[str, str] | None = None) -> Review:
        """Review text written anywhere; its numbers are checked against the whole corpus."""
        context = PatientContext()
        passages = [
            Passage(n=None, source_id=c.source_id, text=c.text, section=c.section)
            for c in self.retriever.snapshot.chunks
        ]
        return review(text, question, context, passages, self.rules, resolve_markers=False)

    def _answer(
        self,
        question: str,
        standalone: str,
        context: PatientContext,
        body: str,
        cited: list[Evidence],
        verdict: Review,
        clock: _Clock,
        covered: bool,
        retrieved: list[Evidence],
    ) -> Answer:
        citations = [citation_of(e) for e in cited]
        text = body if not citations else f"{body}\n\n{references(citations)}"
        snapshot = self.retriever.snapshot
        return Answer(
            question=question,
            standalone_question=standalone,
            context=context,
            text=text,
            citations=citations,
            review=verdict,
            timings=clock.timings,
            corpus_version=snapshot.manifest.version,
            evidence_as_of=snapshot.manifest.evidence_as_of,
            generator=self.generator.name,
            covered=covered,
            retrieved=[e.chunk.id for e in retrieved],
        )
