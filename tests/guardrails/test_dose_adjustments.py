from pathlib import Path

import pytest

from guardrails.answer import parse_answer
from guardrails.dose_adjustments import check_adjustments
from guardrails.dose_conditions import Question
from guardrails.rules import RuleBook

RULES = Path(__file__).resolve().parents[2] / "corpus" / "rules"


@pytest.fixture(scope="module")
def rules() -> RuleBook:
    return RuleBook.load(RULES)


def asked(rules: RuleBook, question: str) -> Question:
    return Question.read(question, rules.lexicon, rules.measures)


def ids(rules: RuleBook, question: str, answer: str) -> list[str]:
    found = check_adjustments(
        parse_answer(answer), asked(rules, question), rules.doses, rules.lexicon, rules.measures
    )
    return [f.rule_id for f in found]


@pytest.mark.parametrize(
    ("question", "answer", "expected"),
    [
        ("Tucatinib in Child-Pugh C?", "In severe hepatic impairment, start at 150 mg.", 1),
        ("Tucatinib in Child-Pugh C?", "In severe hepatic impairment, start at 200 mg.", 0),
        ("Tucatinib with gemfibrozil?", "With a strong CYP2C8 inhibitor, tucatinib 200 mg.", 1),
        ("Tucatinib with gemfibrozil?", "With a strong CYP2C8 inhibitor, tucatinib 100 mg.", 0),
        ("Capecitabine, CrCl 40 mL/min?", "Start capecitabine at 50% of the dose.", 1),
        ("Capecitabine, CrCl 40 mL/min?", "Start capecitabine at 75% of the dose.", 0),
    ],
)
def test_a_dose_under_an_adjusted_condition_must_be_the_adjusted_dose(
    rules: RuleBook, question: str, answer: str, expected: int
) -> None:
    assert ids(rules, question, answer) == ["doses.adjustment"] * expected


def test_the_usual_dose_beside_the_adjusted_one_passes(rules: RuleBook) -> None:
    answer = "Tucatinib is 300 mg twice daily; in Child-Pugh C it starts at 200 mg twice daily."
    assert ids(rules, "Tucatinib in severe hepatic impairment?", answer) == []
