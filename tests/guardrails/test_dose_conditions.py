import pytest

from guardrails.dose_conditions import Question, Situation
from guardrails.lexicon import Lexicon
from guardrails.measures import Measures

MEASURES = Measures.from_data(
    {
        "measures": [
            {
                "id": "count",
                "names": ["count"],
                "unit": "/mm3",
                "units": {"/mm3": 1},
                "plausible": [1000, 2000000],
            },
            {"id": "ef", "names": ["LVEF"], "unit": "%", "units": {"%": 1}, "unit_required": True},
            {"id": "grade", "names": ["grade"], "kind": "grade"},
        ]
    }
)


def situation(question: str, sentence: str = "") -> Situation:
    asked = Question.read(question, Lexicon.from_data({"drugs": []}), MEASURES)
    return Situation.of(asked, sentence, MEASURES)


def test_a_value_meets_the_criterion_whose_range_holds_it() -> None:
    low = situation("count 20,000 on drug A")
    assert low.match("count under 25,000/mm3 (grade 4)")
    assert not low.match("count 25,000 to 50,000/mm3 (grade 3)")


def test_a_grade_needs_a_word_of_the_criterions_topic() -> None:
    assert situation("grade 3 rash on drug A").match("grade 3 rash")
    assert not situation("grade 3 cough on drug A").match("grade 3 rash")


def test_a_criterion_without_thresholds_needs_most_of_its_words() -> None:
    assert situation("new symptomatic heart failure").match("symptomatic congestive heart failure")
    assert not situation("heart rate 50").match("symptomatic congestive heart failure")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("LVEF 48%, down 12 points", True),
        ("LVEF 48%, down 25 points", False),
        ("LVEF 42%, down 12 points", False),
    ],
)
def test_a_change_from_baseline_is_read_apart_from_the_value(question: str, expected: bool) -> None:
    criterion = "LVEF above 45% and absolute fall from baseline 10 to 20 points"
    assert situation(question).match(criterion) is expected


def test_an_unstated_change_leaves_the_criterion_undecided() -> None:
    assert (
        situation("LVEF 42% on drug A").match("LVEF 40% to 45% and fall of 10 or more points")
        is None
    )


def test_a_unit_required_measure_ignores_numbers_without_its_unit() -> None:
    assert not situation("LVEF 45% today").match("LVEF decline persisting more than 8 weeks")


def test_a_criterion_with_a_second_measure_the_patient_lacks_is_not_met() -> None:
    """Two thresholds joined ("count over X with LVEF under Y"): a patient with only the
    count does not meet the row; the LVEF is unknown, not fitting."""
    count_only = situation("count 60,000 on drug A, LVEF not measured")
    assert not count_only.match("count over 50,000/mm3 with LVEF under 40%")
    both = situation("count 60,000 on drug A, LVEF 35%")
    assert both.match("count over 50,000/mm3 with LVEF under 40%")
    assert count_only.match("count over 50,000/mm3 (LVEF under 40% in the trial)")  # an aside
