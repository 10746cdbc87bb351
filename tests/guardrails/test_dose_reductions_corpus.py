"""The real labels' reduction steps (corpus/rules/doses.yaml): docetaxel's single-agent row
starts anywhere from 60 to 100 mg/m2, but the US label reduces it 100 -> 75 -> 55 mg/m2 (or
stops it). The engine's tests: test_dose_reductions.py."""

import pytest

from guardrails.rules import RuleBook
from tests.guardrails.dose_checks import dose_ids as ids


@pytest.mark.parametrize(
    "answer",
    [
        "Reduce docetaxel to 60 mg/m2 every 3 weeks.",
        "Docetaxel is reduced from 75 mg/m2 to 60 mg/m2 if toxicity persists.",
        "Docetaxel is reduced from 100 to 75 and then to 60 mg/m2 every 3 weeks.",
        "T-DXd is reduced to 4.0 mg/kg every 3 weeks.",
    ],
)
def test_a_reduction_off_the_labels_steps_is_blocked(rules: RuleBook, answer: str) -> None:
    assert ids(rules, answer) == ["doses.reduction-level"]


@pytest.mark.parametrize(
    "answer",
    [
        "Docetaxel 75 mg/m2, escalated to 100 mg/m2 if tolerated.",
        "Docetaxel is reduced from 100 to 75 mg/m2 every 3 weeks.",
        "Docetaxel is reduced from 75 mg/m2 to 55 mg/m2 every 3 weeks, or stopped.",
        "Docetaxel 60-100 mg/m2 every 3 weeks as a single agent.",
        "Docetaxel is never reduced below 55 mg/m2.",
        "Docetaxel 60 mg/m2 every 3 weeks as a single agent.",
        "Lapatinib is reduced to 750 mg once daily with capecitabine in severe hepatic impairment.",
        "T-DXd is reduced to 4.4 mg/kg every 3 weeks.",
        "Lapatinib is restarted at 1,000 mg once daily with capecitabine.",  # a restart level
    ],
)
def test_the_labels_steps_and_starting_doses_pass(rules: RuleBook, answer: str) -> None:
    assert ids(rules, answer) == []
