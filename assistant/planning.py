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

from dataclasses import dataclass, field

from assistant.intent import Intent
from assistant.records import Evidence
from assistant.retrieval import Filters, RetrievalResult, Retriever
from assistant.scope import is_covered
from assistant.settings import RetrievalSettings
from guardrails.records import PatientContext, Recommendation
from guardrails.rules import RuleBook
from guardrails.safety import emergencies

MAX_FACET_DRUGS = 3


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
    covered: bool
    main: list[Evidence] = field(default_factory=list)
    extra: list[Evidence] = field(default_factory=list)
    lead: list[Line] = field(default_factory=list)
    facets: list[Facet] = field(default_factory=list)
    notices: list[Line] = field(default_factory=list)

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


def make_plan(
    question: str,
    original: str,
    primary: Intent,
    recommendation: Recommendation | None,
    context: PatientContext,
    retriever: Retriever,
    rules: RuleBook,
    settings: RetrievalSettings,
    filters: Filters | None = None,
) -> Plan:
    result = retriever.retrieve(question, settings.top_k, filters)
    main = [e.model_copy(update={"n": i}) for i, e in enumerate(result.evidence, start=1)]
    plan = Plan(result=result, covered=is_covered(result, settings), main=main)
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
        query = f"{rules.lexicon.label(drug)} dose and schedule"
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
