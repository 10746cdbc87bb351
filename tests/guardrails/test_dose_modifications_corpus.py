"""The real labels' dose-modification rows (corpus/rules/doses.yaml): the engine's tests run
on the fictional corpus (test_dose_modifications.py)."""

import pytest

from guardrails.dose_modifications import check_modifications
from tests.guardrails.dose_checks import CORPUS_RULES, rule_ids


def ids(question: str, answer: str) -> list[str]:
    return rule_ids(check_modifications, CORPUS_RULES, question, answer)


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (  # the label discontinues for transaminases over 3x ULN with bilirubin over 2x ULN
            "ALT 4x ULN and bilirubin 2.5x ULN on T-DM1?",
            "Hold T-DM1 and resume one dose level lower once the liver tests recover.",
        ),
        (  # the label keeps the dose after grade 3 neutropenia
            "ANC 0.8 on T-DXd?",
            "Interrupt T-DXd until grade 2 or less, then reduce to 4.4 mg/kg.",
        ),
        (  # the label continues above 45% with a fall of 10 to 20 points
            "LVEF 48%, down 12 points, on T-DXd?",
            "Interrupt T-DXd and repeat the LVEF.",
        ),
    ],
)
def test_an_action_the_label_does_not_give_is_blocked(question: str, answer: str) -> None:
    assert ids(question, answer) == ["doses.modification"]


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (
            "Platelets 40,000 on T-DM1?",
            "Hold T-DM1 until platelets recover to 75,000/mm3, then resume at the same dose.",
        ),
        (
            "Grade 1 ILD on T-DXd?",
            "Interrupt T-DXd until grade 0; if it resolved in 28 days or less keep the same dose, "
            "otherwise reduce one dose level.",
        ),
        ("Grade 2 pneumonitis on T-DXd?", "Permanently discontinue T-DXd."),
        (  # a sentence that states its own condition quotes a rule: not judged for the patient
            "ANC 0.8 on T-DXd?",
            "If the ANC falls below 0.5, interrupt T-DXd and then reduce it by one level.",
        ),
        (  # a match on words alone decides nothing about what to do
            "Symptomatic CHF on T-DXd?",
            "Hold T-DXd until the heart failure resolves.",
        ),
        (  # rows Cairn cannot tell apart (the fall is not stated) decide nothing
            "LVEF 42% on T-DXd?",
            "Continue T-DXd and repeat the LVEF within 3 weeks.",
        ),
    ],
)
def test_the_labels_action_passes(question: str, answer: str) -> None:
    assert ids(question, answer) == []


def test_a_recheck_interval_the_label_does_not_give_is_blocked() -> None:
    question = "LVEF 42% with a 15-point drop on T-DXd?"
    assert ids(question, "Interrupt T-DXd and repeat the LVEF within 6 weeks.") == [
        "doses.recheck-interval"
    ]
    assert ids(question, "Interrupt T-DXd and repeat the LVEF within 3 weeks.") == []


def test_a_recheck_while_held_counts_only_when_the_answer_holds() -> None:
    question = "LVEF monitoring on trastuzumab?"
    held = "While trastuzumab is held, repeat the LVEF every 3 months."
    assert ids(question, held) == ["doses.recheck-interval"]
    assert ids(question, "Repeat the LVEF on trastuzumab every 3 months.") == []


def test_a_quoted_lvef_threshold_where_the_label_continues_is_blocked() -> None:
    """KADCYLA 2.2: held under 40%, or 40-45% with a fall of 10 points or more; above 45% it
    continues, so 'hold below 50%' holds where the label does not."""
    question = "At what LVEF do I hold T-DM1?"
    assert ids(question, "Hold T-DM1 when the LVEF falls below 50%.") == ["doses.modification"]
    assert ids(question, "Hold T-DM1 when the LVEF falls below 40%.") == []


@pytest.mark.parametrize(
    ("question", "answer", "expected"),
    [  # ENHERTU: grade 1 ILD resolved in 28 days or less keeps the dose, later one level lower
        (
            "Asymptomatic grade 1 ILD on T-DXd took 6 weeks to resolve. Restart dose?",
            "Once grade 1 ILD has resolved to grade 0, T-DXd can be resumed at 5.4 mg/kg every "
            "3 weeks, whatever the time it took to resolve.",
            ["doses.modification"],
        ),
        (
            "Asymptomatic grade 1 ILD on T-DXd took 6 weeks to resolve. Restart dose?",
            "Resume T-DXd one dose level lower, at 4.4 mg/kg, once the grade 1 ILD has resolved.",
            [],
        ),
        (
            "Grade 1 ILD on T-DXd resolved after 2 weeks. Restart dose?",
            "Resume T-DXd at 5.4 mg/kg once the grade 1 ILD has resolved.",
            [],
        ),
        (
            "Grade 1 ILD on T-DXd resolved after 2 weeks. Restart dose?",
            "Resume T-DXd one dose level lower, at 4.4 mg/kg, once the grade 1 ILD has resolved.",
            ["doses.modification"],
        ),
    ],
)
def test_resume_follows_how_long_the_toxicity_took_to_resolve(
    question: str, answer: str, expected: list[str]
) -> None:
    assert ids(question, answer) == expected
