"""The retrieval query: treatment questions name the situation and the supported regimens, not
the therapy that failed; ruled-out conditions leave the query; label questions prefer labels."""

from __future__ import annotations

import pytest

from assistant.retrieve.search import KINDS_FOR, next_regimens, preferred_kinds, search_query
from assistant.understand.intent import Intent
from guardrails.lexicon import Lexicon
from guardrails.records import PatientContext, Recommendation
from tests.assistant.reading import read
from tests.conftest import FIXTURES

LEXICON = Lexicon.load(FIXTURES / "mini" / "rules" / "lexicon.yaml")
SECOND_LINE = Recommendation(
    rule_id="pathway.second-line",
    situation="second line",
    statement="Velmab with chemotherapy after progression on zorbatinib.",
    preferred=("velmab",),
)


def test_a_treatment_query_drops_the_failed_drug_and_adds_the_situation_and_regimens() -> None:
    context = PatientContext(progressed_on=("zorbatinib",), roles={"progressed": "progressed_on"})
    question = "After zorbatinib, what next?"
    analysis = read(question, intent=Intent.TREATMENT, recommendation=SECOND_LINE, context=context)
    query = search_query(analysis, LEXICON)
    assert query == "After , what next? (second line; velmab)"


def test_drugs_the_disease_did_not_progress_on_stay_in_the_query() -> None:
    analysis = read("Is velmab next?", intent=Intent.GENERAL, recommendation=SECOND_LINE)
    query = search_query(analysis, LEXICON)
    assert query == "Is velmab next? (second line; velmab)"


def test_a_regimen_with_a_drug_to_avoid_is_not_a_next_regimen() -> None:
    recommendation = SECOND_LINE.model_copy(
        update={"preferred": (), "acceptable": ("zv", "velmab"), "avoid": ("zorbatinib",)}
    )
    assert next_regimens(recommendation, PatientContext(), LEXICON) == ["velmab"]


def test_a_regimen_to_avoid_does_not_make_its_partner_drugs_avoided() -> None:
    """Avoiding zorbatinib plus velmab (as a regimen) leaves velmab alone a next regimen."""
    recommendation = SECOND_LINE.model_copy(
        update={"preferred": ("zv", "velmab"), "avoid": ("zv",)}
    )
    assert next_regimens(recommendation, PatientContext(), LEXICON) == ["velmab"]


def test_without_preferred_regimens_the_first_two_acceptable_ones_are_named() -> None:
    recommendation = SECOND_LINE.model_copy(
        update={"preferred": (), "acceptable": ("zv", "velmab", "zorbatinib")}
    )
    analysis = read("What next?", intent=Intent.TREATMENT, recommendation=recommendation)
    query = search_query(analysis, LEXICON)
    assert query == "What next? (second line; zorbatinib + velmab; velmab)"


@pytest.mark.parametrize("intent", [Intent.DOSE, Intent.TRIAL, Intent.SAFETY, Intent.DIFFERENCE])
def test_other_questions_are_searched_as_asked(intent: Intent) -> None:
    context = PatientContext(progressed_on=("zorbatinib",), roles={"progressed": "progressed_on"})
    analysis = read("zorbatinib?", intent=intent, recommendation=SECOND_LINE, context=context)
    assert search_query(analysis, LEXICON) == "zorbatinib?"


def test_without_a_recommendation_the_question_is_searched_as_asked() -> None:
    analysis = read("What next?", intent=Intent.TREATMENT, recommendation=None)
    assert search_query(analysis, LEXICON) == "What next?"


def test_each_intent_but_general_prefers_some_kind_of_source() -> None:
    assert set(KINDS_FOR) == set(Intent) - {Intent.GENERAL}
    assert KINDS_FOR[Intent.DOSE] == ("label",)


@pytest.mark.parametrize("intent", [Intent.DOSE, Intent.TREATMENT, Intent.TRIAL])
def test_a_condition_the_question_rules_out_leaves_the_query(intent: Intent) -> None:
    analysis = read("No lung nodules. Zorbatinib dose?", intent=intent, recommendation=None)
    query = search_query(analysis, LEXICON)
    assert "nodules" not in query and "Zorbatinib dose?" in query


def test_a_condition_the_question_states_stays_in_the_query() -> None:
    analysis = read("Lung nodules: zorbatinib?", intent=Intent.SAFETY, recommendation=None)
    query = search_query(analysis, LEXICON)
    assert query == "Lung nodules: zorbatinib?"


def test_a_question_about_the_label_prefers_labels_first() -> None:
    label = read("What does the Zorbix label say about PFS?", intent=Intent.TRIAL)
    assert preferred_kinds(label) == ("label", "trial")
    assert preferred_kinds(read("What did ZORBA-1 show?", intent=Intent.TRIAL)) == ("trial",)
    assert preferred_kinds(read("anything?", intent=Intent.GENERAL)) == ()
