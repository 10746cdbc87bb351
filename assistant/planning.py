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

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import zip_longest

from assistant.intent import Intent
from assistant.records import Evidence
from assistant.retrieval import Filters, RetrievalResult, Retriever
from assistant.scope import ScopeDecision
from assistant.settings import RetrievalSettings
from guardrails.answer import parse_answer
from guardrails.lexicon import ConceptKind, Lexicon
from guardrails.negation import status_of
from guardrails.recommendations import recommended
from guardrails.records import FactStatus, PatientContext, Recommendation
from guardrails.rules import RuleBook
from guardrails.safety import emergencies

MAX_FACET_DRUGS = 3
MAX_TRIALS = 2  # named trials whose passages a question gets
TRIAL_PASSAGES = 4
MAX_SUPPORT = 2  # supporting passages per recommendation
# The kinds of source each kind of question is best answered from.
KINDS_FOR: dict[Intent, tuple[str, ...]] = {
    Intent.TREATMENT: ("guideline", "consensus", "review"),
    Intent.DOSE: ("label",),
    Intent.TRIAL: ("trial",),
    Intent.SAFETY: ("label", "review"),
    Intent.DIFFERENCE: ("consensus", "guideline"),
}

# A question about what the label says is answered from the label first.
_ASKS_LABEL = re.compile(r"\b(?:label|prescribing information|package insert|smpc)\b", re.I)


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
    support: list[int] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return self.scope.covered

    @property
    def ranked_sources(self) -> list[str]:
        """Sources in the order the answer relies on them: the pathway's backing passages
        first (the answer leads with them), then the passages supporting the recommendation,
        then hybrid retrieval's ranking."""
        lead = self._sources(self.lead_numbers)
        pathway = self._sources([*self.support, *(n for f in self.facets for n in f.numbers)])
        retrieved = self.result.ranked_sources
        merged = [s for pair in zip_longest(pathway, retrieved) for s in pair if s is not None]
        return list(dict.fromkeys([*lead, *merged]))

    def _sources(self, numbers: Iterable[int]) -> list[str]:
        by_number = {e.n: e.source.id for e in self.evidence}
        return [by_number[n] for n in numbers if n in by_number]

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
    step rather than about the therapy that failed. A condition the question rules out ("no
    brain mets") is left out, so it does not draw passages about that condition."""
    question = _without_negated_conditions(question, lexicon)
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


def _without_negated_conditions(question: str, lexicon: Lexicon) -> str:
    for mention in reversed(lexicon.find(question)):
        negated = status_of(question, mention.start, mention.end) is FactStatus.NEGATED
        if mention.kind is ConceptKind.TERM and negated:
            question = question[: mention.start] + question[mention.end :]
    return question


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
    kinds = KINDS_FOR.get(primary, ())
    if _ASKS_LABEL.search(question):
        kinds = ("label", *kinds)
    result = retriever.retrieve(question, settings.top_k, filters, kinds)
    main = [e.model_copy(update={"n": i}) for i, e in enumerate(result.evidence, start=1)]
    plan = Plan(result=result, scope=judge(result), main=main)
    if not plan.covered:
        return plan
    for rule in emergencies(original, rules.pathway):
        numbers = _backing(plan, retriever, rule.message, rule.sources)
        if numbers:
            plan.notices.append(Line(rule.message, numbers))
    _trial_focus(plan, retriever, question, rules.lexicon)
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
    avoided = set(recommendation.avoid)
    statement = recommendation.statement
    if _recommends_any(statement, avoided, rules.lexicon):
        statement = _without_avoided(recommendation, rules.lexicon)
    numbers = _backing(plan, retriever, statement, recommendation.source_ids)
    if not numbers:
        return
    plan.lead.append(Line(statement, numbers))
    _support(plan, retriever, statement, recommendation.source_ids)
    for rule in rules.pathway.contraindications_for(context):
        backing = _backing(plan, retriever, rule.message, rule.sources)
        if backing:
            plan.lead.append(Line(rule.message, backing))
    for note in recommendation.notes:
        if _names_any(note, avoided, rules.lexicon):
            continue  # a note about a drug this patient should not get would read as an option
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


def _recommends_any(statement: str, avoided: set[str], lexicon: Lexicon) -> bool:
    """Whether the pathway's statement recommends a drug this patient must not get (the review
    would block Cairn's own lead)."""
    return any(
        r.concept_id in avoided or lexicon.drugs_of(r.concept_id) & avoided
        for r in recommended(parse_answer(statement), lexicon)
    )


def _without_avoided(recommendation: Recommendation, lexicon: Lexicon) -> str:
    """The lead when the usual recommendation is contraindicated for this patient."""
    head = (
        f"For {recommendation.situation}, the usual recommendation does not apply to this patient "
        "(see the contraindication below)"
    )
    if recommendation.acceptable:
        options = ", ".join(lexicon.label(c) for c in recommendation.acceptable[:4])
        return f"{head}; the pathway's other options here are: {options}."
    return (
        f"{head}, and the pathway names no other regimen here: the choice needs specialist review."
    )


def _names_any(text: str, drugs: set[str], lexicon: Lexicon) -> bool:
    return any(lexicon.drugs_of(m.concept_id) & drugs for m in lexicon.find(text))


def _trial_focus(plan: Plan, retriever: Retriever, question: str, lexicon: Lexicon) -> None:
    """A question that names a trial gets that trial's best passages (its results sections
    too), beyond the two passages per source that diversity leaves in the main retrieval."""
    trials = [m for m in lexicon.find(question) if m.kind is ConceptKind.TRIAL]
    for mention in trials[:MAX_TRIALS]:
        query = f"{lexicon.label(mention.concept_id)}: {question}"
        own = _trial_sources(retriever, mention.concept_id, lexicon)
        filters = Filters(source_ids=own) if own else Filters(kinds=("trial",))
        found = retriever.retrieve(query, k=3 * TRIAL_PASSAGES, filters=filters, per_source=12)
        ranked = sorted(found.evidence, key=lambda e: _section_rank(e.chunk.section.lower()))
        for evidence in ranked[:TRIAL_PASSAGES]:
            n = plan.add(evidence)
            if n is not None and n not in plan.support:
                plan.support.append(n)


def _section_rank(section: str) -> int:
    """Headline results first: the summary, then the results sections, then the rest."""
    return 0 if section.startswith("summary") else 1 if "result" in section else 2


def _trial_sources(retriever: Retriever, trial: str, lexicon: Lexicon) -> tuple[str, ...]:
    """The trial documents about one trial: those whose title names it first."""
    found = []
    for source in retriever.snapshot.sources.values():
        named = [m.concept_id for m in lexicon.find(source.title) if m.kind is ConceptKind.TRIAL]
        if source.kind.value == "trial" and named[:1] == [trial]:
            found.append(source.id)
    return tuple(found)


def _support(plan: Plan, retriever: Retriever, statement: str, source_ids: tuple[str, ...]) -> None:
    """The best passage of each other source behind a recommendation (the trial or label it
    rests on), offered to the generator as evidence without being cited for the statement."""
    cited = {e.source.id for e in plan.evidence if e.n in plan.lead_numbers}
    for source_id in [s for s in source_ids if s not in cited][:MAX_SUPPORT]:
        n = plan.add(retriever.passage_from(source_id, statement))
        if n is not None and n not in plan.support:
            plan.support.append(n)


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
