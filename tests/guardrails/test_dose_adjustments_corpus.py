"""The real labels' adjustment rows (corpus/rules/doses.yaml): the engine's tests run on the
fictional corpus (test_dose_adjustments.py)."""

import pytest

from guardrails.context import extract_context
from guardrails.dose_adjustments import check_adjustments
from guardrails.review import review
from tests.guardrails.dose_checks import CORPUS_RULES, rule_ids, rules_at

RULES = rules_at(CORPUS_RULES)


def ids(question: str, answer: str) -> list[str]:
    return rule_ids(check_adjustments, CORPUS_RULES, question, answer)


@pytest.mark.parametrize(
    ("question", "answer", "expected"),
    [
        ("Tucatinib in Child-Pugh C?", "In severe hepatic impairment, start at 150 mg.", 1),
        ("Tucatinib in Child-Pugh C?", "In severe hepatic impairment, start at 200 mg.", 0),
        ("Tucatinib with gemfibrozil?", "With a strong CYP2C8 inhibitor, tucatinib 200 mg.", 1),
        ("Tucatinib with gemfibrozil?", "With a strong CYP2C8 inhibitor, tucatinib 100 mg.", 0),
        ("Capecitabine, CrCl 40 mL/min?", "Start capecitabine at 50% of the dose.", 1),
        ("Capecitabine, CrCl 40 mL/min?", "Start capecitabine at 75% of the dose.", 0),
        # a member of the row's class ('taking': strong CYP3A4 inducers) meets the row
        (
            "On carbamazepine, lapatinib dose?",
            "With carbamazepine, lapatinib stays at 1,250 mg.",
            1,
        ),
        ("On carbamazepine, lapatinib dose?", "Lapatinib is titrated up to 4,500 mg daily.", 0),
    ],
)
def test_a_dose_under_an_adjusted_condition_must_be_the_labels_adjusted_dose(
    question: str, answer: str, expected: int
) -> None:
    assert ids(question, answer) == ["doses.adjustment"] * expected


def test_the_usual_dose_beside_the_labels_adjusted_one_passes() -> None:
    answer = "Tucatinib is 300 mg twice daily; in Child-Pugh C it starts at 200 mg twice daily."
    assert ids("Tucatinib in severe hepatic impairment?", answer) == []


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Lapatinib stays at 1,250 mg once daily with capecitabine.", ["doses.adjustment"]),
        (
            "Lapatinib remains at the usual 1,250 mg once daily with capecitabine.",
            ["doses.adjustment"],
        ),
        ("Lapatinib is reduced to 750 mg once daily with capecitabine.", []),
        ("Lapatinib stays at 750 mg once daily with capecitabine.", []),
    ],
)
def test_a_dose_kept_in_severe_hepatic_impairment_is_judged(
    answer: str, expected: list[str]
) -> None:
    """Lapatinib with capecitabine in Child-Pugh C is 750 mg (label section 2.2): a sentence
    naming both drugs that keeps 1,250 mg is read by the amount's own drug."""
    from guardrails.answer import parse_answer
    from guardrails.dose_conditions import Question
    from guardrails.dose_mentions import find_doses
    from tests.guardrails.dose_checks import rules_at

    rules = rules_at(CORPUS_RULES)
    sentences = parse_answer(answer)
    mentions = find_doses(sentences, rules.lexicon, rules.dose_vocabulary)
    asked = Question.read(
        "Severe hepatic impairment (Child-Pugh C) on lapatinib with capecitabine. Dose?",
        rules.lexicon,
        rules.measures,
    )
    hits = check_adjustments(sentences, asked, rules.doses, rules.lexicon, rules.measures, mentions)
    assert [f.rule_id for f in hits] == expected


@pytest.mark.parametrize(
    ("question", "answer", "expected"),
    [
        # the Child-Pugh A row's words ("hepatic impairment") are in a Child-Pugh B sentence
        (
            "Eribulin, Child-Pugh B. Dose?",
            "For moderate hepatic impairment (Child-Pugh B), "
            "give eribulin 1.1 mg/m2 on days 1 and 8 [1].",
            ["doses.adjustment"],
        ),
        (
            "Eribulin, Child-Pugh B. Dose?",
            "For moderate hepatic impairment (Child-Pugh B), "
            "give eribulin 0.7 mg/m2 on days 1 and 8 [1].",
            [],
        ),
        (
            "Eribulin, Child-Pugh A. Dose?",
            "For mild hepatic impairment (Child-Pugh A), "
            "give eribulin 1.1 mg/m2 on days 1 and 8 [1].",
            [],
        ),
        # the adjusted dose given beside its partners counts: the standard dose quoted is no error
        (
            "On carbamazepine, lapatinib dose?",
            "Lapatinib with letrozole is given at 1,500 mg once daily [1]. With carbamazepine, "
            "lapatinib is avoided; if unavoidable it is titrated up to 4,500 mg once daily with "
            "capecitabine or 5,500 mg once daily with letrozole [1].",
            [],
        ),
        # a quoted rule for another class is judged by its own words, not the patient's class
        (
            "Eribulin, Child-Pugh A. Dose?",
            "If the impairment is moderate (Child-Pugh B), eribulin is reduced to 1.4 mg/m2 [1].",
            ["doses.adjustment"],
        ),
    ],
)
def test_a_row_the_patients_facts_contradict_is_not_met(
    question: str, answer: str, expected: list[str]
) -> None:
    context = extract_context(question, [], RULES.lexicon, None, RULES.facts)
    found = review(answer, question, context, [], RULES, grounded=False)
    assert [f.rule_id for f in found.findings if f.rule_id == "doses.adjustment"] == expected
