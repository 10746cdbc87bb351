"""Food instructions of oral drugs against the dose table's `food` (fictional drugs: zorbatinib
on an empty stomach, quintaxel with food, velmab with or without food); then the real labels."""

import pytest

from guardrails.answer import parse_answer
from guardrails.dose_conditions import Question
from guardrails.dose_food import check_food
from guardrails.dose_table import DoseTable
from guardrails.lexicon import Lexicon
from guardrails.measures import Measures
from tests.guardrails.dose_checks import CORPUS_RULES, rules_at

LEXICON = Lexicon.from_data(
    {
        "drugs": [
            {"id": "zorbatinib", "generic": "zorbatinib"},
            {"id": "quintaxel", "generic": "quintaxel"},
            {"id": "velmab", "generic": "velmab"},
        ]
    }
)
ROW = {"phase": "any", "route": "oral", "unit": "mg", "schedule": "once daily",
       "indication": "widget disease", "sources": ["zorbatinib-label"]}  # fmt: skip
TABLE = DoseTable.from_data(
    {
        "doses": [
            {**ROW, "id": "z", "drug": "zorbatinib", "amount": 150, "food": "fasting"},
            {**ROW, "id": "q", "drug": "quintaxel", "amount": 500, "food": "fed"},
            {**ROW, "id": "v", "drug": "velmab", "amount": 100, "food": "any"},
        ]
    },
    LEXICON,
)
MEASURES = Measures.from_data({"measures": []})


def ids(answer: str, question: str = "Food?") -> list[str]:
    asked = Question.read(question, LEXICON, MEASURES)
    return [f.rule_id for f in check_food(parse_answer(answer), asked, TABLE, LEXICON)]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Take zorbatinib with a meal.", ["doses.food"]),
        ("Zorbatinib is taken on an empty stomach.", []),
        ("Zorbatinib is taken at least 1 hour before or 1 hour after a meal.", []),
        ("Quintaxel is taken without food.", ["doses.food"]),
        ("Quintaxel is taken within 30 minutes after a meal.", []),
        ("Velmab may be taken with or without food.", []),
        ("Velmab is taken with food.", []),  # either is right
        ("Do not take zorbatinib with food.", []),  # negated: not an instruction to eat
        (  # each phrase belongs to the drug named before it
            "Zorbatinib 1 hour before a meal, while quintaxel is taken with food.",
            [],
        ),
        ("Quintaxel with zorbatinib is taken with food.", []),  # zorbatinib is the partner
        ("Zorbatinib 1 hour before a meal, while quintaxel is taken fasting.", ["doses.food"]),
    ],
)
def test_a_food_instruction_the_label_does_not_give_is_blocked(
    answer: str, expected: list[str]
) -> None:
    assert ids(answer) == expected


def test_a_sentence_naming_no_drug_is_read_for_the_questions_one_drug() -> None:
    assert ids("Take it with breakfast.", "Zorbatinib and food?") == ["doses.food"]
    assert ids("Take it with breakfast.", "Zorbatinib or quintaxel and food?") == []


# The real labels (corpus tests): TYKERB 2.1 (1 hour before or after a meal), NERLYNX 2.1 (with
# food).


def test_the_real_labels_food_rules() -> None:
    rules = rules_at(CORPUS_RULES)

    def real(answer: str) -> list[str]:
        asked = Question.read("Food?", rules.lexicon, rules.measures)
        return [
            f.rule_id for f in check_food(parse_answer(answer), asked, rules.doses, rules.lexicon)
        ]

    assert real("Take lapatinib with a meal to improve absorption.") == ["doses.food"]
    assert real("Neratinib is taken with food.") == []
    assert real("Neratinib is taken on an empty stomach.") == ["doses.food"]
