"""The passages of trials: those of a trial the question names, and the headline results of
the trials among the evidence when the question asks for data.

    add_trial_focus(plan, retriever, query, analysis, lexicon)
    add_trial_results(plan, retriever, analysis.question)
"""

from __future__ import annotations

from assistant.retrieve.plan import Plan
from assistant.retrieve.retrieval import Filters, Retriever
from assistant.understand.analysis import QuestionAnalysis
from assistant.understand.intent import Role
from guardrails.lexicon import ConceptKind, Lexicon

MAX_TRIALS = 2  # named trials whose passages a question gets
TRIAL_PASSAGES = 4
_DESIGN_SECTIONS = ("design", "population", "arms", "eligib", "endpoint")


def add_trial_focus(
    plan: Plan, retriever: Retriever, query: str, analysis: QuestionAnalysis, lexicon: Lexicon
) -> None:
    """A question that names a trial gets that trial's best passages (its results sections
    too), beyond the two passages per source that diversity leaves in the main retrieval;
    searched with the trial's name and the search `query`."""
    trials = [m for m in analysis.search_mentions if m.kind is ConceptKind.TRIAL]
    design = Role.DESIGN in analysis.roles
    for mention in trials[:MAX_TRIALS]:
        search = f"{lexicon.label(mention.concept_id)}: {query}"
        own = _trial_sources(retriever, mention.concept_id, lexicon)
        filters = Filters(source_ids=own) if own else Filters(kinds=("trial",))
        found = retriever.retrieve(search, k=3 * TRIAL_PASSAGES, filters=filters, per_source=12)
        ranked = sorted(found.evidence, key=lambda e: _section_rank(e.chunk.section, design))
        for evidence in ranked[:TRIAL_PASSAGES]:
            n = plan.add(evidence)
            if n is not None and n not in plan.support:
                plan.support.append(n)


def add_trial_results(plan: Plan, retriever: Retriever, question: str) -> None:
    """A question that asks for the data ("what's the later-line data behind it?") without
    naming a trial gets the results passage of each trial among its passages, offered to the
    writer; the sources' ranking does not change."""
    trials = [e.source.id for e in plan.evidence if e.source.kind.value == "trial"]
    for source_id in list(dict.fromkeys(trials))[:MAX_TRIALS]:
        found = retriever.retrieve(
            question, k=TRIAL_PASSAGES, filters=Filters(source_ids=(source_id,)), per_source=12
        ).evidence
        headline = [e for e in found if _section_rank(e.chunk.section, design=False) < 2]
        n = plan.add(headline[0]) if headline else None
        if n is not None and n not in plan.offered:
            plan.results.append(n)


def _section_rank(section: str, design: bool) -> int:
    """Headline results first: the summary, then the results sections, then the rest; for a
    question about the design, the design sections (design, population, arms) first."""
    section = section.lower()
    if design and any(word in section for word in _DESIGN_SECTIONS):
        return -1
    return 0 if section.startswith("summary") else 1 if "result" in section else 2


def _trial_sources(retriever: Retriever, trial: str, lexicon: Lexicon) -> tuple[str, ...]:
    """The trial documents about one trial: those whose title names it first."""
    found = []
    for source in retriever.snapshot.sources.values():
        named = [m.concept_id for m in lexicon.find(source.title) if m.kind is ConceptKind.TRIAL]
        if source.kind.value == "trial" and named[:1] == [trial]:
            found.append(source.id)
    return tuple(found)
