"""What the mutation operators share: amounts written as a statement writes them, and read
back; names capitalised without losing their other capitals; doses the table allows."""

from __future__ import annotations

import pytest

from evals.mutation_cases import Base, allowed, as_written, capital, fmt
from guardrails.rules import RuleBook
from tests.conftest import FIXTURES


@pytest.mark.parametrize(
    ("value", "written", "read_back"),
    [(6.0, "6", 6.0), (7.5, "7.5", 7.5), (840.0, "840", 840.0), (1333.3, "1,333", 1333.0)],
)
def test_an_amount_is_written_rounded_and_read_back_without_its_comma(
    value: float, written: str, read_back: float
) -> None:
    assert fmt(value) == written
    assert as_written(value) == read_back


def test_capital_keeps_the_other_capitals() -> None:
    assert capital("t-DXd") == "T-DXd"


def test_with_amount_replaces_only_the_amount() -> None:
    base = Base("x", "drug x", "Drug x 6 mg/kg every 3 weeks.", 6.0, "mg/kg", (7, 14))
    assert base.with_amount("12 mg/kg") == "Drug x 12 mg/kg every 3 weeks."


def test_a_dose_the_table_allows_is_not_a_fault() -> None:
    rules = RuleBook.load(FIXTURES / "mini" / "rules")
    row = next(r for r in rules.doses.rows if len(r.amounts) == 1 and not r.other_indication)
    assert allowed(rules, row.drug, row.amounts[0], row.unit)
    assert not allowed(rules, row.drug, row.amounts[0] * 10, row.unit)
