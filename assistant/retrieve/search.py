"""The retrieval query for a question: what to search with and which kinds of source to prefer.

query = search_query(analysis, lexicon)
kinds = preferred_kinds(analysis)
"""

from __future__ import annotations

from assistant.understand.analysis import QuestionAnalysis
from assistant.understand.intent import Intent
from guardrails.lexicon import ConceptKind, Lexicon
from guardrails.records import PatientContext, Recommendation

# The kinds of source each kind of question is best answered from.
KINDS_FOR: dict[Intent, tuple[str, ...]] = {
    Intent.TREATMENT: ("guideline", "consensus", "review"),
    Intent.DOSE: ("label",),
    Intent.TRIAL: ("trial",),
    Intent.SAFETY: ("label", "review"),
    Intent.DIFFERENCE: ("consensus", "guideline"),
}


def preferred_kinds(analysis: QuestionAnalysis) -> tuple[str, ...]:
    kinds = KINDS_FOR.get(analysis.intent, ())
    return ("label", *kinds) if analysis.asks_label else kinds


def search_query(analysis: QuestionAnalysis, lexicon: Lexicon) -> str:
    """For a treatment question the pathway knows the situation ("second line, after
    progression on first-line HER2-targeted therapy") and the regimens it supports: they replace
    the names of the therapies already given, so retrieval finds the passages about the next
    step rather than about the therapy that failed. A condition the question rules out ("no
    brain mets") is left out (`QuestionAnalysis.search_text`), so it does not draw passages
    about that condition."""
    query, recommendation = analysis.search_text, analysis.recommendation
    if recommendation is None or analysis.intent not in (Intent.TREATMENT, Intent.GENERAL):
        return query
    given = set(analysis.progressed)
    for mention in reversed(analysis.search_mentions):
        if mention.concept_id in given:
            query = query[: mention.start] + query[mention.end :]
    regimens = next_regimens(recommendation, analysis.context, lexicon)[:2]
    regimens = [lexicon.label(r) for r in regimens]
    return f"{query} ({'; '.join([recommendation.situation, *regimens])})"


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
