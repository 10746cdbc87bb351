"""Evidence beyond the main retrieval, each piece for a statement or a part of the answer:

- the lead: the pathway's recommendation for this patient (reworded when it would recommend a
  drug this patient must not get), its contraindications and notes, each cited to the passages
  of the rule's sources that best back it, plus supporting passages (the trial or label behind
  the recommendation) offered to the generator;
- dose facets: the label passages of the recommended drugs' doses, or of the drugs a dose
  question names.
The passages of the trials a question names or asks about are in
`assistant.retrieve.trial_evidence`.
"""

from __future__ import annotations

from assistant.records import Evidence
from assistant.retrieve.plan import Facet, Line, Plan
from assistant.retrieve.retrieval import Filters, Retriever
from assistant.retrieve.search import next_regimens
from assistant.understand.analysis import QuestionAnalysis, therapies_named
from assistant.understand.intent import Role
from guardrails.answer import parse_answer
from guardrails.dose_table import DoseRow
from guardrails.lexicon import ConceptKind, Lexicon
from guardrails.recommendations import recommended
from guardrails.records import Fact, FactStatus, PatientContext, Recommendation
from guardrails.rules import RuleBook

MAX_FACET_DRUGS = 3
MAX_SUPPORT = 2  # supporting passages per recommendation


def add_lead(
    plan: Plan,
    recommendation: Recommendation,
    context: PatientContext,
    retriever: Retriever,
    rules: RuleBook,
) -> None:
    avoided = set(recommendation.avoid)
    rules_now = rules.pathway.contraindications_for(context)
    blocked = {d for rule in rules_now if rule.severity == "block" for d in rule.drugs}
    statement = recommendation.statement
    if _recommends_any(statement, blocked, rules.lexicon):  # a warning is shown, not obeyed
        statement = _without_avoided(recommendation, blocked, rules.lexicon)
    numbers = backing_for(plan, retriever, statement, recommendation.source_ids)
    if not numbers:
        return
    plan.lead.append(Line(statement, numbers))
    _support(plan, retriever, statement, recommendation.source_ids)
    options = _options(rules, context)
    for rule in rules_now:
        if options is not None and not _concerns(rule.drugs, options, rules.lexicon):
            continue  # a rule about drugs this situation never offers would only add noise
        backing = backing_for(plan, retriever, rule.message, rule.sources)
        if backing:
            plan.lead.append(Line(rule.message, backing))
    for note in recommendation.notes:
        if _names_any(note, avoided, rules.lexicon):
            continue  # a note about a drug this patient should not get would read as an option
        backing = backing_for(plan, retriever, note, recommendation.source_ids)
        if backing:
            plan.lead.append(Line(note, backing))


def _options(rules: RuleBook, context: PatientContext) -> tuple[str, ...] | None:
    """Every option the pathway names for this patient's situation and for the same line
    without the patient's other facts (where a drug this patient must avoid is offered), if any."""
    line = rules.pathway.line_of(context)
    line_fact = rules.facts.roles.get("line", "")
    plain = (
        PatientContext(
            facts={line_fact: Fact(value=line, status=FactStatus.STATED)}, roles=rules.facts.roles
        )
        if line
        else None
    )
    situations = [rules.pathway.situation_for(c) for c in (context, plain) if c is not None]
    found = [s for s in situations if s is not None]
    if not found:
        return None
    return tuple(o for s in found for o in (*s.preferred, *s.acceptable, *s.not_preferred))


def _concerns(drugs: tuple[str, ...], options: tuple[str, ...], lexicon: Lexicon) -> bool:
    """An option is one of `drugs` or contains one of its single drugs (as the review reads a
    contraindication: a regimen of a drug group does not make every member a concern)."""
    direct = {d for d in drugs if lexicon.kind_of(d) is ConceptKind.DRUG}
    return any(o in drugs or lexicon.drugs_of(o) & direct for o in options)


def add_dose_facets(
    plan: Plan,
    analysis: QuestionAnalysis,
    recommendation: Recommendation,
    retriever: Retriever,
    rules: RuleBook,
) -> None:
    """The label dose passages of the pathway's options the question names ("neratinib or
    lapatinib?"); else of the regimens the pathway prefers (or of its first acceptable one),
    leaving out regimens the disease progressed on."""
    lexicon, context = rules.lexicon, analysis.context
    options = {d for r in (*recommendation.preferred, *recommendation.acceptable)
               for d in lexicon.drugs_of(r)}  # fmt: skip
    named = [c for c in therapies_named(analysis.mentions, context, lexicon, drugs_only=True)
             if c in options]  # fmt: skip
    if named:
        _dose_facets(plan, list(dict.fromkeys(named)), retriever, rules)
        return
    regimens = next_regimens(recommendation, context, lexicon)
    if not set(regimens) <= set(recommendation.preferred):
        regimens = regimens[:1]
    _dose_facets(plan, regimens, retriever, rules)


def add_asked_dose_facets(
    plan: Plan, analysis: QuestionAnalysis, retriever: Retriever, rules: RuleBook
) -> None:
    """For a dose question, the label dose passages of the drugs the user names, with the
    partners named ("lapatinib with letrozole"); for a follow-up that names none ("what dose
    now?"), of the first drug the conversation carries. Never of a therapy the disease
    progressed on or one given as adjuvant therapy."""
    lexicon, context = rules.lexicon, analysis.context
    named = (
        therapies_named(analysis.mentions, context, lexicon)
        or therapies_named(analysis.search_mentions, context, lexicon)[:1]
    )
    reduction = Role.REDUCTION in analysis.roles or analysis.grade
    _dose_facets(plan, list(dict.fromkeys(named)), retriever, rules, reduction, combined=True)


def _dose_facets(
    plan: Plan,
    concepts: list[str],
    retriever: Retriever,
    rules: RuleBook,
    reduction: bool = False,
    combined: bool = False,
) -> None:
    """Dose (and with `reduction`, dose-reduction) facets of the concepts' drugs; `combined`:
    the drugs are one combination (a dose question's "tykerb + letrozole")."""
    given = [d for c in concepts for d in rules.lexicon.drug_list(c)]
    given = list(dict.fromkeys(given))
    drugs = [d for d in given if rules.doses.rows_for(d)]
    for drug in drugs[:MAX_FACET_DRUGS]:
        together = [d for d in given if d != drug] if combined else None
        partners = [
            rules.lexicon.label(d)
            for d in (together or _partners(drug, given, rules.lexicon))[: MAX_FACET_DRUGS - 1]
        ]
        with_partners = f" given with {' and '.join(partners)}" if partners else ""
        label = rules.lexicon.label(drug)
        query = f"{label} dose and schedule{with_partners}"
        rows = [r for r in rules.doses.rows_for(drug) if not r.other_indication]
        doses = [dose_text(a, r.unit) for r in rows for a in (*r.amounts[:1], r.low) if a]
        found = _stating(retriever, query, rows, doses)
        numbers = tuple(n for e in found if (n := plan.add(e)) is not None)
        if numbers:
            plan.facets.append(Facet("Dose and schedule", query, numbers, drug))
        if reduction:
            query = f"{label} dose reductions, and when {label} is stopped"
            steps = [dose_text(x, r.unit) for r in rows for x in r.reductions]
            found = _stating(retriever, query, rows, steps)
            numbers = tuple(n for e in found if (n := plan.add(e)) is not None)
            if numbers:
                plan.facets.append(Facet("Dose reductions", query, numbers, drug, "reduction"))


def _stating(
    retriever: Retriever, query: str, rows: list[DoseRow], doses: list[str]
) -> list[Evidence]:
    """The two passages, of the sources behind the drug's dose rows, that best match the query,
    those stating one of the doses first: a monograph has many passages about the drug, and the
    dose table says which text holds its doses."""
    sources = tuple(dict.fromkeys(s for r in rows for s in r.sources))
    found = retriever.retrieve(query, k=6, filters=Filters(source_ids=sources)).evidence
    if not found:
        found = retriever.retrieve(query, k=2, filters=Filters(kinds=("label",))).evidence
    stated = [e for e in found if any(d in e.chunk.text.lower() for d in doses)]
    return [*stated, *(e for e in found if e not in stated)][:2]


def dose_text(amount: float, unit: str) -> str:
    """'5.4 mg/kg', '1,000 mg/m2': as the corpus writes a dose."""
    number = f"{amount:,.1f}".rstrip("0").rstrip(".") if amount % 1 else f"{int(amount):,}"
    return f"{number} {unit}"


def _partners(drug: str, given: list[str], lexicon: Lexicon) -> list[str]:
    """The drugs given with `drug`: those a known regimen combines it with ("neratinib or
    lapatinib, each with capecitabine" are alternatives, not partners); without such a
    regimen, every other drug named."""
    others = [d for d in given if d != drug]
    regimens = [c.id for c in lexicon.concepts.values() if c.kind is ConceptKind.REGIMEN]
    combined = [d for d in others if any({drug, d} <= lexicon.drugs_of(r) for r in regimens)]
    known = any(drug in lexicon.drugs_of(r) and len(lexicon.drugs_of(r)) > 1 for r in regimens)
    return combined if known else others


def _recommends_any(statement: str, avoided: set[str], lexicon: Lexicon) -> bool:
    """Whether the pathway's statement recommends a drug this patient must not get (the review
    would block Cairn's own lead)."""
    return any(
        r.concept_id in avoided or lexicon.drugs_of(r.concept_id) & avoided
        for r in recommended(parse_answer(statement), lexicon)
    )


def _without_avoided(recommendation: Recommendation, blocked: set[str], lexicon: Lexicon) -> str:
    """The lead when the usual recommendation is contraindicated for this patient: the
    pathway's other options, without any that contain a contraindicated drug."""
    head = (
        f"For {recommendation.situation}, the usual recommendation does not apply to this patient "
        "(see the contraindication below)"
    )
    drugs = {c for c in blocked if lexicon.kind_of(c) is ConceptKind.DRUG}
    options = [
        c for c in recommendation.acceptable if c not in blocked and not lexicon.drugs_of(c) & drugs
    ]
    if options:
        named = ", ".join(lexicon.label(c) for c in options[:4])
        return f"{head}; the pathway's other options here are: {named}."
    return (
        f"{head}, and the pathway names no other regimen here: the choice needs specialist review."
    )


def _names_any(text: str, drugs: set[str], lexicon: Lexicon) -> bool:
    return any(lexicon.drugs_of(m.concept_id) & drugs for m in lexicon.find(text))


def _support(plan: Plan, retriever: Retriever, statement: str, source_ids: tuple[str, ...]) -> None:
    """The best passage of each other source behind a recommendation (the trial or label it
    rests on), offered to the generator as evidence without being cited for the statement."""
    cited = {e.source.id for e in plan.evidence if e.n in plan.lead_numbers}
    for source_id in [s for s in source_ids if s not in cited][:MAX_SUPPORT]:
        n = plan.add(retriever.passage_from(source_id, statement))
        if n is not None and n not in plan.support:
            plan.support.append(n)


def backing_for(
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
