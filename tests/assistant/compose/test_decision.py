"""The decision a question asks, and the yes/no read from a statement's own stance."""

from __future__ import annotations

import pytest

from assistant.compose.decision import (
    DIFFER,
    NO,
    YES,
    Claim,
    Decision,
    decide,
    read_decision,
    stance,
)
from assistant.understand.intent import Intent, Role
from tests.assistant.reading import MINI_RULES, read

LEXICON = MINI_RULES.lexicon


def decision(question: str, intent: Intent = Intent.SAFETY) -> Decision:
    return read_decision(read(question, intent=intent), MINI_RULES.measures)


@pytest.mark.parametrize(
    ("sentence", "said"),
    [
        ("Zorbatinib is held for grade 1 pneumonitis until it resolves, then restarted.", {"stop"}),
        ("Velmab has no dose reductions.", {"no reduction"}),
        ("Dose reductions are not recommended for velmab.", {"no reduction", "stop"}),
        ("A past nodule is a caution with zorbatinib, not a contraindication.", {"go on"}),
        ("A patient with grade 2 pneumonitis is not re-challenged with zorbatinib.", {"stop"}),
        ("For grade 1 pneumonitis that resolves within 28 days, zorbatinib restarts.", set()),
        ("Zorbatinib is given at 150 mg twice daily.", set()),  # describes, does not decide
        ("Rash is treated with creams, with zorbatinib interruption as needed.", set()),
    ],
)
def test_a_statement_s_stance_reads_negations_and_leaves_out_conditions(
    sentence: str, said: set[str]
) -> None:
    assert {a.value for a in stance(sentence)} == said


def claims(*pairs: tuple[str, str]) -> list[Claim]:
    return [Claim(text, frozenset({source})) for text, source in pairs]


def test_no_is_read_from_a_hold_when_the_question_asks_to_keep_going() -> None:
    found = claims(
        ("Zorbatinib dose is 150 mg twice daily.", "label"),
        ("Zorbatinib is interrupted for grade 1 pneumonitis until grade 0.", "label"),
    )
    asked = decision("grade 1 pneumonitis on zorbatinib. Can I keep dosing?")
    assert decide(found, asked, LEXICON, [0, 1]) == ([1], NO)


def test_yes_needs_the_value_the_question_states_to_fit_the_statement() -> None:
    found = claims(("Zorbatinib is held for a neutrophil count of 500-1,000/uL.", "label"))
    assert decide(found, decision("ANC 800 on zorbatinib. Do I hold it?"), LEXICON, [0]) == (
        [0],
        YES,
    )
    assert decide(found, decision("ANC 1,500 on zorbatinib. Do I hold it?"), LEXICON, [0]) is None


def test_a_statement_about_another_drug_does_not_answer() -> None:
    found = claims(("Velmab is recommended after zorbatinib.", "guideline"))
    assert decide(found, decision("Is zorbatinib recommended?"), LEXICON, [0]) is None


def test_two_sources_with_opposite_stances_differ_and_one_source_saying_both_does_not() -> None:
    asked = decision("Is zorbatinib recommended for lung nodules?")
    opposite = [
        ("Zorbatinib is recommended for lung nodules.", "guideline-2024"),
        ("Zorbatinib is not recommended for lung nodules.", "guideline-2019"),
    ]
    assert decide(claims(*opposite), asked, LEXICON, [0, 1]) == ([0, 1], DIFFER)
    same = [(text, "guideline-2024") for text, _ in opposite]
    assert decide(claims(*same), asked, LEXICON, [0, 1]) is None


def test_a_measured_value_is_fitted_to_the_thresholds_of_its_own_measure() -> None:
    """widgets 35 x10^9/L": the widget-count row answers, not a row whose other figure (an
    ejection score under 40) would hold the number 35 if units and measures were ignored."""
    found = claims(
        ("Zorbatinib is continued when the ejection score stays under 40.", "label"),
        ("Zorbatinib is held for a widget count of 25,000-50,000/mm3.", "label"),
    )
    asked = decision("Zorbix, widgets 35 x10^9/L today. Hold?")
    assert decide(found, asked, LEXICON, [0, 1]) == ([1], YES)


def test_a_statement_without_a_stance_gives_no_yes_or_no() -> None:
    found = claims(("Zorbatinib pneumonitis occurred in 4% of patients.", "trial"))
    assert decide(found, decision("Can I keep dosing zorbatinib?"), LEXICON, [0]) is None


def test_the_roles_asked_come_from_the_question_s_words_then_its_intent() -> None:
    assert decision("zorbatinib, hold or reduce?", Intent.DOSE).roles == {
        Role.ACTION,
        Role.REDUCTION,
    }
    assert decision("zorbatinib dose?", Intent.DOSE).roles == {Role.DOSE}
    measured = decision("zorbatinib dose after grade 2?", Intent.DOSE)
    assert {Role.ACTION, Role.REDUCTION} <= measured.roles
