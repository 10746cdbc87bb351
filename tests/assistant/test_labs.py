"""A patient's measured value picks the sentence whose threshold includes it."""

from __future__ import annotations

import pytest

from assistant.labs import fits, measured_values


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("platelets 40k on day 1", {"platelets": 40_000.0}),
        ("Platelet count of 40,000 today", {"platelets": 40_000.0}),
        ("plt 40 x10^9/L", {"platelets": 40_000.0}),
        ("EF now 48% on the echo", {"lvef": 48.0}),
        ("LVEF 55%, platelets 120k", {"lvef": 55.0, "platelets": 120_000.0}),
        ("what dose of zorbatinib?", {}),
        ("zorbatinib dose after grade 2 pneumonitis?", {"grade": 2.0}),
        ("grade 3 and grade 4 rates?", {}),  # several grades: no one value
        ("LVEF monitoring every 3 months?", {}),
    ],
)
def test_measured_values_in_a_question(question: str, expected: dict[str, float]) -> None:
    assert measured_values(question) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Held for platelets of 25,000-50,000/mm3, then restarted at the same dose.", True),
        ("Held for platelets below 25,000/mm3, then restarted at a reduced dose.", False),
        ("Restart when platelets recover to 75,000/mm3 or more.", False),
        ("Zorbatinib is given at 150 mg twice daily.", None),
    ],
)
def test_a_platelet_threshold_includes_the_value_or_not(
    sentence: str, expected: bool | None
) -> None:
    assert fits({"platelets": 40_000.0}, sentence) is expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Treatment continues when the LVEF stays above 45% despite a 10-20 point fall.", True),
        ("Interrupt when the LVEF is 40-45% with a 10-20 point fall.", False),
        ("Stop when the LVEF is under 40%.", False),
        ("Platelets below 25,000/mm3 need a hold.", None),  # thresholds, but not for LVEF
    ],
)
def test_an_lvef_threshold_includes_the_value_or_not(sentence: str, expected: bool | None) -> None:
    assert fits({"lvef": 48.0}, sentence) is expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Zorbatinib is stopped for good for grade 2 or higher pneumonitis.", True),
        ("Zorbatinib is interrupted for grade 1 pneumonitis until grade 0.", False),
        ("Grade 3-4 rash occurred in 10%.", False),
        ("Zorbatinib is given at 150 mg twice daily.", None),
    ],
)
def test_a_toxicity_grade_fits_the_grades_a_sentence_is_about(
    sentence: str, expected: bool | None
) -> None:
    assert fits({"grade": 2.0}, sentence) is expected
