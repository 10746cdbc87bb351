import pytest

from guardrails.answer import parse_answer
from guardrails.dose_conditions import Question
from guardrails.dose_levels import check_levels
from guardrails.rules import RuleBook


def ids(rules: RuleBook, answer: str) -> list[str]:
    asked = Question.read("", rules.lexicon, rules.measures)
    return [
        f.rule_id for f in check_levels(parse_answer(answer), asked, rules.doses, rules.lexicon)
    ]


def test_a_reduction_that_skips_a_level_is_blocked(rules: RuleBook) -> None:
    assert ids(rules, "Reduce T-DXd from 5.4 mg/kg to 3.2 mg/kg.") == ["doses.skipped-level"]


def test_reductions_one_level_at_a_time_pass(rules: RuleBook) -> None:
    assert ids(rules, "T-DM1 is reduced from 3.6 mg/kg to 3 mg/kg and then to 2.4 mg/kg.") == []


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            "Discontinue tucatinib if 200 mg twice daily is not tolerated.",
            ["doses.discontinue-level"],
        ),
        ("Discontinue tucatinib if 150 mg twice daily is not tolerated.", []),
        (
            "Stop neratinib if the patient cannot tolerate 160 mg daily.",
            ["doses.discontinue-level"],
        ),
        ("Stop neratinib if the patient cannot tolerate 120 mg daily.", []),
    ],
)
def test_the_drug_is_stopped_below_its_last_reduction_level(
    rules: RuleBook, answer: str, expected: list[str]
) -> None:
    assert ids(rules, answer) == expected
