"""Question intents and the roles of evidence sentences: the cues of clinical language that
decide how an answer is laid out."""

from __future__ import annotations

import pytest

from assistant.understand.intent import LAYOUTS, Intent, Role, heading_for, intents, roles
from guardrails.lexicon import Lexicon
from tests.conftest import REAL_CORPUS


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load(REAL_CORPUS / "rules" / "lexicon.yaml")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What dose of T-DXd after ILD grade 1?", [Intent.DOSE, Intent.SAFETY]),
        ("How often is trastuzumab infused?", [Intent.DOSE]),
        ("Why do ASCO and ESMO differ on first-line?", [Intent.DIFFERENCE, Intent.TREATMENT]),
        ("Is T-DXd safe in pregnancy?", [Intent.SAFETY]),
        ("What were the PFS results of the trial?", [Intent.TRIAL]),
        ("How should relapse be managed?", [Intent.TREATMENT]),
    ],
)
def test_intents_name_the_main_intent_first(question: str, expected: list[Intent]) -> None:
    assert intents(question) == expected


def test_asking_what_next_is_a_treatment_question_even_when_it_names_a_toxicity() -> None:
    question = "What next after progression on T-DXd with grade 2 pneumonitis?"
    assert intents(question) == [Intent.TREATMENT, Intent.SAFETY]


def test_a_question_without_any_cue_is_general() -> None:
    assert intents("Tell me about widgets") == [Intent.GENERAL]


def test_an_intent_is_listed_once_even_when_several_cues_match() -> None:
    found = intents("Recommended first-line treatment regimen to start?")
    assert found == [Intent.TREATMENT]


def test_a_trial_named_in_the_lexicon_makes_a_trial_question(lexicon: Lexicon) -> None:
    assert intents("What did CLEOPATRA show?") == [Intent.GENERAL]
    assert intents("What did CLEOPATRA show?", lexicon) == [Intent.TRIAL]


def test_how_a_named_drug_is_given_is_a_dose_question() -> None:
    assert intents("How is pertuzumab given?")[0] is Intent.DOSE


@pytest.mark.parametrize(
    "question", ["nausea gone, can I bump her back up to 5.4?", "Can we re-escalate the dose?"]
)
def test_going_back_up_to_an_earlier_dose_is_a_dose_reduction_question(question: str) -> None:
    assert intents(question)[0] is Intent.DOSE
    assert Role.REDUCTION in roles(question)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Zorbatinib is reduced to 100 mg twice daily if not tolerated.", Role.REDUCTION),
        ("Resume velmab one level lower if it took longer.", Role.REDUCTION),
        ("Hold T-DXd for grade 1 ILD until resolved.", Role.ACTION),
        ("Assess LVEF at baseline.", Role.MONITORING),
        ("Embryo-fetal toxicity is a boxed warning.", Role.CAUTION),
        ("THP is the preferred first-line regimen.", Role.RECOMMENDATION),
        ("Treatment is continued until disease progression.", Role.DURATION),
        ("T-DM1 is an alternative.", Role.ALTERNATIVE),
        ("Median PFS was 28.8 vs 6.8 months (HR 0.33).", Role.RESULT),
        ("The phase 3 trial enrolled 524 patients.", Role.DESIGN),
        ("In ZORBA-1, the experimental arm received zorbatinib plus velmab.", Role.DESIGN),
        ("Velmab is given at 6 mg/kg.", Role.DOSE),
    ],
)
def test_each_role_has_its_cue(sentence: str, expected: Role) -> None:
    assert expected in roles(sentence)


def test_a_dose_amount_gives_the_dose_role_whatever_the_unit() -> None:
    for amount in ("150 mg", "6 mg/kg", "1,000 mg/m2", "600 units", "5 mL"):
        assert Role.DOSE in roles(f"Take {amount} once."), amount
    assert Role.DOSE not in roles("Take 150 once.")


def test_a_sentence_without_cues_has_only_the_other_role() -> None:
    assert roles("The sky is blue.") == {Role.OTHER}


@pytest.mark.parametrize("intent", list(Intent))
def test_every_layout_places_every_role_under_exactly_one_heading(intent: Intent) -> None:
    placed = [role for _, accepted in LAYOUTS[intent] for role in accepted]
    assert sorted(placed) == sorted(Role)


def test_heading_for_takes_the_first_heading_that_accepts_a_role() -> None:
    assert heading_for(Intent.DOSE, {Role.REDUCTION}) == "Dose reductions"
    assert heading_for(Intent.DOSE, {Role.REDUCTION, Role.DOSE}) == "Dose and schedule"
    assert heading_for(Intent.TRIAL, {Role.RESULT, Role.DESIGN}) == "Design"
    assert heading_for(Intent.SAFETY, {Role.ACTION}) == "What to do"
    assert heading_for(Intent.GENERAL, {Role.DESIGN}) == "Answer"


def test_an_adverse_event_rate_is_a_caution_before_a_result() -> None:
    assert heading_for(Intent.TRIAL, {Role.RESULT}) == "Results"
    assert heading_for(Intent.TRIAL, {Role.RESULT, Role.CAUTION}) == "Safety"


def test_a_sentence_with_no_known_role_goes_under_the_last_heading() -> None:
    assert heading_for(Intent.TREATMENT, set()) == "Evidence"
    assert heading_for(Intent.DIFFERENCE, set()) == "Also relevant"


def test_asking_which_line_regimen_and_its_dose_is_a_treatment_question_first() -> None:
    question = "Progressed on first-line THP. What second-line regimen and dose?"
    assert intents(question)[:2] == [Intent.TREATMENT, Intent.DOSE]


def test_asking_for_the_regimen_and_its_dose_is_a_treatment_question_first() -> None:
    assert intents("Relapsed after adjuvant trastuzumab. What regimen and dose?")[:2] == [
        Intent.TREATMENT,
        Intent.DOSE,
    ]
    assert intents("T-DXd dose?")[0] is Intent.DOSE
