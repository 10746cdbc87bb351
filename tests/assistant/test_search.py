"""The retrieval query: treatment questions name the situation and the supported regimens, not
the therapy that failed; ruled-out conditions leave the query; label questions prefer labels."""

from __future__ import annotations

import pytest

from assistant.intent import Intent
from assistant.search import KINDS_FOR, next_regimens, preferred_kinds, search_query
from guardrails.lexicon import Lexicon
from guardrails.records import PatientContext, Recommendation
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
    query = search_query(
        "After zorbatinib, what next?", Intent.TREATMENT, SECOND_LINE, context, LEXICON
    )
    assert query == "After , what next? (second line; velmab)"


def test_drugs_the_disease_did_not_progress_on_stay_in_the_query() -> None:
    query = search_query("Is velmab next?", Intent.GENERAL, SECOND_LINE, PatientContext(), LEXICON)
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
    query = search_query("What next?", Intent.TREATMENT, recommendation, PatientContext(), LEXICON)
    assert query == "What next? (second line; zorbatinib + velmab; velmab)"


@pytest.mark.parametrize("intent", [Intent.DOSE, Intent.TRIAL, Intent.SAFETY, Intent.DIFFERENCE])
def test_other_questions_are_searched_as_asked(intent: Intent) -> None:
    context = PatientContext(progressed_on=("zorbatinib",), roles={"progressed": "progressed_on"})
    assert search_query("zorbatinib?", intent, SECOND_LINE, context, LEXICON) == "zorbatinib?"


def test_without_a_recommendation_the_question_is_searched_as_asked() -> None:
    assert search_query("What next?", Intent.TREATMENT, None, PatientContext(), LEXICON) == (
        "What next?"
    )


def test_each_intent_but_general_prefers_some_kind_of_source() -> None:
    assert set(KINDS_FOR) == set(Intent) - {Intent.GENERAL}
    assert KINDS_FOR[Intent.DOSE] == ("label",)


@pytest.mark.parametrize("intent", [Intent.DOSE, Intent.TREATMENT, Intent.TRIAL])
def test_a_condition_the_question_rules_out_leaves_the_query(intent: Intent) -> None:
    query = search_query(
        "No lung nodules. Zorbatinib dose?", intent, None, PatientContext(), LEXICON
    )
    assert "nodules" not in query and "Zorbatinib dose?" in query


def test_a_condition_the_question_states_stays_in_the_query() -> None:
    query = search_query(
        "Lung nodules: zorbatinib?", Intent.SAFETY, None, PatientContext(), LEXICON
    )
    assert query == "Lung nodules: zorbatinib?"


def test_a_question_about_the_label_prefers_labels_first() -> None:
    assert preferred_kinds("What does the Zorbix label say about PFS?", Intent.TRIAL) == (
        "label",
        "trial",
    )
    assert preferred_kinds("What did ZORBA-1 show?", Intent.TRIAL) == ("trial",)
    assert preferred_kinds("anything?", Intent.GENERAL) == ()
