from pathlib import Path

import pytest

from guardrails.errors import CairnError
from guardrails.lexicon import Lexicon
from guardrails.overrides import USER, parse_override
from guardrails.records import Fact, FactStatus

LEXICON = Path(__file__).resolve().parents[2] / "corpus" / "rules" / "lexicon.yaml"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load(LEXICON)


def test_a_choice_is_stated_by_the_user(lexicon: Lexicon) -> None:
    fact = parse_override("her2", "Positive", lexicon)
    assert (fact.value, fact.status, fact.evidence) == ("positive", FactStatus.STATED, USER)


def test_brain_mets_none_is_negated(lexicon: Lexicon) -> None:
    fact = parse_override("brain_mets", "none", lexicon)
    assert (fact.value, fact.status) == ("none", FactStatus.NEGATED)


def test_brain_mets_active_is_stated(lexicon: Lexicon) -> None:
    fact = parse_override("brain_mets", "active", lexicon)
    assert (fact.value, fact.status) == ("active", FactStatus.STATED)


def test_unknown_clears_a_fact(lexicon: Lexicon) -> None:
    assert parse_override("hr", "unknown", lexicon) == Fact()
    assert parse_override("lvef", "", lexicon) == Fact()


def test_true_and_yes_are_stated_false_and_no_negated(lexicon: Lexicon) -> None:
    assert parse_override("ild_history", "yes", lexicon).status is FactStatus.STATED
    fact = parse_override("pregnant", "false", lexicon)
    assert (fact.value, fact.status) == (False, FactStatus.NEGATED)


def test_numbers_accept_a_percent_sign(lexicon: Lexicon) -> None:
    assert parse_override("lvef", "45%", lexicon).value == 45.0


def test_line_is_a_whole_number(lexicon: Lexicon) -> None:
    assert parse_override("line", "2", lexicon).value == 2


def test_therapy_lists_become_concept_ids(lexicon: Lexicon) -> None:
    assert parse_override("prior_therapies", "THP, Kadcyla, THP", lexicon) == (
        "thp",
        "trastuzumab-emtansine",
    )


def test_a_bad_choice_names_the_allowed_values(lexicon: Lexicon) -> None:
    with pytest.raises(CairnError) as error:
        parse_override("her2", "maybe", lexicon)
    assert error.value.fix == "Use one of: positive, negative, low."


def test_a_bad_boolean_says_how_to_write_it(lexicon: Lexicon) -> None:
    with pytest.raises(CairnError) as error:
        parse_override("ild_history", "probably", lexicon)
    assert error.value.fix == "Write ild_history=true or ild_history=false."


def test_a_word_for_a_number_says_to_write_a_number(lexicon: Lexicon) -> None:
    with pytest.raises(CairnError) as error:
        parse_override("weight_kg", "heavy", lexicon)
    assert error.value.fix == "Write a number, e.g. weight_kg=20."


def test_a_number_out_of_range_asks_to_check_the_unit(lexicon: Lexicon) -> None:
    with pytest.raises(CairnError) as error:
        parse_override("weight_kg", "154000", lexicon)
    assert "outside 20-300" in error.value.message
    assert error.value.fix == "Check the value and its unit."


def test_an_unknown_key_lists_the_known_keys(lexicon: Lexicon) -> None:
    with pytest.raises(CairnError) as error:
        parse_override("ecog", "1", lexicon)
    assert "Unknown patient fact 'ecog'" in error.value.message
    assert "ild_history" in error.value.fix and "prior_therapies" in error.value.fix


def test_the_ild_grade_and_the_lvef_baseline_are_numbers(lexicon: Lexicon) -> None:
    assert parse_override("ild_grade", "2", lexicon).value == 2.0
    assert parse_override("lvef_baseline", "60%", lexicon).value == 60.0
    with pytest.raises(CairnError):
        parse_override("ild_grade", "7", lexicon)
