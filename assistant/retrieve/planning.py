"""The evidence plan for one question: what to retrieve and what each passage is for.

    plan = make_plan(analysis, query, retriever, rules, settings, judge)

- main passages: hybrid retrieval for the (standalone) question;
- notices: urgent-care notices for the emergency signs the question states, cited to their
  sources;
- pitfalls: a question that proposes a known error ("stop HP with the docetaxel?"), alone or
  with the user's turn before, gets the pathway's rule as a lead line, cited to its sources;
- lead and dose facets: see `assistant.retrieve.backing`; trial focus and results:
  `assistant.retrieve.trial_evidence`.
Every reading of the question comes from its `QuestionAnalysis`.
All passages share one numbering, 1..n.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.retrieve.adjustment_lines import add_adjustment_lines
from assistant.retrieve.backing import add_asked_dose_facets, add_dose_facets, add_lead, backing_for
from assistant.retrieve.patient_dose import add_patient_doses
from assistant.retrieve.plan import Line, Plan
from assistant.retrieve.retrieval import Filters, RetrievalResult, Retriever
from assistant.retrieve.search import preferred_kinds
from assistant.retrieve.trial_evidence import add_trial_focus, add_trial_results
from assistant.settings import RetrievalSettings
from assistant.understand.analysis import QuestionAnalysis
from assistant.understand.intent import Intent
from assistant.understand.scope import ScopeDecision
from guardrails.lexicon import ConceptKind
from guardrails.rules import RuleBook


def make_plan(
    analysis: QuestionAnalysis,
    query: str,
    retriever: Retriever,
    rules: RuleBook,
    settings: RetrievalSettings,
    judge: Callable[[RetrievalResult], ScopeDecision],
    filters: Filters | None = None,
) -> Plan:
    """The plan for the analysed question, retrieving with `query` (`search.search_query`)."""
    primary, recommendation = analysis.intent, analysis.recommendation
    result = retriever.retrieve(query, settings.top_k, filters, preferred_kinds(analysis))
    main = [e.model_copy(update={"n": i}) for i, e in enumerate(result.evidence, start=1)]
    plan = Plan(result=result, scope=judge(result), main=main)
    if not plan.covered:
        return plan
    for rule in analysis.emergencies:
        numbers = backing_for(plan, retriever, rule.message, rule.sources)
        if numbers:
            plan.notices.append(Line(rule.message, numbers))
    add_trial_focus(plan, retriever, query, analysis, rules.lexicon)
    if primary is Intent.DOSE:
        add_asked_dose_facets(plan, analysis, retriever, rules)
    if recommendation is not None and primary in (Intent.TREATMENT, Intent.GENERAL):
        add_lead(plan, recommendation, analysis.context, retriever, rules)
        add_dose_facets(plan, analysis, recommendation, retriever, rules)
    add_adjustment_lines(plan, analysis, retriever, rules)
    add_patient_doses(plan, analysis, retriever, rules)
    if Intent.TRIAL in analysis.intents and not analysis.named(ConceptKind.TRIAL):
        add_trial_results(plan, retriever, analysis.question)
    # A follow-up may propose the error with the turn before ("finished 6 cycles" ... "so we
    # can stop everything now?"); an error the earlier turn proposed alone was answered there.
    for rule in analysis.pitfalls:
        numbers = backing_for(plan, retriever, rule.message, rule.sources)
        if numbers:
            plan.lead.append(Line(rule.message, numbers))
    return plan
