"""A reduction target judged against the reduction steps, on the fictional corpus
(tests/fixtures/mini/rules): zorbatinib 150 mg twice daily, reduced to 100 and then 50 mg. The
table is given a starting-dose range of 75-150 mg here, so that an amount inside the range but
off the steps is told apart. The real labels' rows: test_dose_reductions_corpus.py."""

from dataclasses import replace

import pytest

from guardrails.dose_table import DoseTable
from guardrails.doses import check_doses
from guardrails.records import PatientContext
from tests.guardrails.dose_checks import MINI_RULES, doses, rules_at


def _ranged() -> DoseTable:
    """The mini table with zorbatinib started anywhere from 75 to 150 mg."""
    table = rules_at(MINI_RULES).doses
    rows = tuple(
        replace(r, amounts=(), low=75.0, high=150.0) if r.id == "zorbatinib" else r
        for r in table.rows
    )
    return replace(table, rows=rows)


def ids(answer: str) -> list[str]:
    rules = rules_at(MINI_RULES)
    found = check_doses(doses(rules, answer), _ranged(), rules.lexicon, PatientContext())
    return [f.rule_id for f in found]


@pytest.mark.parametrize(
    "answer",
    [
        "Reduce zorbatinib to 75 mg twice daily.",
        "Zorbatinib is reduced from 100 mg to 75 mg twice daily if the reaction persists.",
        "Zorbatinib was lowered from 150 to 100 and then to 75 mg twice daily.",
        "The zorbatinib dose is decreased to 120 mg twice daily.",
    ],
)
def test_a_reduction_to_an_amount_off_the_steps_is_blocked(answer: str) -> None:
    assert ids(answer) == ["doses.reduction-level"]


def test_the_message_gives_the_steps() -> None:
    rules = rules_at(MINI_RULES)
    answer = "Reduce zorbatinib to 75 mg twice daily."
    [finding] = check_doses(doses(rules, answer), _ranged(), rules.lexicon, PatientContext())
    assert "150 -> 100 -> 50 mg" in finding.message


@pytest.mark.parametrize(
    "answer",
    [
        "Zorbatinib is reduced from 150 mg to 100 mg twice daily.",
        "Reduce zorbatinib to 50 mg twice daily.",
        "Zorbatinib 75 mg twice daily, escalated to 150 mg twice daily if tolerated.",
        "Zorbatinib 75-150 mg twice daily.",
        "Zorbatinib is never reduced below 50 mg twice daily.",
        "Zorbatinib is reduced to 100 mg twice daily and later escalated to 150 mg twice daily.",
        "Zorbatinib 75 mg twice daily.",  # a starting dose inside the range
        "Zorbatinib is restarted at 100 mg twice daily.",  # a restart at a reduction step
    ],
)
def test_steps_escalations_ranges_and_negations_pass(answer: str) -> None:
    assert ids(answer) == []


def test_a_reduction_to_an_adjusted_dose_row_passes() -> None:
    """A row without steps (a dose for an impairment) is a dose the drug may be reduced to."""
    table = _ranged()
    extra = replace(
        table.rows[0], id="zorbatinib-hepatic", amounts=(60.0,), low=None, high=None, reductions=()
    )
    rules = rules_at(MINI_RULES)
    answer = "Reduce zorbatinib to 60 mg twice daily."
    found = check_doses(
        doses(rules, answer),
        replace(table, rows=(*table.rows, extra)),
        rules.lexicon,
        PatientContext(),
    )
    assert [f.rule_id for f in found] == []
