"""One question, one way: context -> retrieve -> generate -> review -> Answer.

cairn = Cairn.from_settings(Settings.load())
answer = cairn.ask("First-line treatment for HER2+ MBC?")
for event in cairn.stream("and the dose?", history=[Turn("user", "...")]):
    ...  # Token events while the generator writes, then one Final event
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence

from assistant.compose.base import GenerationRequest, Generator, GeneratorFailed, generate
from assistant.compose.citations import citation_of, references, renumber
from assistant.compose.extractive import ExtractiveGenerator
from assistant.compose.factory import available_generators
from assistant.compose.llm import not_covered
from assistant.events import (
    Clock,
    EmptyQuestion,
    Event,
    Final,
    Outcome,
    QuestionPlan,
    Restart,
    Token,
)
from assistant.records import Answer, Evidence
from assistant.render.safe_message import blocked_text
from assistant.retrieve.planning import make_plan
from assistant.retrieve.retrieval import Filters, HybridRetriever, RetrievalResult, Retriever
from assistant.retrieve.search import search_query
from assistant.settings import Settings
from assistant.understand.analysis import QuestionAnalysis
from assistant.understand.conversation import Turn
from assistant.understand.language import language_decision
from assistant.understand.limits import check_size, normalized
from assistant.understand.overrides import check_therapies
from assistant.understand.reader import Reader
from assistant.understand.scope import ScopeDecision, judge_scope, not_covered_text
from assistant.understand.topic import topic_notice
from assistant.understand.topic_index import index_of
from guardrails.context import extract_context
from guardrails.errors import CairnError
from guardrails.records import Passage, PatientContext, Review, Verdict
from guardrails.review import review
from guardrails.rules import RuleBook
from ingest.corpus_info import CorpusInfo
from ingest.rule_files import load_rulebook

__all__ = ["Cairn", "EmptyQuestion", "Event", "Final", "Restart", "Token", "Turn"]


class Cairn:
    """The assistant: owns the rules, the retriever and the generators."""

    def __init__(
        self,
        settings: Settings,
        rules: RuleBook,
        retriever: Retriever,
        generators: dict[str, Generator],
        corpus: CorpusInfo,
        default: str = "extractive",
    ) -> None:
        self.settings = settings
        self.rules = rules
        self.retriever = retriever
        self.generators = generators
        self.extractive = ExtractiveGenerator(rules)
        self.default = default if default in generators else "extractive"
        self.corpus = corpus

    @classmethod
    def from_settings(cls, settings: Settings) -> Cairn:
        rules = load_rulebook(settings.corpus.rules_dir)
        retriever = HybridRetriever.from_settings(settings, rules.lexicon)
        corpus = CorpusInfo.load(settings.corpus.corpus_dir / "corpus.yaml")
        generators = available_generators(settings, rules, corpus.name)
        return cls(
            settings, rules, retriever, generators, corpus, settings.generator.generator.value
        )

    @property
    def generator(self) -> Generator:
        return self.generators[self.default]

    def analyze(
        self,
        question: str,
        history: Sequence[Turn] = (),
        overrides: dict[str, str] | None = None,
        asked: str | None = None,
    ) -> QuestionAnalysis:
        """The turn read once (`assistant.understand.analysis`), with the corpus's scope, words
        and topic index; every later stage reads this record."""
        check_therapies(overrides or {}, self.rules.lexicon, self.rules.facts)
        snapshot = self.retriever.snapshot
        vocabulary = snapshot.words | self.rules.measures.unit_words()
        reader = Reader(
            self.rules,
            self.corpus,
            vocabulary,
            index_of(snapshot, self.rules.lexicon, self.rules.measures),
        )
        return reader.analyze(question, history, overrides, asked)

    def context_of(
        self, question: str, history: Sequence[Turn] = (), overrides: dict[str, str] | None = None
    ) -> PatientContext:
        check_therapies(overrides or {}, self.rules.lexicon, self.rules.facts)
        users = [t.content for t in history if t.role == "user"]
        return extract_context(question, users, self.rules.lexicon, overrides, self.rules.facts)

    def ask(
        self,
        question: str,
        history: list[Turn] | None = None,
        overrides: dict[str, str] | None = None,
        filters: Filters | None = None,
        generator: str | None = None,
    ) -> Answer:
        for event in self.stream(question, history, overrides, filters, generator):
            if isinstance(event, Final):
                return event.answer
        raise AssertionError("stream ended without a final answer")

    def stream(
        self,
        question: str,
        history: list[Turn] | None = None,
        overrides: dict[str, str] | None = None,
        filters: Filters | None = None,
        generator: str | None = None,
    ) -> Iterator[Event]:
        """Tokens as the generator writes them (a Restart if it fails and the extractive answer
        replaces it), then the reviewed Answer."""
        asked, question = question, normalized(question).strip()
        if not question:
            raise EmptyQuestion("The question is empty.", "Type a clinical question and ask again.")
        history = [Turn(t.role, normalized(t.content)) for t in history or []]
        check_size(question, history)
        writer = self.generators.get(generator or self.default)
        if writer is None:
            raise CairnError(
                f"The generator '{generator}' is not available here.",
                f"Choose one of: {', '.join(self.generators)}.",
            )
        clock = Clock()
        question_plan = self._plan(question, history, overrides, filters, asked)
        clock.lap("context")  # the plan's own retrieval time is measured inside it
        clock.timings["context"] -= question_plan.retrieve_ms
        clock.timings["retrieve"] = question_plan.retrieve_ms
        outcome = Outcome(writer.name)
        yield from self._write(question_plan, writer, outcome)
        clock.lap("generate")
        yield Final(self._finish(question_plan, outcome, clock))

    def _plan(
        self,
        question: str,
        history: list[Turn],
        overrides: dict[str, str] | None,
        filters: Filters | None,
        asked: str,
    ) -> QuestionPlan:
        analysis = self.analyze(question, history, overrides, asked)

        def judge(result: RetrievalResult) -> ScopeDecision:
            if analysis.language.other_language:
                return language_decision(analysis.language, self.corpus)
            return judge_scope(analysis, result, self.corpus, self.settings.retrieval)

        query = search_query(analysis, self.rules.lexicon)
        started = time.perf_counter()
        plan = make_plan(
            analysis, query, self.retriever, self.rules, self.settings.retrieval, judge, filters
        )
        retrieve_ms = round((time.perf_counter() - started) * 1000, 2)
        request = GenerationRequest(
            analysis, plan.main, plan.extra, plan.lead, plan.notices, plan.facets, plan.offered
        )
        return QuestionPlan(
            question, analysis.standalone, query, analysis.context, plan, request,
            list(analysis.carried), retrieve_ms,
        )  # fmt: skip

    def _write(self, qp: QuestionPlan, writer: Generator, outcome: Outcome) -> Iterator[Event]:
        """The draft, opened by what the sources do not cover of the question's topic."""
        scope = qp.plan.scope
        if not (qp.plan.covered and scope.uncovered):
            yield from self._draft(qp, writer, outcome)
            return
        notice = topic_notice(scope.uncovered, scope.subjects)
        yield Token(f"{notice}\n\n")
        yield from self._draft(qp, writer, outcome)
        if outcome.covered:
            outcome.draft = f"{notice}\n\n{outcome.draft}"

    def _draft(self, qp: QuestionPlan, writer: Generator, outcome: Outcome) -> Iterator[Event]:
        """Stream the draft; on a generator failure fall back to the extractive answer."""
        if not qp.plan.covered:
            scope = qp.plan.scope
            outcome.draft = scope.notice or not_covered_text(self.corpus, scope.reason)
            yield Token(outcome.draft)
            return
        pieces: list[str] = []
        try:
            for piece in writer.stream(qp.request):
                pieces.append(piece)
                yield Token(piece)
            outcome.draft = "".join(pieces)
        except GeneratorFailed as failure:
            outcome.fallback = failure.reason
            outcome.name = f"extractive (fallback from {writer.name})"
            yield Restart(failure.reason)
            outcome.draft = generate(self.extractive, qp.request)
            yield Token(outcome.draft)
            return
        if not_covered(outcome.draft):
            outcome.covered = False
            outcome.draft = not_covered_text(
                self.corpus, "the model found no answer in the passages"
            )

    def _finish(self, qp: QuestionPlan, outcome: Outcome, clock: Clock) -> Answer:
        body, cited, dropped = renumber(outcome.draft, qp.plan.evidence)
        covered = qp.plan.covered and outcome.covered
        # The passages retrieved but not cited count for aligning an uncited statement.
        cited_chunks = {e.chunk.id for e in cited}
        uncited = [
            e.passage().model_copy(update={"n": None})
            for e in qp.plan.evidence
            if e.chunk.id not in cited_chunks
        ]
        verdict = review(
            body, qp.question, qp.context, [*(e.passage() for e in cited), *uncited], self.rules,
            grounded=covered, strict_doses=not outcome.name.startswith("extractive"),
        )  # fmt: skip
        clock.lap("review")
        answer = self._answer(qp, body, cited, verdict, clock, outcome.name, covered)
        answer.assumptions.extend(qp.assumptions)
        answer.invalid_markers.extend(dropped)
        if dropped:
            markers = ", ".join(map(str, dropped))
            answer.notices.append(f"Citation markers {markers} pointed to no passage; removed.")
        line = qp.request.analysis.line
        if line.disagrees and covered:
            answer.notices.append(line.notice)
        if outcome.fallback:
            answer.notices.append(
                f"The language model could not answer ({outcome.fallback}); this answer was "
                "composed by the extractive generator instead."
            )
        return answer

    def check(self, question: str, text: str, overrides: dict[str, str] | None = None) -> Review:
        """Review text written anywhere; its numbers are checked against the whole corpus."""
        context = self.context_of(question, [], overrides)
        passages = [
            Passage(n=None, source_id=c.source_id, text=c.text, section=c.section)
            for c in self.retriever.snapshot.chunks
        ]
        return review(text, question, context, passages, self.rules, resolve_markers=False)

    def _answer(
        self,
        qp: QuestionPlan,
        body: str,
        cited: list[Evidence],
        verdict: Review,
        clock: Clock,
        generator: str,
        covered: bool,
    ) -> Answer:
        citations = [citation_of(e) for e in cited]
        draft = ""
        if verdict.verdict is Verdict.BLOCK:
            titles = {s: src.title for s, src in self.retriever.snapshot.sources.items()}
            draft, body = body, blocked_text(verdict, citations, titles)
            citations = []  # the withheld draft's references would point at nothing shown
        text = body if not citations else f"{body}\n\n{references(citations)}"
        snapshot = self.retriever.snapshot
        return Answer(
            question=qp.question,
            standalone_question=qp.standalone,
            search_query=qp.query,
            context=qp.context,
            text=text,
            draft=draft,
            citations=citations,
            review=verdict,
            timings=clock.timings,
            corpus_version=snapshot.manifest.version,
            evidence_as_of=snapshot.manifest.evidence_as_of,
            generator=generator,
            covered=covered,
            uncovered_topics=list(qp.plan.scope.uncovered) if covered else [],
            retrieved=[e.chunk.id for e in qp.plan.main],
            retrieved_sources=qp.plan.ranked_sources,
        )
