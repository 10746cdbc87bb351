from pathlib import Path

import pytest

from guardrails.answer import parse_answer
from guardrails.lexicon import Lexicon
from guardrails.recommendations import recommended

LEXICON = Path(__file__).resolve().parents[2] / "corpus" / "rules" / "lexicon.yaml"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load(LEXICON)


def picks(lexicon: Lexicon, text: str) -> list[tuple[str, bool]]:
    return [(r.concept_id, r.preferred) for r in recommended(parse_answer(text), lexicon)]


def test_a_recommended_drug_is_preferred(lexicon: Lexicon) -> None:
    assert picks(lexicon, "T-DXd is recommended as second-line treatment.") == [
        ("trastuzumab-deruxtecan", True)
    ]


def test_a_negated_recommendation_recommends_nothing(lexicon: Lexicon) -> None:
    assert picks(lexicon, "T-DXd is not recommended.") == []


def test_a_new_verb_ends_the_rejection(lexicon: Lexicon) -> None:
    assert picks(lexicon, "Avoid T-DXd and start trastuzumab.") == [("trastuzumab", False)]


def test_the_option_set_aside_by_a_contrast_is_not_recommended(lexicon: Lexicon) -> None:
    assert picks(lexicon, "T-DXd is recommended rather than THP.") == [
        ("trastuzumab-deruxtecan", True)
    ]


def test_instead_of_sets_the_second_option_aside(lexicon: Lexicon) -> None:
    assert picks(lexicon, "Give T-DXd instead of T-DM1.") == [("trastuzumab-deruxtecan", False)]


def test_history_is_not_a_recommendation(lexicon: Lexicon) -> None:
    assert picks(lexicon, "After progression on THP, T-DXd is recommended.") == [
        ("trastuzumab-deruxtecan", True)
    ]


def test_drugs_named_together_form_their_regimen(lexicon: Lexicon) -> None:
    text = "Trastuzumab, pertuzumab and docetaxel is the preferred first-line regimen."
    assert picks(lexicon, text) == [("thp", True)]


def test_the_tucatinib_triplet_is_formed_from_its_drugs(lexicon: Lexicon) -> None:
    assert picks(lexicon, "Tucatinib, trastuzumab and capecitabine is an option.") == [
        ("tucatinib-trastuzumab-capecitabine", False)
    ]


def test_preference_belongs_to_its_own_option(lexicon: Lexicon) -> None:
    assert picks(lexicon, "T-DXd is preferred; T-DM1 is an alternative.") == [
        ("trastuzumab-deruxtecan", True),
        ("trastuzumab-emtansine", False),
    ]


def test_preference_does_not_leak_to_the_next_option_after_a_comma(lexicon: Lexicon) -> None:
    assert picks(lexicon, "T-DXd is preferred, and T-DM1 is an alternative.") == [
        ("trastuzumab-deruxtecan", True),
        ("trastuzumab-emtansine", False),
    ]


def test_a_trial_report_is_not_a_recommendation(lexicon: Lexicon) -> None:
    assert picks(lexicon, "In CLEOPATRA, patients were randomized to THP.") == []


def test_a_historical_standard_is_not_a_recommendation(lexicon: Lexicon) -> None:
    assert picks(lexicon, "In 2012, THP was the standard.") == []


@pytest.mark.parametrize(
    "text",
    [
        "Fever during T-DXd treatment can be ILD: T-DXd is interrupted until ILD is ruled out.",
        "While on T-DXd, new cough needs same-day assessment.",
        "T-DXd is held until the LVEF recovers, then treatment resumes at the same dose.",
    ],
)
def test_the_current_therapy_and_an_interruption_are_not_recommendations(
    lexicon: Lexicon, text: str
) -> None:
    assert "trastuzumab-deruxtecan" not in [concept for concept, _ in picks(lexicon, text)]


@pytest.mark.parametrize(
    "text",
    [
        "Options include trastuzumab emtansine, with no one regimen preferred.",
        "Trastuzumab emtansine is an option; none is preferred.",
        "Trastuzumab emtansine is an option without a preferred order.",
    ],
)
def test_a_denied_preference_does_not_make_an_option_preferred(lexicon: Lexicon, text: str) -> None:
    assert picks(lexicon, text) == [("trastuzumab-emtansine", False)]


@pytest.mark.parametrize(
    "text",
    [
        "With trastuzumab deruxtecan already given, trastuzumab emtansine is an option.",
        "Trastuzumab deruxtecan (previously received) is out; trastuzumab emtansine is an option.",
        "As trastuzumab deruxtecan was already given, trastuzumab emtansine is an option.",
    ],
)
def test_a_therapy_said_to_be_given_already_is_history(lexicon: Lexicon, text: str) -> None:
    assert [c for c, _ in picks(lexicon, text)] == ["trastuzumab-emtansine"]
