"""Follow-up questions: the standalone question for retrieval and the facts carried over."""

from __future__ import annotations

import pytest

from assistant.understand.conversation import (
    Turn,
    assumptions,
    describe,
    follow_up_intent,
    is_follow_up,
    standalone_question,
)
from assistant.understand.intent import Intent
from guardrails.context import extract_context
from guardrails.lexicon import Lexicon
from guardrails.records import Fact, FactStatus, PatientContext
from tests.conftest import REAL_CORPUS

LEXICON = Lexicon.load(REAL_CORPUS / "rules" / "lexicon.yaml")
FIRST = "HER2+ MBC progressed on THP, no brain mets. What next?"
HISTORY = [
    Turn("user", FIRST),
    Turn(
        "assistant",
        "Trastuzumab deruxtecan (T-DXd) is preferred second line [1].\n\n"
        "Tucatinib plus trastuzumab and capecitabine is an alternative [2].",
    ),
]


def stated(value: object) -> Fact:
    return Fact(value=value, status=FactStatus.STATED)


def context_of(question: str, history: list[Turn]) -> PatientContext:
    return extract_context(question, [t.content for t in history if t.role == "user"], LEXICON)


@pytest.mark.parametrize(
    "question",
    [
        "what dose?",
        "and if she has ILD?",
        "What about her brain?",
        "Is it safe in pregnancy?",
        "What is the dose of tucatinib for this patient?",
        "Which trial showed the overall survival benefit in the CLEOPATRA population",
    ],
)
def test_short_pronoun_and_drugless_questions_after_a_user_turn_are_follow_ups(
    question: str,
) -> None:
    assert is_follow_up(question, HISTORY, LEXICON)


@pytest.mark.parametrize(
    "question",
    ["What is the T-DXd dose for HER2+ MBC", "Compare T-DXd and T-DM1 for HER2+ MBC"],
)
def test_a_question_that_names_its_drug_is_not_a_follow_up(question: str) -> None:
    assert not is_follow_up(question, HISTORY, LEXICON)


def test_nothing_is_a_follow_up_without_an_earlier_user_turn() -> None:
    assert not is_follow_up("what dose?", [], LEXICON)
    assert not is_follow_up("what dose?", [Turn("assistant", "T-DXd [1].")], LEXICON)
    assert standalone_question("what dose?", [], PatientContext(), LEXICON) == "what dose?"


def test_a_standalone_question_is_returned_unchanged() -> None:
    question = "What is the T-DXd dose for HER2+ MBC"
    context = context_of(question, HISTORY)
    assert standalone_question(question, HISTORY, context, LEXICON) == question


def test_a_follow_up_carries_the_lead_drug_and_the_facts_but_not_therapies_given() -> None:
    context = context_of("what dose?", HISTORY)
    assert "progressed on trastuzumab + pertuzumab + a taxane" in describe(context, LEXICON)
    standalone = standalone_question("what dose?", HISTORY, context, LEXICON)
    assert standalone == (
        "what dose? (trastuzumab deruxtecan; HER2-positive, metastatic disease, "
        "no brain metastases)"
    )


def test_the_previous_question_is_carried_when_no_drug_carries_the_topic() -> None:
    first = "HER2+ MBC with active brain metastases, what are the options?"
    history = [Turn("user", first), Turn("assistant", "**Not covered**\n- nothing close.")]
    question = "and if they are stable?"
    context = context_of(question, history)
    assert standalone_question(question, history, context, LEXICON) == (
        f"{question} ({first}; HER2-positive, metastatic disease, active brain metastases)"
    )


def test_the_lead_of_the_last_answer_gives_drugs_and_given_therapies_stay_out() -> None:
    context = extract_context(FIRST, [], LEXICON)  # progressed on THP
    standalone = standalone_question("what dose?", HISTORY, context, LEXICON)
    assert standalone.startswith("what dose? (trastuzumab deruxtecan;")  # tucatinib: below
    assert "taxane" not in standalone  # THP was given: it is not what the dose question is about


def test_the_drugs_of_the_last_question_are_carried_before_the_answer_lead() -> None:
    history = [
        Turn("user", "why is T-DXd preferred over T-DM1 in second line?"),
        Turn("assistant", "T-DXd is preferred second line [1]."),
    ]
    standalone = standalone_question("what was the PFS HR?", history, PatientContext(), LEXICON)
    assert standalone == ("what was the PFS HR? (trastuzumab deruxtecan, trastuzumab emtansine)")


def test_drugs_of_earlier_user_turns_come_before_those_of_the_answer() -> None:
    history = [
        Turn("user", "HER2+ MBC on second-line Enhertu 5.4 mg/kg."),
        Turn("assistant", "T-DXd is given at 5.4 mg/kg [1]."),
        Turn("user", "She had grade 3 nausea, so we dropped her to 4.4 mg/kg."),
        Turn("assistant", "Trastuzumab and T-DM1 must never be substituted for it [1]."),
    ]
    standalone = standalone_question("can I go back up?", history, PatientContext(), LEXICON)
    assert standalone.startswith("can I go back up? (trastuzumab deruxtecan, trastuzumab")


def test_an_answer_lead_without_drugs_falls_back_to_the_user_turn() -> None:
    history = [
        Turn("user", "HER2+ MBC on first-line THP, what next after progression?"),
        Turn("assistant", "Not covered.\n\nTucatinib is mentioned further down."),
    ]
    standalone = standalone_question("what dose?", history, PatientContext(), LEXICON)
    assert standalone == "what dose? (trastuzumab + pertuzumab + a taxane)"


def test_at_most_three_drugs_are_carried_and_named_drugs_are_not_repeated() -> None:
    history = [Turn("user", "T-DXd vs T-DM1 vs tucatinib vs lapatinib in HER2+ MBC?")]
    assert standalone_question("what dose?", history, PatientContext(), LEXICON) == (
        "what dose? (trastuzumab deruxtecan, trastuzumab emtansine, tucatinib)"
    )
    assert standalone_question("and T-DM1?", history, PatientContext(), LEXICON) == (
        "and T-DM1? (trastuzumab deruxtecan, tucatinib, lapatinib)"
    )


def test_new_facts_of_the_follow_up_join_the_facts_in_words() -> None:
    context = context_of("and if she has a history of ILD?", HISTORY)
    standalone = standalone_question("and if she has a history of ILD?", HISTORY, context, LEXICON)
    assert standalone == (
        "and if she has a history of ILD? (trastuzumab deruxtecan; HER2-positive, "
        "metastatic disease, no brain metastases, history of interstitial lung disease)"
    )


def test_describe_puts_every_stated_fact_in_words() -> None:
    context = PatientContext(
        her2=stated("positive"),
        hr=stated("negative"),
        setting=stated("metastatic"),
        progressed_on=("thp", "trastuzumab-emtansine"),
        months_since_adjuvant=stated(4.0),
        brain_mets=stated("cns_predominant"),
        ild_history=stated(True),
        lvef=stated(45.0),
        heart_failure=stated(True),
        pregnant=stated(True),
    )
    assert describe(context, LEXICON) == [
        "HER2-positive",
        "hormone receptor-negative",
        "metastatic disease",
        "progressed on trastuzumab + pertuzumab + a taxane, trastuzumab emtansine",
        "relapse 4 months after adjuvant therapy",
        "cns-predominant brain metastases",
        "history of interstitial lung disease",
        "LVEF 45%",
        "heart failure",
        "pregnant",
    ]


def test_describe_leaves_out_unknown_uncertain_and_negated_booleans() -> None:
    context = PatientContext(
        her2=Fact(value="positive", status=FactStatus.UNCERTAIN),
        ild_history=Fact(value=False, status=FactStatus.NEGATED),
        brain_mets=Fact(value="none", status=FactStatus.NEGATED),
    )
    assert describe(context, LEXICON) == ["no brain metastases"]
    assert describe(PatientContext(), LEXICON) == []


def test_assumptions_keep_earlier_facts_that_still_hold_and_drop_changed_ones() -> None:
    earlier = extract_context(FIRST, [], LEXICON)
    current = extract_context("and now she has active brain mets", [FIRST], LEXICON)
    assert describe(earlier, LEXICON)[-1] == "no brain metastases"
    assert "active brain metastases" in describe(current, LEXICON)
    assert assumptions(earlier, current, LEXICON) == [
        "HER2-positive",
        "metastatic disease",
        "progressed on trastuzumab + pertuzumab + a taxane",
    ]


def test_facts_new_in_this_turn_are_not_assumptions() -> None:
    earlier = extract_context(FIRST, [], LEXICON)
    current = extract_context("and if she has a history of ILD?", [FIRST], LEXICON)
    carried = assumptions(earlier, current, LEXICON)
    assert "history of interstitial lung disease" not in carried
    assert carried[-1] == "no brain metastases"


def test_a_follow_up_that_changes_the_patient_keeps_the_treatment_intent() -> None:
    history = [Turn("user", "HER2+ MBC progressed on THP, what next?"), Turn("assistant", "T-DXd")]
    question = "she has a history of ILD, does that change it?"
    assert follow_up_intent(question, history, LEXICON) is Intent.TREATMENT
    assert follow_up_intent(question, [], LEXICON) is Intent.SAFETY  # asked on its own
    assert follow_up_intent("what dose?", history, LEXICON) is Intent.DOSE


def test_the_treatment_intent_holds_across_a_follow_up_without_an_intent_of_its_own() -> None:
    history = [
        Turn("user", "HER2+ MBC progressed on THP, what next?"),
        Turn("assistant", "T-DXd"),
        Turn("user", "and if she has active brain metastases?"),
        Turn("assistant", "Tucatinib"),
    ]
    question = "what about a history of ILD?"
    assert follow_up_intent(question, history, LEXICON) is Intent.TREATMENT


def test_a_follow_up_after_a_dose_question_keeps_its_own_intent() -> None:
    history = [Turn("user", "T-DXd dose?"), Turn("assistant", "5.4 mg/kg")]
    question = "she has a history of ILD, does that change it?"
    assert follow_up_intent(question, history, LEXICON) is Intent.SAFETY
