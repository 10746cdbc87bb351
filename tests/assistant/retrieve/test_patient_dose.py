"""The patient's own dose: a per-kg or per-m2 dose written in mg for the size the question gives,
cited to the passage stating the per-kg dose, and accepted by the review's arithmetic."""

from __future__ import annotations

import pytest

from assistant.pipeline import Cairn
from assistant.retrieve.plan import Plan
from assistant.understand.intent import Intent
from guardrails.records import Verdict
from tests.assistant.retrieve.test_backing import plan_for


def patient_lines(plan: Plan) -> list[str]:
    return [line.text for line in plan.lead if line.text.startswith("For this patient (")]


def cited_text(plan: Plan, numbers: tuple[int, ...]) -> str:
    return " ".join(e.chunk.text for e in plan.evidence if e.n in numbers)


@pytest.mark.integration
def test_a_weight_gives_each_phase_of_the_dose_in_mg(mini_cairn: Cairn) -> None:
    plan = plan_for(mini_cairn, "What dose of velmab for a 70 kg patient?", Intent.DOSE)
    assert patient_lines(plan) == [
        "For this patient (70 kg): velmab loading dose 8 mg/kg is 560 mg (8 mg/kg x 70 kg).",
        "For this patient (70 kg): velmab 6 mg/kg is 420 mg (6 mg/kg x 70 kg), every 3 weeks.",
    ]
    for line in plan.lead:
        assert "mg/kg" in cited_text(plan, line.numbers)


@pytest.mark.integration
def test_the_dose_the_question_states_is_the_one_written(mini_cairn: Cairn) -> None:
    plan = plan_for(mini_cairn, "velmab 6 mg/kg, she weighs 81.5 kg: how many mg?", Intent.DOSE)
    assert patient_lines(plan) == [
        "For this patient (81.5 kg): velmab 6 mg/kg is 489 mg (6 mg/kg x 81.5 kg), every 3 weeks."
    ]


@pytest.mark.integration
@pytest.mark.parametrize(
    "question",
    [
        "What dose of velmab?",  # no size
        "velmab 7 mg/kg for 70 kg: how many mg?",  # no dose of the table: not computed
        "What dose of zorbatinib for a 70 kg patient?",  # a flat dose
    ],
)
def test_no_line_without_a_size_a_known_dose_or_a_per_kg_drug(
    mini_cairn: Cairn, question: str
) -> None:
    assert patient_lines(plan_for(mini_cairn, question, Intent.DOSE)) == []


@pytest.mark.integration
def test_the_answer_with_the_patients_dose_passes_review(mini_cairn: Cairn) -> None:
    answer = mini_cairn.ask("What dose of velmab for a 70 kg patient?")
    assert "420 mg (6 mg/kg x 70 kg)" in answer.text
    assert answer.review.verdict is Verdict.PASS, answer.review.findings


@pytest.mark.integration
def test_a_reduction_level_and_a_body_surface_area_from_height(real_cairn: Cairn) -> None:
    reduced = real_cairn.ask("T-DXd reduced to 4.4 mg/kg, she weighs 58 kg: how many mg?")
    assert "reduced dose 4.4 mg/kg is 255.2 mg" in reduced.text
    assert reduced.review.verdict is Verdict.PASS, reduced.review.findings
    surface = real_cairn.ask("capecitabine dose with tucatinib for a patient 165 cm 70 kg?")
    assert "BSA 1.79 m2 by Mosteller" in surface.text
    assert "1,790 mg (1,000 mg/m2 x 1.79 m2), twice daily on days 1-14" in surface.text
    assert surface.review.verdict is Verdict.PASS, surface.review.findings
