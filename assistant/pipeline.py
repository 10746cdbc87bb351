"""One question, one way: context -> retrieve -> generate -> review -> Answer.

cairn = Cairn.from_settings(Settings.load())
answer = cairn.ask("First-line treatment for HER2+ MBC?")
for event in cairn.stream("and the dose?", history=[Turn("user", "...")]):
    ...  # Token events while the generator writes, then one Final event
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from assistant.citations import citation_of, references, renumber
from assistant.conversation import Turn, assumptions, follow_up_intent, standalone_question
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
from assistant.generators.base import GenerationRequest, Generator, GeneratorFailed, generate
from assistant.generators.extractive import ExtractiveGenerator
from assistant.generators.factory import available_generators
from assistant.generators.llm import not_covered
from assistant.language import language_decision, read_language
from assistant.limits import check_size, normalized
from assistant.overrides import check_therapies
from assistant.planning import main_intent, make_plan
from assistant.records import Answer, Evidence
from assistant.retrieval import Filters, HybridRetriever, RetrievalResult, Retriever
from assistant.safe_message import blocked_text
from assistant.scope import (
    ScopeDecision,
    correct_spelling,
    judge_scope,
    not_covered_text,
)
from assistant.search import search_query
from assistant.settings import Settings
from assistant.topic import index_of, read_topic, topic_notice
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

    def context_of(
        self, question: str, history: list[Turn], overrides: dict[str, str] | None = None
    ) -> PatientContext:
        check_therapies(overrides or {}, self.rules.lexicon, self.rules.facts)
        user_turns = [t.content for t in history if t.role == "user"]
        return extract_context(
            question, user_turns, self.rules.lexicon, overrides, self.rules.facts
        )

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
        lexicon = self.rules.lexicon
        context = self.context_of(question, history, overrides)
        vocabulary = self.retriever.snapshot.words | self.rules.measures.unit_words()
        standalone = correct_spelling(
            standalone_question(question, history, context, lexicon), vocabulary, lexicon
        )
        recommendation = self.rules.pathway.recommend(context)
        primary = main_intent(
            follow_up_intent(question, history, lexicon),
            question, standalone, recommendation, context, self.rules,
        )  # fmt: skip

        reading = read_language(asked, vocabulary, lexicon)

        def judge(result: RetrievalResult) -> ScopeDecision:
            if reading.other_language:
                return language_decision(reading, self.corpus)
            index = index_of(self.retriever.snapshot)
            topic = read_topic(question, lexicon, self.rules.measures, index, standalone)
            return judge_scope(
                question, context, result, self.corpus, vocabulary, lexicon,
                self.settings.retrieval, topic,
            )  # fmt: skip

        query = search_query(standalone, primary, recommendation, context, lexicon)
        started = time.perf_counter()
        asked_before = next((t.content for t in reversed(history) if t.role == "user"), "")
        plan = make_plan(
            query, question, primary, recommendation, context, self.retriever, self.rules,
            self.settings.retrieval, judge, filters, asked_before,
        )  # fmt: skip
        retrieve_ms = round((time.perf_counter() - started) * 1000, 2)
        request = GenerationRequest(
            standalone, context, plan.main, plan.extra, recommendation, plan.lead,
            plan.notices, plan.facets, primary, self.rules.pathway.line_of(context),
            plan.offered, question,
        )  # fmt: skip
        earlier = self._earlier_context(history)
        carried = assumptions(earlier, context, lexicon) if history else []
        return QuestionPlan(
            question, standalone, query, context, plan, request, carried, retrieve_ms
        )

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
            body,
            qp.question,
            qp.context,
            [*(e.passage() for e in cited), *uncited],
            self.rules,
            grounded=covered,
            strict_doses=not outcome.name.startswith("extractive"),
        )
        clock.lap("review")
        answer = self._answer(qp, body, cited, verdict, clock, outcome.name, covered)
        answer.assumptions.extend(qp.assumptions)
        answer.invalid_markers.extend(dropped)
        if dropped:
            markers = ", ".join(map(str, dropped))
            answer.notices.append(f"Citation markers {markers} pointed to no passage; removed.")
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

    def _earlier_context(self, history: list[Turn]) -> PatientContext:
        users = [t.content for t in history if t.role == "user"]
        if not users:
            return PatientContext()
        return extract_context(users[-1], users[:-1], self.rules.lexicon, schema=self.rules.facts)

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
