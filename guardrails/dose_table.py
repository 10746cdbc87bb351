"""The dose table (`corpus/rules/doses.yaml`), loaded and validated (the file's typed
records are in `guardrails.dose_file`).

table = DoseTable.load(Path("corpus/rules/doses.yaml"), lexicon)
table.rows_for("trastuzumab-deruxtecan")
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guardrails.dose_file import SCHEDULES, BodySize, DoseEntry, DoseFile, parse_days
from guardrails.dose_rules import Adjustment, Administration, Missed, Modification
from guardrails.facts import FactSchema
from guardrails.lexicon import Lexicon
from guardrails.schema import duplicates, parse
from guardrails.yamlio import read_yaml

__all__ = ["PER_KG", "PER_M2", "SCHEDULES", "BodySize", "DoseRow", "DoseTable", "parse_days"]

PER_KG, PER_M2 = "mg/kg", "mg/m2"


@dataclass(frozen=True)
class DoseRow:
    id: str
    drug: str
    indication: str
    phase: str
    route: str
    amounts: tuple[float, ...]  # one per part (several for fixed-dose combination products)
    units: tuple[str, ...]
    low: float | None  # a range instead of fixed amounts
    high: float | None
    schedules: tuple[str, ...]
    partners: tuple[str, ...]
    maximum: float | None
    reductions: tuple[float, ...]
    other_indication: bool
    sources: tuple[str, ...]
    note: str
    cycle_days: frozenset[int] = frozenset()  # days of the cycle it is given; empty: every day
    cycle_length: int | None = None  # days
    reescalation: bool = True  # False: a reduced dose is never increased again
    administration: Administration | None = None  # how long one administration takes
    food: str | None = None  # fasting | fed | any: how an oral dose is taken with meals
    missed: Missed | None = None  # what the label gives after a missed or delayed dose

    @property
    def intermittent(self) -> bool:
        """Given on some days of its cycle only ('days 1-14 of a 21-day cycle')."""
        return (
            bool(self.cycle_days)
            and self.cycle_length is not None
            and (len(self.cycle_days) < self.cycle_length)
        )

    def describe_cycle(self) -> str:
        return f"on days {describe_days(self.cycle_days)} of each {self.cycle_length}-day cycle"

    @property
    def unit(self) -> str:
        return self.units[0]

    def allows(self, amount: float, unit: str, reduced: bool) -> bool:
        """Whether `amount` in `unit` is a dose of this row (a reduction step only if `reduced`)."""
        for part_amount, part_unit in zip(self.amounts, self.units, strict=False):
            if part_unit == unit and _same(amount, part_amount):
                return True
        in_range = self.low is not None and self.high is not None and unit == self.unit
        if in_range and self.low - 1e-9 <= amount <= self.high + 1e-9:  # type: ignore[operator]
            return True
        return reduced and unit == self.unit and any(_same(amount, r) for r in self.reductions)

    def describe(self) -> str:
        if self.low is not None:
            amount = f"{_fmt(self.low)}-{_fmt(self.high or self.low)} {self.unit}"
        else:
            amount = " / ".join(
                f"{_fmt(a)} {u}" for a, u in zip(self.amounts, self.units, strict=True)
            )
        phase = f"{self.phase} " if self.phase != "any" else ""
        return f"{phase}{amount} {' or '.join(self.schedules)}".strip()


def describe_days(days: frozenset[int]) -> str:
    """{1, 2, ..., 14} -> '1-14'; {1, 8} -> '1 and 8'."""
    ordered = sorted(days)
    if len(ordered) > 2 and ordered[-1] - ordered[0] + 1 == len(ordered):
        return f"{ordered[0]}-{ordered[-1]}"
    return " and ".join(str(d) for d in ordered)


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def _fmt(value: float) -> str:
    return f"{value:,.1f}".rstrip("0").rstrip(".") if value % 1 else f"{int(value):,}"


@dataclass(frozen=True)
class DoseTable:
    rows: tuple[DoseRow, ...]
    body: BodySize = field(default_factory=BodySize)
    modifications: tuple[Modification, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()

    @classmethod
    def load(cls, path: Path, lexicon: Lexicon, facts: FactSchema | None = None) -> DoseTable:
        data, text = read_yaml(path)
        return cls.from_data(data, lexicon, str(path), text, facts)

    @classmethod
    def from_data(
        cls,
        data: Any,
        lexicon: Lexicon,
        origin: str = "doses.yaml",
        text: str | None = None,
        facts: FactSchema | None = None,
    ) -> DoseTable:
        """The table; RulesError naming the file, entry and field of every problem. An
        adjustment's `when` keys are checked against `facts` (not checked without it)."""
        issues = duplicates(data, "doses") + duplicates(data, "modifications", "adjustments")
        context = {"lexicon": lexicon.concepts, "facts": facts}
        spec = parse(DoseFile, data, origin, context=context, text=text, issues=issues)
        rows = tuple(_row(entry) for entry in spec.doses)
        return cls(rows, spec.plausible_body, spec.modifications, spec.adjustments)

    def row(self, row_id: str) -> DoseRow | None:
        return next((r for r in self.rows if r.id == row_id), None)

    def rows_for(self, drug: str) -> list[DoseRow]:
        return [row for row in self.rows if row.drug == drug]

    @property
    def drugs(self) -> set[str]:
        return {row.drug for row in self.rows}


def _row(entry: DoseEntry) -> DoseRow:
    low, high = entry.range or (None, None)
    return DoseRow(
        id=entry.id,
        drug=entry.drug,
        indication=entry.indication,
        phase=entry.phase,
        route=entry.route,
        amounts=entry.amount or (),
        units=entry.unit,
        low=low,
        high=high,
        schedules=entry.schedule,
        partners=entry.partners,
        maximum=entry.maximum,
        reductions=entry.reductions,
        other_indication=entry.other_indication,
        sources=entry.sources,
        note=entry.note,
        cycle_days=entry.cycle_days or frozenset(),
        cycle_length=entry.cycle_length_days,
        reescalation=entry.reescalation,
        administration=entry.administration,
        food=entry.food,
        missed=entry.missed,
    )
