"""The dose-adjustment check on the fictional corpus's table (tests/fixtures/mini/rules):
zorbatinib (usually 150 mg twice daily) is 50 mg in severe hepatic impairment, 100 mg with a
strong widgetase inhibitor, and 50% of the dose at a creatinine clearance of 30 to 50 mL/min.
The real labels' rows are tested in test_dose_adjustments_corpus.py."""

import pytest

from guardrails.answer import parse_answer
from guardrails.dose_adjustments import check_adjustments
from guardrails.dose_conditions import Question
from guardrails.dose_table import DoseTable
from guardrails.lexicon import Lexicon
from guardrails.measures import Measures
from tests.guardrails.dose_checks import MINI_RULES, rule_ids

HEPATIC = "Zorbatinib in severe hepatic impairment?"
INHIBITOR = "Zorbatinib with a strong widgetase inhibitor?"


def ids(question: str, answer: str) -> list[str]:
    return rule_ids(check_adjustments, MINI_RULES, question, answer)


@pytest.mark.parametrize(
    ("question", "answer", "expected"),
    [
        (HEPATIC, "In severe hepatic impairment, start zorbatinib at 150 mg.", 1),
        (HEPATIC, "In severe hepatic impairment, start zorbatinib at 50 mg.", 0),
        (INHIBITOR, "With a strong widgetase inhibitor, zorbatinib 150 mg twice daily.", 1),
        (INHIBITOR, "With a strong widgetase inhibitor, zorbatinib 100 mg twice daily.", 0),
        ("Zorbatinib, CrCl 40 mL/min?", "Start zorbatinib at 75% of the dose.", 1),
        ("Zorbatinib, CrCl 40 mL/min?", "Start zorbatinib at 50% of the dose.", 0),
        ("Zorbatinib, CrCl 80 mL/min?", "Start zorbatinib at 75% of the dose.", 0),  # not met
        ("Zorbatinib?", "With a strong widgetase inhibitor, zorbatinib 150 mg.", 1),  # stated
    ],
)
def test_a_dose_under_an_adjusted_condition_must_be_the_adjusted_dose(
    question: str, answer: str, expected: int
) -> None:
    assert ids(question, answer) == ["doses.adjustment"] * expected


@pytest.mark.parametrize(
    ("question", "adjusted", "dose"),
    [
        (HEPATIC, "in Child-Pugh C it starts at {} mg", 50),
        (INHIBITOR, "with the inhibitor, {} mg twice daily", 100),
    ],
)
def test_the_usual_dose_beside_the_adjusted_one_passes(
    question: str, adjusted: str, dose: int
) -> None:
    usual = "Zorbatinib is 150 mg twice daily"
    assert ids(question, f"{usual}; {adjusted.format(dose)}.") == []
    # the condition is met: the usual dose alone is blocked
    assert ids(question, f"{usual}; {adjusted.format(150)}.") == ["doses.adjustment"]


def test_the_usual_dose_alone_is_blocked_in_every_sentence_that_gives_it() -> None:
    answer = "Zorbatinib is 150 mg twice daily. In Child-Pugh C, keep zorbatinib at 150 mg."
    assert ids(HEPATIC, answer) == ["doses.adjustment"] * 2


def test_an_adjustment_for_one_partner_is_not_the_dose_with_another() -> None:
    """Zorbatinib in moderate hepatic impairment: 100 mg with velmab, 75 mg with quintaxel."""
    lexicon = Lexicon.from_data(
        {
            "drugs": [
                {"id": "zorbatinib", "generic": "zorbatinib"},
                {"id": "velmab", "generic": "velmab"},
                {"id": "quintaxel", "generic": "quintaxel"},
            ]
        }
    )
    row = {"drug": "zorbatinib", "condition": "moderate hepatic impairment", "kind": "hepatic",
           "sources": ["zorbatinib-label"]}  # fmt: skip
    table = DoseTable.from_data(
        {
            "doses": [],
            "adjustments": [
                {**row, "id": "a", "action": "reduce to 100 mg", "partners": ["velmab"]},
                {**row, "id": "b", "action": "reduce to 75 mg", "partners": ["quintaxel"]},
            ],
        },
        lexicon,
    )
    measures = Measures.from_data({"measures": []})

    def found(question: str, answer: str) -> int:
        asked = Question.read(question, lexicon, measures)
        return len(check_adjustments(parse_answer(answer), asked, table, lexicon, measures))

    answer = "In moderate hepatic impairment, reduce zorbatinib to 75 mg."
    assert found("Zorbatinib with velmab, moderate hepatic impairment?", answer) == 1
    assert found("Zorbatinib with quintaxel, moderate hepatic impairment?", answer) == 0
    assert found("Zorbatinib, moderate hepatic impairment?", answer) == 0  # no partner: either


def test_a_sentence_naming_two_drugs_is_judged_by_the_drug_each_amount_belongs_to() -> None:
    """'zorbatinib with velmab is reduced to 150 mg': the amount is zorbatinib's (the review
    passes its dose mentions), so the adjusted 50 mg is missing."""
    from guardrails.dose_mentions import find_doses
    from tests.guardrails.dose_checks import rules_at

    rules = rules_at(MINI_RULES)
    question = "Zorbatinib with velmab in severe hepatic impairment?"

    def found(answer: str) -> list[str]:
        sentences = parse_answer(answer)
        mentions = find_doses(sentences, rules.lexicon, rules.dose_vocabulary)
        asked = Question.read(question, rules.lexicon, rules.measures)
        hits = check_adjustments(
            sentences, asked, rules.doses, rules.lexicon, rules.measures, mentions
        )
        return [f.rule_id for f in hits]

    wrong = "In severe hepatic impairment, zorbatinib with velmab is reduced to 150 mg twice daily."
    assert found(wrong) == ["doses.adjustment"]
    assert found(wrong.replace("150 mg", "50 mg")) == []
    assert found("Zorbatinib with velmab is reduced from 150 mg to 50 mg twice daily.") == []
    kept = "In severe hepatic impairment, zorbatinib with velmab stays at 150 mg twice daily."
    assert found(kept) == ["doses.adjustment"]  # kept at the usual dose is a claim too
    assert found(kept.replace("150 mg", "50 mg")) == []
