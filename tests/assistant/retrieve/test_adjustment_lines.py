"""The dose adjustments that apply to this patient: a row's `when` facts or `taking` drugs met
by the question give Cairn's own line with the row's action, cited to the row's sources."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.pipeline import Cairn
from assistant.retrieve.plan import Plan
from assistant.understand.intent import Intent
from guardrails.errors import RulesError
from guardrails.records import Verdict
from guardrails.rules import RuleBook
from tests.assistant.retrieve.test_backing import plan_for
from tests.conftest import FIXTURES


def adjustment_lines(plan: Plan) -> list[str]:
    return [line.text for line in plan.lead if line.text.startswith("For this patient (")]


def cited_sources(plan: Plan) -> set[str]:
    numbers = {n for line in plan.lead for n in line.numbers}
    return {e.source.id for e in plan.evidence if e.n in numbers}


@pytest.mark.integration
@pytest.mark.parametrize(
    ("question", "line"),
    [
        (
            "zorbatinib dose, Child-Pugh C?",
            "For this patient (severe hepatic impairment, Child-Pugh C): zorbatinib: reduce to "
            "50 mg twice daily.",
        ),
        (
            "zorbatinib dose, CrCl 42 mL/min?",
            "For this patient (creatinine clearance 30 to 50 mL/min): zorbatinib: start at 50% "
            "of the dose.",
        ),
        (
            "she needs fictazole for a fungal infection: zorbatinib dose?",
            "For this patient (strong widgetase inhibitor: fictazole): zorbatinib: reduce to "
            "100 mg twice daily.",
        ),
    ],
)
def test_the_row_the_question_meets_is_the_lead(
    mini_cairn: Cairn, question: str, line: str
) -> None:
    plan = plan_for(mini_cairn, question, Intent.DOSE)
    assert adjustment_lines(plan) == [line]
    assert cited_sources(plan) == {"zorbatinib-label"}


@pytest.mark.integration
@pytest.mark.parametrize(
    "question",
    [
        "zorbatinib dose?",  # no condition
        "zorbatinib dose, Child-Pugh A?",  # another class than the row's
        "zorbatinib dose, CrCl 75 mL/min?",  # outside the row's range
        "zorbatinib dose, no fictazole?",  # negated
    ],
)
def test_no_line_when_the_question_does_not_meet_a_row(mini_cairn: Cairn, question: str) -> None:
    assert adjustment_lines(plan_for(mini_cairn, question, Intent.DOSE)) == []


@pytest.mark.integration
def test_the_adjustment_opens_the_answer_and_passes_review(mini_cairn: Cairn) -> None:
    answer = mini_cairn.ask("zorbatinib dose in severe hepatic impairment (Child-Pugh C)?")
    assert answer.text.startswith("For this patient (severe hepatic impairment, Child-Pugh C)")
    assert answer.review.verdict is Verdict.PASS, answer.review.findings


def test_when_keys_are_checked_against_the_fact_schema(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(FIXTURES / "mini" / "rules", folder)
    doses = folder / "doses.yaml"
    doses.write_text(doses.read_text().replace("when: {child_pugh: severe}", "when: {liver: bad}"))
    with pytest.raises(RulesError) as error:
        RuleBook.load(folder)
    assert "unknown condition 'liver'" in str(error.value)
    assert "child_pugh" in str(error.value)  # the facts it could be


@pytest.mark.integration
@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("tuca/cape/H planned, Child-Pugh C. tucatinib starting dose?", "start at 200 mg"),
        ("tykerb + xeloda, she needs itraconazole. lapatinib dose?", "reduce to 500 mg"),
        ("eribulin, CrCl 38 mL/min. dose?", "1.1 mg/m2"),
    ],
)
def test_label_adjustments_lead_the_real_answer(
    real_cairn: Cairn, question: str, expected: str
) -> None:
    answer = real_cairn.ask(question)
    lead = [s for s in answer.text.split("\n") if "For this patient (" in s]
    assert lead and expected in lead[0]
    assert answer.review.verdict is Verdict.PASS, answer.review.findings
