"""One question, one way: context -> retrieve -> generate -> review -> Answer.

cairn = Cairn.from_settings(Settings.load())
answer = cairn.ask("First-line treatment for HER2+ MBC?")
for event in cairn.stream("and the dose?", history=[Turn("user", "...")]):
    ...  # Token events while the generator writes, then one Final event
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from assistant.citations import citation_of, references, renumber
from assistant.conversation import Turn, assumptions, standalone_question
from assistant.generators.base import GenerationRequest, Generator
from assistant.generators.extractive import ExtractiveGenerator
from assistant.intent import intents
from assistant.planning import Plan, make_plan, search_query
from assistant.records import Answer, Evidence
from assistant.retrieval import Filters, HybridRetriever, RetrievalResult, Retriever
from assistant.safe_message import blocked_text
from assistant.scope import (
    CorpusInfo,
    ScopeDecision,
    correct_spelling,
    judge_scope,
    not_covered_text,
)
from assistant.settings import Settings
from guardrails.context import extract_context
from guardrails.errors import CairnError
from guardrails.records import Passage, PatientContext, Review, Verdict
from guardrails.review import review
from guardrails.rules import RuleBook

__all__ = ["Cairn", "EmptyQuestion", "Event", "Final", "Token", "Turn"]


@dataclass(frozen=True)
class Token:
    text: str


@dataclass(frozen=True)
class Final:
    answer: Answer


Event = Token | Final


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
        self.corpus = corpus

    @classmethod
    def from_settings(cls, settings: Settings, generator: Generator | None = None) -> Cairn:
        rules = RuleBook.load(settings.corpus.rules_dir)
        retriever = HybridRetriever.from_settings(settings, rules.lexicon)
        corpus = CorpusInfo.load(settings.corpus.corpus_dir / "corpus.yaml")
        return cls(settings, rules, retriever, generator or ExtractiveGenerator(rules), corpus)

    def context_of(
        self, question: str, history: list[Turn], overrides: dict[str, str] | None = None
    ) -> PatientContext:
        user_turns = [t.content for t in history if t.role == "user"]
        return extract_context(question, user_turns, self.rules.lexicon, overrides)

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
        """Tokens as the generator writes them, then the reviewed Answer."""
        question = question.strip()
        if not question:
            raise EmptyQuestion("The question is empty.", "Type a clinical question and ask again.")
        history = history or []
        clock = _Clock()
        lexicon = self.rules.lexicon
        context = self.context_of(question, history, overrides)
        earlier = self._earlier_context(history)
        vocabulary = self.retriever.snapshot.words
        standalone = standalone_question(question, history, context, lexicon)
        standalone = correct_spelling(standalone, vocabulary, lexicon)
        primary = intents(question, lexicon)[0]
        recommendation = self.rules.pathway.recommend(context)
        clock.lap("context")

        def judge(result: RetrievalResult) -> ScopeDecision:
            return judge_scope(
                question, context, result, self.corpus, vocabulary, lexicon, self.settings.retrieval
            )

        query = search_query(standalone, primary, recommendation, lexicon)
        plan = make_plan(
            query, question, primary, recommendation, context, self.retriever, self.rules,
            self.settings.retrieval, judge, filters,
        )  # fmt: skip
        clock.lap("retrieve")

        if plan.covered:
            request = GenerationRequest(
                standalone, context, plan.main, plan.extra, recommendation, plan.lead,
                plan.notices, plan.facets, primary,
            )  # fmt: skip
            pieces = []
            for piece in self.generator.stream(request):
                pieces.append(piece)
                yield Token(piece)
            draft = "".join(pieces)
        else:
            draft = not_covered_text(self.corpus, plan.scope.reason)
            yield Token(draft)
        body, cited, dropped = renumber(draft, plan.evidence)
        clock.lap("generate")

        passages = [e.passage() for e in cited]
        verdict = review(body, question, context, passages, self.rules, grounded=plan.covered)
        clock.lap("review")

        answer = self._answer(question, standalone, context, body, cited, verdict, clock, plan)
        answer.search_query = query
        answer.assumptions.extend(assumptions(earlier, context, lexicon) if history else [])
        answer.invalid_markers.extend(dropped)
        if dropped:
            markers = ", ".join(map(str, dropped))
            answer.notices.append(f"Citation markers {markers} pointed to no passage; removed.")
        yield Final(answer)

    def check(self, question: str, text: str, overrides: dict[str, str] | None = None) -> Review:
        """Review text written anywhere; its numbers are checked against the whole corpus."""
        context = self.context_of(question, [], overrides)
        passages = [
            Passage(n=None, source_id=c.source_id, text=c.text, section=c.section)
            for c in self.retriever.snapshot.chunks
        ]
        return review(text, question, context, passages, self.rules, resolve_markers=False)

    def _earlier_context(self, history: list[Turn]) -> PatientContext:
        users = [t.content for t in history if t.role == "user"]
        if not users:
            return PatientContext()
        return extract_context(users[-1], users[:-1], self.rules.lexicon)

    def _answer(
        self,
        question: str,
        standalone: str,
        context: PatientContext,
        body: str,
        cited: list[Evidence],
        verdict: Review,
        clock: _Clock,
        plan: Plan,
    ) -> Answer:
        citations = [citation_of(e) for e in cited]
        draft = ""
        if verdict.verdict is Verdict.BLOCK:
            draft, body = body, blocked_text(verdict, citations)
        text = body if not citations else f"{body}\n\n{references(citations)}"
        snapshot = self.retriever.snapshot
        return Answer(
            question=question,
            standalone_question=standalone,
            context=context,
            text=text,
            draft=draft,
            citations=citations,
            review=verdict,
            timings=clock.timings,
            corpus_version=snapshot.manifest.version,
            evidence_as_of=snapshot.manifest.evidence_as_of,
            generator=self.generator.name,
            covered=plan.covered,
            retrieved=[e.chunk.id for e in plan.main],
            retrieved_sources=plan.ranked_sources,
        )
