"""The retrieval query for a question: what to search with and which kinds of source to prefer.

query = search_query(standalone, primary, recommendation, context, lexicon)
kinds = preferred_kinds(query, primary)
"""

from __future__ import annotations

import re

from assistant.intent import Intent
from guardrails.lexicon import ConceptKind, Lexicon
from guardrails.negation import status_of
from guardrails.records import FactStatus, PatientContext, Recommendation

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


def preferred_kinds(question: str, primary: Intent) -> tuple[str, ...]:
    kinds = KINDS_FOR.get(primary, ())
    return ("label", *kinds) if _ASKS_LABEL.search(question) else kinds


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
    given = set(context.role_therapies("progressed"))
    for mention in reversed(lexicon.find(question)):
        if mention.concept_id in given:
            question = question[: mention.start] + question[mention.end :]
    regimens = [lexicon.label(r) for r in next_regimens(recommendation, context, lexicon)[:2]]
    return f"{question} ({'; '.join([recommendation.situation, *regimens])})"


def next_regimens(
    recommendation: Recommendation, context: PatientContext, lexicon: Lexicon
) -> list[str]:
    """The preferred regimens (else the acceptable ones) the disease has not progressed on and
    that contain no drug this patient should avoid: after first-line T-DXd plus pertuzumab,
    T-DXd is not the next regimen to dose; with heart failure, neither is T-DXd plus
    pertuzumab."""
    given = {
        d for concept in context.role_therapies("progressed") for d in lexicon.drugs_of(concept)
    }
    # As the review reads a contraindication: the regimens it names, and any regimen with a
    # single drug it names (a regimen of a drug group does not make every member avoided).
    avoided = {c for c in recommendation.avoid if lexicon.kind_of(c) is ConceptKind.DRUG}

    def fresh(regimen: str) -> bool:
        drugs = lexicon.drugs_of(regimen)
        if regimen in recommendation.avoid:
            return False
        return not drugs or not (drugs <= given or drugs & avoided)

    return [r for r in recommendation.preferred if fresh(r)] or [
        r for r in recommendation.acceptable if fresh(r)
    ]


def _without_negated_conditions(question: str, lexicon: Lexicon) -> str:
    for mention in reversed(lexicon.find(question)):
        negated = status_of(question, mention.start, mention.end) is FactStatus.NEGATED
        if mention.kind is ConceptKind.TERM and negated:
            question = question[: mention.start] + question[mention.end :]
    return question
