"""The dose-modification check on the fictional corpus's table (tests/fixtures/mini/rules):
zorbatinib continues at a widget count of 50,000 to <75,000/mm3, is held and resumed at the
same dose from 25,000, held and resumed one level lower from 10,000, and discontinued under
10,000; velmab is held under 25,000 and resumed at the same dose. The real labels' rows are
tested in test_dose_modifications_corpus.py."""

import pytest

from guardrails.dose_modifications import check_modifications
from tests.guardrails.dose_checks import MINI_RULES, rule_ids

HOLD_THEN = "Hold zorbatinib until widgets recover to 75,000/mm3, then resume"


def ids(question: str, answer: str) -> list[str]:
    return rule_ids(check_modifications, MINI_RULES, question, answer)


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("Widgets 40,000 on zorbatinib?", f"{HOLD_THEN} one dose level lower."),
        ("Widgets 15,000 on zorbatinib?", f"{HOLD_THEN} at the same dose."),
        ("Widgets 15,000 on zorbatinib?", f"{HOLD_THEN} at 150 mg twice daily."),  # the start
        ("Widgets 60,000 on zorbatinib?", "Hold zorbatinib until the widget count recovers."),
        (  # the rows are the drug's own: velmab keeps its dose where zorbatinib lowers it
            "Widgets 15,000 on velmab?",
            "Hold velmab until widgets recover to 75,000/mm3, then resume one dose level lower.",
        ),
    ],
)
def test_an_action_the_table_does_not_give_is_blocked(question: str, answer: str) -> None:
    assert ids(question, answer) == ["doses.modification"]


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("Widgets 40,000 on zorbatinib?", f"{HOLD_THEN} at the same dose."),
        ("Widgets 15,000 on zorbatinib?", f"{HOLD_THEN} one dose level lower."),
        ("Widgets 15,000 on zorbatinib?", f"{HOLD_THEN} at 100 mg twice daily."),  # level 1
        ("Widgets 60,000 on zorbatinib?", "Continue zorbatinib at the same dose."),
        (
            "Widgets 15,000 on velmab?",
            "Hold velmab until widgets recover to 75,000/mm3, then resume at the same dose.",
        ),
        (
            "Grade 3 widgetitis on zorbatinib?",
            "Hold zorbatinib until it resolves, then resume one dose level lower.",
        ),
        ("Grade 4 widgetitis on zorbatinib?", "Permanently discontinue zorbatinib."),
    ],
)
def test_the_tables_action_passes(question: str, answer: str) -> None:
    assert ids(question, answer) == []


def test_a_sentence_stating_its_own_condition_is_not_judged_for_the_patient() -> None:
    question = "Widgets 40,000 on zorbatinib?"  # the table resumes at the same dose
    assert ids(question, "Hold zorbatinib and resume one dose level lower.") == [
        "doses.modification"
    ]
    quoted = "If the widget count falls under 25,000, hold zorbatinib and resume one level lower."
    assert ids(question, quoted) == []


@pytest.mark.parametrize(
    "question", ["Widgets 8,000 on zorbatinib?", "Widget count 8 x10^9/L on zorbatinib?"]
)
def test_only_discontinuing_passes_where_the_table_discontinues(question: str) -> None:
    assert ids(question, "Hold zorbatinib, then resume one dose level lower.") == [
        "doses.modification"
    ]
    assert ids(question, "Hold zorbatinib until the widget count recovers.") == [
        "doses.modification"
    ]
    assert ids(question, "Permanently discontinue zorbatinib.") == []


def test_a_recheck_interval_the_table_does_not_give_is_blocked() -> None:
    question = "Widgets 60,000 on zorbatinib?"  # the table re-checks within 2 weeks
    assert ids(question, "Continue zorbatinib and recheck the widget count within 4 weeks.") == [
        "doses.recheck-interval"
    ]
    assert ids(question, "Continue zorbatinib and recheck the widget count within 2 weeks.") == []


def test_a_recheck_while_held_counts_only_when_the_answer_holds() -> None:
    question = "Widgets 40,000 on zorbatinib?"  # every 7 days while held
    held = "While zorbatinib is held, recheck the widget count every 3 weeks."
    assert ids(question, held) == ["doses.recheck-interval"]
    assert ids(question, "Hold zorbatinib and recheck the widget count every 7 days.") == []
    assert ids(question, "Recheck the widget count on zorbatinib every 3 weeks.") == []


@pytest.mark.parametrize(
    ("question", "answer", "expected"),
    [  # grade 3 widgetitis: hold, then one level lower; grade 4: discontinue
        (
            "Zorbatinib question?",  # a quoted rule is judged by its own grade
            "For grade 3 widgetitis, hold zorbatinib and then resume at the same dose.",
            ["doses.modification"],
        ),
        (
            "Zorbatinib question?",
            "For grade 3 widgetitis, hold zorbatinib and then resume one dose level lower.",
            [],
        ),
        (  # the question's grade, the reaction named in the sentence
            "Grade 4 widgetitis on zorbatinib?",
            "Hold zorbatinib until the widgetitis recovers, then resume one dose level lower.",
            ["doses.modification"],
        ),
        (  # the question's grade, but the sentence is about something else
            "Grade 4 widgetitis on zorbatinib?",
            "Hold zorbatinib until the widget count recovers, then resume one dose level lower.",
            [],
        ),
        (  # a sentence with the grade that names no reaction of the row, only unspecific words
            "Zorbatinib question?",
            "For another grade 3 toxicity, hold zorbatinib and then resume at the same dose.",
            [],
        ),
    ],
)
def test_a_stated_grade_is_judged_with_the_reaction_the_sentence_names(
    question: str, answer: str, expected: list[str]
) -> None:
    assert ids(question, answer) == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [  # zorbatinib continues at 50,000 to <75,000/mm3 and is held below 50,000
        ("Hold zorbatinib when the widget count falls below 60,000/mm3.", ["doses.modification"]),
        ("Hold zorbatinib when the widget count falls below 50,000/mm3.", []),
        ("Stop zorbatinib if the widget count is under 10,000/mm3.", []),
        (  # two thresholds in one sentence are not tied to what they follow: not read
            "Hold zorbatinib when widgets are 25,000 to 60,000/mm3 and stop under 10,000/mm3.",
            [],
        ),
        ("If widgets fall below 60,000/mm3, continue zorbatinib and recheck.", []),  # no hold
    ],
)
def test_a_quoted_threshold_is_checked_where_the_table_continues(
    answer: str, expected: list[str]
) -> None:
    assert ids("Zorbatinib and widget counts?", answer) == expected


@pytest.mark.parametrize(
    ("question", "answer", "expected"),
    [  # grade 2 widgetitis: the same dose if resolved in 14 days or less, else one level lower
        (
            "Grade 2 widgetitis on zorbatinib took 3 weeks to resolve. Restart dose?",
            "Resume zorbatinib at 150 mg twice daily once the widgetitis has resolved.",
            ["doses.modification"],
        ),
        (
            "Grade 2 widgetitis on zorbatinib resolved after 10 days. Restart dose?",
            "Resume zorbatinib one dose level lower once the widgetitis has resolved.",
            ["doses.modification"],
        ),
        (
            "Grade 2 widgetitis on zorbatinib took 3 weeks to resolve. Restart dose?",
            "Resume zorbatinib one dose level lower once the widgetitis has resolved.",
            [],
        ),
        (
            "Grade 2 widgetitis on zorbatinib resolved after 10 days. Restart dose?",
            "Resume zorbatinib at the same dose once the widgetitis has resolved.",
            [],
        ),
        (  # no resolution time: the rows disagree and decide nothing
            "Grade 2 widgetitis on zorbatinib. Restart dose?",
            "Resume zorbatinib at the same dose once the widgetitis has resolved.",
            [],
        ),
        (  # the sentence's own time is a quoted rule
            "Grade 2 widgetitis on zorbatinib took 3 weeks to resolve.",
            "If the widgetitis resolved in 14 days or less, zorbatinib resumes at the same dose.",
            [],
        ),
    ],
)
def test_resume_level_follows_how_long_the_toxicity_took_to_resolve(
    question: str, answer: str, expected: list[str]
) -> None:
    assert ids(question, answer) == expected
