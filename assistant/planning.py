"""The evidence plan for one question: what to retrieve and what each passage is for.

    plan = make_plan(standalone, context, recommendation, retriever, rules, settings)

- main passages: hybrid retrieval for the (standalone) question;
- lead: the pathway's recommendation for this patient (and its notes and contraindications),
  each cited to the passage of the rule's sources that best backs it;
- facets: for a treatment question, the dose passages of the recommended regimen's drugs;
- notices: urgent-care notices for emergency signs in the question, cited to their sources.
All passages share one numbering, 1..n.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.intent import Intent
from assistant.records import Evidence
from assistant.retrieval import Filters, RetrievalResult, Retriever
from assistant.scope import ScopeDecision
from assistant.settings import RetrievalSettings
from guardrails.lexicon import Lexicon
from guardrails.records import PatientContext, Recommendation
from guardrails.rules import RuleBook
from guardrails.safety import emergencies

MAX_FACET_DRUGS = 3
# The kinds of source each kind of question is best answered from.
KINDS_FOR: dict[Intent, tuple[str, ...]] = {
    Intent.TREATMENT: ("guideline", "consensus", "review"),
    Intent.DOSE: ("label",),
    Intent.TRIAL: ("trial",),
    Intent.SAFETY: ("label", "review"),
    Intent.DIFFERENCE: ("consensus", "guideline"),
}


@dataclass(frozen=True)
class Line:
    """A statement Cairn writes (not quoted from a passage) and the passages that back it."""

    text: str
    numbers: tuple[int, ...]


@dataclass(frozen=True)
class Facet:
    heading: str
    query: str
    numbers: tuple[int, ...]
    concept_id: str


@dataclass
class Plan:
    result: RetrievalResult
    scope: ScopeDecision
    main: list[Evidence] = field(default_factory=list)
    extra: list[Evidence] = field(default_factory=list)
    lead: list[Line] = field(default_factory=list)
    facets: list[Facet] = field(default_factory=list)
    notices: list[Line] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return self.scope.covered

    @property
    def ranked_sources(self) -> list[str]:
        """Sources in the order the answer relies on them: the pathway's backing passages
        first (the answer leads with them), then hybrid retrieval's ranking."""
        lead = [e.source.id for n in self.lead_numbers for e in self.evidence if e.n == n]
        return list(dict.fromkeys([*lead, *self.result.ranked_sources]))

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


def search_query(
    question: str,
    primary: Intent,
    recommendation: Recommendation | None,
    context: PatientContext,
    lexicon: Lexicon,
) -> str:
    """For a treatment question the pathway knows the situation ("second line, after
    progression on first-line HER2-targeted therapy") and the regimens it supports: they replace
    the names of the therapies already given, so retrieval finds the passages about the next
    step rather than about the therapy that failed."""
    if recommendation is None or primary not in (Intent.TREATMENT, Intent.GENERAL):
        return question
    given = set(context.progressed_on)
    for mention in reversed(lexicon.find(question)):
        if mention.concept_id in given:
            question = question[: mention.start] + question[mention.end :]
    regimens = [
        lexicon.label(r) for r in (recommendation.preferred or recommendation.acceptable[:2])
    ]
    return f"{question} ({'; '.join([recommendation.situation, *regimens])})"


def make_plan(
    question: str,
    original: str,
    primary: Intent,
    recommendation: Recommendation | None,
    context: PatientContext,
    retriever: Retriever,
    rules: RuleBook,
    settings: RetrievalSettings,
    judge: Callable[[RetrievalResult], ScopeDecision],
    filters: Filters | None = None,
) -> Plan:
    result = retriever.retrieve(question, settings.top_k, filters, KINDS_FOR.get(primary, ()))
    main = [e.model_copy(update={"n": i}) for i, e in enumerate(result.evidence, start=1)]
    plan = Plan(result=result, scope=judge(result), main=main)
    if not plan.covered:
        return plan
    for rule in emergencies(original, rules.pathway):
        numbers = _backing(plan, retriever, rule.message, rule.sources)
        if numbers:
            plan.notices.append(Line(rule.message, numbers))
    if recommendation is not None and primary in (Intent.TREATMENT, Intent.GENERAL):
        _lead(plan, recommendation, context, retriever, rules)
        _dose_facets(plan, recommendation, retriever, rules)
    return plan


def _lead(
    plan: Plan,
    recommendation: Recommendation,
    context: PatientContext,
    retriever: Retriever,
    rules: RuleBook,
) -> None:
    numbers = _backing(plan, retriever, recommendation.statement, recommendation.source_ids)
    if not numbers:
        return
    plan.lead.append(Line(recommendation.statement, numbers))
    for rule in rules.pathway.contraindications_for(context):
        backing = _backing(plan, retriever, rule.message, rule.sources)
        if backing:
            plan.lead.append(Line(rule.message, backing))
    for note in recommendation.notes:
        backing = _backing(plan, retriever, note, recommendation.source_ids)
        if backing:
            plan.lead.append(Line(note, backing))


def _dose_facets(
    plan: Plan, recommendation: Recommendation, retriever: Retriever, rules: RuleBook
) -> None:
    drugs: list[str] = []
    for concept in recommendation.preferred or recommendation.acceptable[:1]:
        for drug in rules.lexicon.drug_list(concept):
            if drug not in drugs and rules.doses.rows_for(drug):
                drugs.append(drug)
    for drug in drugs[:MAX_FACET_DRUGS]:
        partners = [rules.lexicon.label(d) for d in drugs[:MAX_FACET_DRUGS] if d != drug]
        with_partners = f" given with {' and '.join(partners)}" if partners else ""
        query = f"{rules.lexicon.label(drug)} dose and schedule{with_partners}"
        found = retriever.retrieve(query, k=2, filters=Filters(kinds=("label",)))
        numbers = tuple(n for e in found.evidence if (n := plan.add(e)) is not None)
        if numbers:
            plan.facets.append(Facet("Dose and schedule", query, numbers, drug))


def _backing(
    plan: Plan, retriever: Retriever, statement: str, source_ids: tuple[str, ...]
) -> tuple[int, ...]:
    """The numbers of the (up to two) passages of the given sources that best back a statement."""
    if not source_ids:
        return ()
    found = retriever.retrieve(statement, k=2, filters=Filters(source_ids=source_ids)).evidence
    if not found:
        fallback = retriever.passage_from(source_ids[0], statement)
        found = [fallback] if fallback else []
    return tuple(n for e in found if (n := plan.add(e)) is not None)
