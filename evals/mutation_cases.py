"""The records of the mutation suite (`evals/mutations.py`) and what its operators share.

    base = Base("drug-x", "drug X", "Drug X 6 mg/kg every 3 weeks.", 6.0, "mg/kg", (7, 14))
    fault("dose x2", "dose", base.with_amount("12 mg/kg"))

A `Case` is one statement to review: a fault (`fault`) the review must flag, or a clean
rewording (`clean`) it must pass. A `Base` is a correct dose statement the operators change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from guardrails.dose_table import DoseRow
from guardrails.records import Passage
from guardrails.rules import RuleBook


@dataclass(frozen=True)
class Case:
    operator: str  # "dose x2", "clean: brand name", ...
    family: str  # dose | schedule | pathway | evidence | clean
    text: str
    faulty: bool
    question: str = ""
    context: tuple[tuple[str, str], ...] = ()
    passages: tuple[Passage, ...] = ()
    grounded: bool = False


@dataclass(frozen=True)
class Base:
    """A correct dose statement and where its parts are."""

    drug: str
    name: str
    text: str
    amount: float
    unit: str
    span: tuple[int, int]  # the amount and unit
    row: DoseRow | None = None  # set for statements rendered from the table
    origin: str = "table"

    def with_amount(self, amount_text: str) -> str:
        return self.text[: self.span[0]] + amount_text + self.text[self.span[1] :]


def fault(operator: str, family: str, text: str, **extra: Any) -> Case:
    return Case(operator, family, text, True, **extra)


def clean(kind: str, text: str, **extra: Any) -> Case:
    return Case(f"clean: {kind}", "clean", text, False, **extra)


def fmt(value: float) -> str:
    """An amount as a statement writes it: '1,000', '7.5', '6'."""
    if value >= 100:
        return f"{round(value):,}"
    return f"{value:.1f}" if value % 1 else f"{int(value)}"


def as_written(value: float) -> float:
    """The amount a statement states for `value` (rounded as `fmt` writes it)."""
    return float(fmt(value).replace(",", ""))


def capital(text: str) -> str:
    """The text with its first letter capitalised and the rest kept ('T-DXd', not 'T-dxd')."""
    return text[0].upper() + text[1:]


def allowed(rules: RuleBook, drug: str, amount: float, unit: str) -> bool:
    """Whether some row of the dose table allows the amount: such a mutant is not a fault."""
    return any(r.allows(amount, unit, True) for r in rules.doses.rows_for(drug))
