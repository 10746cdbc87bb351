"""The evidence plan: one numbering for every passage, the pathway's lead backed by its sources,
dose facets for the recommended drugs (the search query is in test_search.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.pipeline import Cairn
from assistant.records import Evidence
from assistant.retrieve.plan import Line, Plan
from assistant.retrieve.planning import make_plan
from assistant.retrieve.retrieval import RetrievalResult
from assistant.understand.intent import Intent
from assistant.understand.scope import ScopeDecision
from tests.evidence import make_evidence

FIRST_LINE = "What is the first-line treatment of widget disease?"


# Plan numbering ---------------------------------------------------------------------------------


def evidence(source_id: str, section: str, n: int | None = None) -> Evidence:
    return make_evidence(source_id, f"{section} text.", n=n, section=section, score=0.5)


def plan_of(*main: Evidence, ranked: tuple[str, ...] = ()) -> Plan:
    result = RetrievalResult(evidence=list(main), ranked_sources=list(ranked))
    numbered = [e.model_copy(update={"n": i}) for i, e in enumerate(main, start=1)]
    return Plan(result=result, scope=ScopeDecision(True), main=numbered)


def test_an_added_passage_gets_the_next_number_and_a_known_one_keeps_its_number() -> None:
    plan = plan_of(evidence("a", "one"), evidence("b", "two"))
    assert plan.add(evidence("c", "three")) == 3
    assert plan.add(evidence("a", "one")) == 1  # already in the main passages
    assert plan.add(evidence("c", "three")) == 3
    assert plan.add(None) is None
    assert [(e.n, e.source.id) for e in plan.evidence] == [(1, "a"), (2, "b"), (3, "c")]


def test_lead_numbers_put_notices_before_the_lead() -> None:
    plan = plan_of(evidence("a", "one"))
    plan.lead.append(Line("Lead.", (2, 1)))
    plan.notices.append(Line("Urgent.", (3,)))
    assert plan.lead_numbers == [3, 2, 1]


def test_ranked_sources_start_with_the_sources_backing_the_lead() -> None:
    plan = plan_of(evidence("a", "one"), evidence("b", "two"), ranked=("a", "b", "z"))
    plan.add(evidence("c", "three"))
    plan.lead.append(Line("Lead.", (3, 2)))
    assert plan.ranked_sources == ["c", "b", "a", "z"]


def test_scope_decides_coverage() -> None:
    plan = plan_of(evidence("a", "one"))
    assert plan.covered
    plan.scope = ScopeDecision(False, "off topic")
    assert not plan.covered


# make_plan over the mini corpus -----------------------------------------------------------------


def covered(result: RetrievalResult) -> ScopeDecision:
    return ScopeDecision(True)


def first_line_plan(cairn: Cairn, intent: Intent, overrides: dict[str, str] | None = None) -> Plan:
    analysis = replace(cairn.analyze(FIRST_LINE, [], overrides), intent=intent)
    return make_plan(
        analysis, FIRST_LINE, cairn.retriever, cairn.rules, cairn.settings.retrieval, covered
    )


@pytest.mark.integration
def test_a_treatment_plan_leads_with_the_pathway_backed_by_its_source(mini_cairn: Cairn) -> None:
    plan = first_line_plan(mini_cairn, Intent.TREATMENT)
    assert [line.text for line in plan.lead] == [
        "The 2024 widget guideline recommends zorbatinib plus velmab as first-line treatment."
    ]
    by_number = {e.n: e for e in plan.evidence}
    assert {by_number[n].source.id for n in plan.lead[0].numbers} == {"widget-guideline-2024"}
    assert plan.ranked_sources[0] == "widget-guideline-2024"


@pytest.mark.integration
def test_a_treatment_plan_has_a_dose_facet_per_drug_of_the_regimen(mini_cairn: Cairn) -> None:
    plan = first_line_plan(mini_cairn, Intent.TREATMENT)
    assert [(f.concept_id, f.heading) for f in plan.facets] == [
        ("zorbatinib", "Dose and schedule"),
        ("velmab", "Dose and schedule"),
    ]
    assert plan.facets[0].query == "zorbatinib dose and schedule given with velmab"
    by_number = {e.n: e for e in plan.evidence}
    for facet in plan.facets:
        assert facet.numbers
        assert {by_number[n].source.kind.value for n in facet.numbers} == {"label"}


@pytest.mark.integration
def test_every_passage_of_a_plan_has_one_number_from_1_to_n(mini_cairn: Cairn) -> None:
    plan = first_line_plan(mini_cairn, Intent.TREATMENT)
    numbers = [e.n for e in plan.evidence]
    assert numbers == list(range(1, len(plan.evidence) + 1))
    assert len({e.chunk.id for e in plan.evidence}) == len(plan.evidence)
    assert len(plan.main) == mini_cairn.settings.retrieval.top_k
    cited = {n for line in plan.lead for n in line.numbers}
    cited |= {n for facet in plan.facets for n in facet.numbers}
    assert cited <= set(numbers)


@pytest.mark.integration
def test_a_contraindication_joins_the_lead(mini_cairn: Cairn) -> None:
    plan = first_line_plan(mini_cairn, Intent.TREATMENT, {"lung_nodules": "true"})
    warning = "Zorbatinib must not be given to patients with a history of nodular lung disease."
    lines = [line for line in plan.lead if line.text == warning]
    assert len(lines) == 1
    by_number = {e.n: e for e in plan.evidence}
    assert "zorbatinib-label" in {by_number[n].source.id for n in lines[0].numbers}
    assert first_line_plan(mini_cairn, Intent.TREATMENT).lead[-1].text != warning


@pytest.mark.integration
def test_a_dose_question_gets_no_pathway_lead(mini_cairn: Cairn) -> None:
    plan = first_line_plan(mini_cairn, Intent.DOSE)
    assert (plan.lead, plan.facets, plan.extra) == ([], [], [])
    assert plan.main


@pytest.mark.integration
def test_a_question_outside_the_corpus_gets_no_lead_or_extra_passages(mini_cairn: Cairn) -> None:
    plan = make_plan(
        mini_cairn.analyze(FIRST_LINE), FIRST_LINE, mini_cairn.retriever, mini_cairn.rules,
        mini_cairn.settings.retrieval, lambda result: ScopeDecision(False, "not about widgets"),
    )  # fmt: skip
    assert not plan.covered and plan.scope.reason == "not about widgets"
    assert (plan.lead, plan.facets, plan.extra, plan.notices) == ([], [], [], [])


@pytest.mark.integration
@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Progressed on zorbatinib plus velmab. Which 2nd-line regimen, dose?", Intent.TREATMENT),
        ("After zorbatinib plus velmab, what second-line treatment and dose?", Intent.TREATMENT),
        ("What is the second-line dose of velmab?", Intent.DOSE),
        ("What is the dose of zorbatinib?", Intent.DOSE),
    ],
)
def test_a_dose_asked_with_a_choice_and_no_drug_to_dose_asks_for_the_choice_first(
    mini_cairn: Cairn, question: str, intent: Intent
) -> None:
    assert mini_cairn.analyze(question).intent is intent
