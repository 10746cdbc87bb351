"""The evidence plan for one question: what to retrieve and what each passage is for.

    plan = make_plan(query, original, primary, recommendation, context, retriever, rules, ...)

- main passages: hybrid retrieval for the (standalone) question;
- notices: urgent-care notices for emergency signs in the question, cited to their sources;
- pitfalls: a question that proposes a known error ("stop HP with the docetaxel?"), alone or
  with the user's turn before (`earlier`), gets the pathway's rule as a lead line, cited to its
  sources;
- trial focus, lead and dose facets: see `assistant.backing`.
All passages share one numbering, 1..n.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.backing import (
    add_asked_dose_facets,
    add_dose_facets,
    add_lead,
    add_trial_focus,
    add_trial_results,
    backing_for,
    therapies_named,
)
from assistant.intent import Intent, asks_for_choice, intents
from assistant.plan import Line, Plan
from assistant.retrieval import Filters, RetrievalResult, Retriever
from assistant.scope import ScopeDecision
from assistant.search import preferred_kinds
from assistant.settings import RetrievalSettings
from guardrails.lexicon import ConceptKind
from guardrails.records import PatientContext, Recommendation
from guardrails.rules import RuleBook
from guardrails.safety import emergencies, pitfalls_asked


def main_intent(
    primary: Intent,
    question: str,
    standalone: str,
    recommendation: Recommendation | None,
    context: PatientContext,
    rules: RuleBook,
) -> Intent:
    """A dose asked together with a choice ("what second-line treatment and dose?") names no
    drug to dose but the therapies already given: it is the dose of the regimen the pathway
    chooses, so the choice leads and its dose follows."""
    if (
        primary is Intent.DOSE
        and recommendation is not None
        and asks_for_choice(question)
        and set(therapies_named(standalone, context, rules.lexicon)) <= set(context.prior_therapies)
    ):
        return Intent.TREATMENT
    return primary


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
    earlier: str = "",
) -> Plan:
    kinds = preferred_kinds(question, primary)
    result = retriever.retrieve(question, settings.top_k, filters, kinds)
    main = [e.model_copy(update={"n": i}) for i, e in enumerate(result.evidence, start=1)]
    plan = Plan(result=result, scope=judge(result), main=main)
    if not plan.covered:
        return plan
    for rule in emergencies(original, rules.pathway):
        numbers = backing_for(plan, retriever, rule.message, rule.sources)
        if numbers:
            plan.notices.append(Line(rule.message, numbers))
    add_trial_focus(plan, retriever, question, rules.lexicon)
    if primary is Intent.DOSE:
        add_asked_dose_facets(plan, question, original, context, retriever, rules)
    if recommendation is not None and primary in (Intent.TREATMENT, Intent.GENERAL):
        add_lead(plan, recommendation, context, retriever, rules)
        add_dose_facets(plan, original, recommendation, context, retriever, rules)
    named_trial = any(m.kind is ConceptKind.TRIAL for m in rules.lexicon.find(original))
    if Intent.TRIAL in intents(original, rules.lexicon) and not named_trial:
        add_trial_results(plan, retriever, original)
    # A follow-up may propose the error with the turn before ("finished 6 cycles" ... "so we
    # can stop everything now?"); an error the earlier turn proposed alone was answered there.
    answered = {rule.id for rule in pitfalls_asked(earlier, rules.pathway)}
    proposed = pitfalls_asked(f"{earlier} {original}".strip(), rules.pathway)
    for rule in [r for r in proposed if r.id not in answered]:
        numbers = backing_for(plan, retriever, rule.message, rule.sources)
        if numbers:
            plan.lead.append(Line(rule.message, numbers))
    return plan
