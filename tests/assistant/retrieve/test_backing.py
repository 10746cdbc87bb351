"""Evidence beyond the main retrieval: the lead and its supporting passages, a named trial's
headline passages, and a lead that never recommends what this patient must not get."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.pipeline import Cairn
from assistant.retrieve.plan import Plan
from assistant.retrieve.planning import make_plan
from assistant.understand.intent import Intent
from assistant.understand.scope import ScopeDecision
from guardrails.records import Verdict


def plan_for(
    cairn: Cairn, question: str, intent: Intent, overrides: dict[str, str] | None = None
) -> Plan:
    analysis = replace(cairn.analyze(question, [], overrides), intent=intent)
    return make_plan(
        analysis, question, cairn.retriever, cairn.rules, cairn.settings.retrieval,
        lambda _: ScopeDecision(True),
    )  # fmt: skip


def supporting(plan: Plan) -> list[tuple[str, str]]:
    by_number = {e.n: e for e in plan.evidence}
    return [(by_number[n].source.id, by_number[n].chunk.section) for n in plan.support]


@pytest.mark.integration
def test_a_named_trial_brings_its_summary_then_its_results(mini_cairn: Cairn) -> None:
    plan = plan_for(mini_cairn, "What did ZORBA-1 show?", Intent.TRIAL)
    found = supporting(plan)
    assert found and {source for source, _ in found} == {"zorba-trial"}
    sections = [section for _, section in found]
    assert sections[0] == "Summary"
    assert any(section.startswith("Results") for section in sections[1:])


@pytest.mark.integration
def test_a_question_naming_no_trial_gets_no_trial_passages(mini_cairn: Cairn) -> None:
    assert plan_for(mini_cairn, "What dose of zorbatinib?", Intent.DOSE).support == []


@pytest.mark.integration
def test_a_contraindicated_recommendation_is_not_the_lead(mini_cairn: Cairn) -> None:
    plan = plan_for(
        mini_cairn, "First-line treatment of widget disease?", Intent.TREATMENT,
        {"lung_nodules": "true"},
    )  # fmt: skip
    lead = plan.lead[0].text
    assert "recommends zorbatinib" not in lead
    assert "does not apply to this patient" in lead and "specialist review" in lead


@pytest.mark.integration
def test_the_recommendation_brings_the_trial_behind_it(real_cairn: Cairn) -> None:
    plan = plan_for(real_cairn, "first line tx for HER2+ MBC?", Intent.TREATMENT)
    assert "cleopatra" in {source for source, _ in supporting(plan)}
    assert "cleopatra" in plan.ranked_sources[:5]
    cited_by_lead = {e.source.id for e in plan.evidence if e.n in plan.lead_numbers}
    assert "asco-her2-mbc-2022" in cited_by_lead


@pytest.mark.integration
def test_a_note_about_a_contraindicated_drug_is_left_out_of_the_lead(real_cairn: Cairn) -> None:
    question = "new HER2+ MBC with a history of ILD: first-line treatment?"
    with_ild = " ".join(line.text for line in plan_for(real_cairn, question, Intent.TREATMENT).lead)
    assert "approved by the FDA for first-line use" not in with_ild
    assert "interstitial lung disease" in with_ild
    answer = real_cairn.ask(question)
    assert answer.review.verdict is not Verdict.BLOCK


@pytest.mark.integration
def test_a_drug_given_as_adjuvant_therapy_gets_no_dose_facet(real_cairn: Cairn) -> None:
    question = (
        "relapsed 5 months after finishing adjuvant trastuzumab, history of pneumonitis."
        " What regimen and dose?"
    )
    plan = plan_for(real_cairn, question, Intent.TREATMENT)
    assert "trastuzumab" not in {facet.concept_id for facet in plan.facets}
    assert "trastuzumab-emtansine" in {facet.concept_id for facet in plan.facets}


@pytest.mark.integration
def test_a_dose_question_after_a_graded_toxicity_gets_the_dose_reductions(
    real_cairn: Cairn,
) -> None:
    question = "grade 1 ILD on T-DXd, resolved after 5 weeks. what dose now?"
    facets = {(f.concept_id, f.kind) for f in plan_for(real_cairn, question, Intent.DOSE).facets}
    assert ("trastuzumab-deruxtecan", "reduction") in facets


@pytest.mark.integration
def test_a_dose_follow_up_naming_no_drug_gets_the_doses_of_the_first_carried_drug(
    real_cairn: Cairn,
) -> None:
    standalone = "what dose now? (trastuzumab deruxtecan, pertuzumab, trastuzumab)"
    analysis = replace(
        real_cairn.analyze(standalone),
        question="what dose now?", mentions=(), intent=Intent.DOSE, recommendation=None,
    )  # fmt: skip
    plan = make_plan(
        analysis, standalone, real_cairn.retriever, real_cairn.rules,
        real_cairn.settings.retrieval, lambda _: ScopeDecision(True),
    )  # fmt: skip
    assert {facet.concept_id for facet in plan.facets} == {"trastuzumab-deruxtecan"}


@pytest.mark.integration
def test_with_heart_failure_no_regimen_of_a_drug_to_avoid_gets_a_dose(real_cairn: Cairn) -> None:
    question = "pt w/ LVEF 45% and hx of CHF. can she still get THP first line?"
    plan = plan_for(real_cairn, question, Intent.TREATMENT)
    assert "trastuzumab-deruxtecan" not in {facet.concept_id for facet in plan.facets}


@pytest.mark.integration
def test_a_question_about_a_trials_design_gets_its_design_passages_first(
    real_cairn: Cairn,
) -> None:
    question = "PATINA design: how many induction cycles before randomisation, which arms?"
    plan = plan_for(real_cairn, question, Intent.TRIAL)
    sections = [section.lower() for source, section in supporting(plan) if source == "patina"]
    assert any(word in sections[0] for word in ("design", "population", "arms", "endpoint"))
    results = plan_for(real_cairn, "PATINA results?", Intent.TRIAL)
    first = next(section.lower() for source, section in supporting(results) if source == "patina")
    assert first.startswith("summary") or "result" in first


@pytest.mark.integration
def test_asking_for_the_data_without_naming_a_trial_offers_the_trials_results(
    real_cairn: Cairn,
) -> None:
    question = "3L, never had Kadcyla: is T-DM1 still reasonable, what's the later-line data?"
    plan = plan_for(real_cairn, question, Intent.TREATMENT)
    by_number = {e.n: e for e in plan.evidence}
    offered = [by_number[n] for n in plan.results]
    assert offered and all(e.source.kind.value == "trial" for e in offered)
    assert all(
        e.chunk.section.lower().startswith("summary") or "result" in e.chunk.section.lower()
        for e in offered
    )
    assert set(plan.results) <= set(plan.offered) and not set(plan.results) & set(plan.support)


@pytest.mark.integration
def test_a_dose_question_gets_no_dose_of_the_therapy_that_failed(real_cairn: Cairn) -> None:
    question = "progressed on first-line THP: what are the doses now?"
    plan = plan_for(real_cairn, question, Intent.DOSE)
    dosed = {facet.concept_id for facet in plan.facets}
    assert not dosed & {"trastuzumab", "pertuzumab", "docetaxel", "thp"}


@pytest.mark.integration
def test_a_rule_about_drugs_the_line_never_offers_does_not_lead(real_cairn: Cairn) -> None:
    """A label's line placement (neratinib, margetuximab: third line or later) is not told to
    every second-line patient; a patient-specific caution (ILD) still is."""
    plain = " ".join(
        line.text
        for line in plan_for(real_cairn, "progressed on THP, next?", Intent.TREATMENT).lead
    )
    assert "two or more prior anti-HER2" not in plain
    with_ild = plan_for(real_cairn, "progressed on THP, history of ILD, next?", Intent.TREATMENT)
    assert "interstitial lung disease" in " ".join(line.text for line in with_ild.lead)
