"""The dose table (`corpus/rules/doses.yaml`), loaded and validated.

table = DoseTable.load(Path("corpus/rules/doses.yaml"), lexicon)
table.rows_for("trastuzumab-deruxtecan")
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guardrails.dose_rules import Adjustment, Modification, parse_rules
from guardrails.errors import RulesError
from guardrails.lexicon import Lexicon
from guardrails.yamlio import load_yaml, require, unknown_fields

UNITS = ("mg", "mg/kg", "mg/m2", "units")
PER_KG, PER_M2 = "mg/kg", "mg/m2"
SCHEDULES = {
    "once": 0,
    "weekly": 0,
    "every 2 weeks": 0,
    "every 3 weeks": 0,
    "every 4 weeks": 0,
    "once daily": 1,
    "twice daily": 2,
    "three times daily": 3,
}  # value: administrations per day for daily schedules (0: not a daily schedule)
PHASES = ("loading", "maintenance", "any")
ROUTES = ("iv", "sc", "oral")


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


def parse_days(value: Any) -> frozenset[int] | None:
    """'1-14' -> days 1 to 14; '1, 8' -> days 1 and 8; None when malformed."""
    days: set[int] = set()
    for part in str(value).replace(" and ", ",").split(","):
        bounds = [b.strip() for b in part.split("-")]
        if not all(b.isdigit() for b in bounds) or len(bounds) > 2:
            return None
        low, high = int(bounds[0]), int(bounds[-1])
        if not 1 <= low <= high <= 366:
            return None
        days.update(range(low, high + 1))
    return frozenset(days) or None


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def _fmt(value: float) -> str:
    return f"{value:,.1f}".rstrip("0").rstrip(".") if value % 1 else f"{int(value):,}"


@dataclass(frozen=True)
class BodySize:
    """The adult body sizes an absolute dose of a weight- or surface-area-based drug must fit
    (`plausible_body` in doses.yaml): beyond them no patient could receive that dose."""

    weight_kg: tuple[float, float] = (30.0, 200.0)
    bsa_m2: tuple[float, float] = (1.0, 3.0)

    def span(self, unit: str) -> tuple[float, float]:
        return self.weight_kg if unit == PER_KG else self.bsa_m2


@dataclass(frozen=True)
class DoseTable:
    rows: tuple[DoseRow, ...]
    body: BodySize = BodySize()
    modifications: tuple[Modification, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()

    @classmethod
    def load(cls, path: Path, lexicon: Lexicon) -> DoseTable:
        return cls.from_data(load_yaml(path), lexicon, str(path))

    @classmethod
    def from_data(cls, data: Any, lexicon: Lexicon, origin: str = "doses.yaml") -> DoseTable:
        if not isinstance(data, dict) or not isinstance(data.get("doses"), list):
            raise RulesError([f"{origin}: expected a mapping with a list under 'doses'"])
        problems: list[str] = []
        rows = []
        seen: set[str] = set()
        for i, entry in enumerate(data["doses"]):
            row = _parse_row(entry, f"{origin}: doses[{i}]", lexicon, problems)
            if row is None:
                continue
            if row.id in seen:
                problems.append(f"{origin}: doses[{i}]: id '{row.id}' is used twice")
            seen.add(row.id)
            rows.append(row)
        body = _body(data.get("plausible_body"), origin, problems)
        modifications, adjustments = parse_rules(data, lexicon, origin, problems)
        problems += unknown_fields(data, _TOP, origin)
        if problems:
            raise RulesError(problems)
        return cls(tuple(rows), body, modifications, adjustments)

    def rows_for(self, drug: str) -> list[DoseRow]:
        return [row for row in self.rows if row.drug == drug]

    @property
    def drugs(self) -> set[str]:
        return {row.drug for row in self.rows}


_TOP = {"doses", "plausible_body", "modifications", "adjustments"}
_FIELDS = {
    "id",
    "drug",
    "indication",
    "phase",
    "route",
    "amount",
    "range",
    "unit",
    "schedule",
    "partners",
    "maximum",
    "reductions",
    "other_indication",
    "sources",
    "note",
    "cycle_days",
    "cycle_length_days",
    "reescalation",
    "section",
}


def _body(value: Any, origin: str, problems: list[str]) -> BodySize:
    if value is None:
        return BodySize()
    where = f"{origin}: plausible_body"
    spans: dict[str, tuple[float, float]] = {}
    if not isinstance(value, dict):
        problems.append(f"{where}: expected weight_kg: [low, high] and bsa_m2: [low, high]")
        return BodySize()
    problems += unknown_fields(value, {"weight_kg", "bsa_m2"}, where)
    for key in ("weight_kg", "bsa_m2"):
        raw = value.get(key)
        span: list[Any] = raw if isinstance(raw, list) else []
        if len(span) != 2 or not all(isinstance(v, int | float) and v > 0 for v in span):
            problems.append(f"{where}: '{key}' must be [low, high] with 0 < low < high")
            continue
        if span[0] >= span[1]:
            problems.append(f"{where}: '{key}' must be [low, high] with 0 < low < high")
            continue
        spans[key] = (float(span[0]), float(span[1]))
    return BodySize(**spans)


def _parse_row(entry: Any, where: str, lexicon: Lexicon, problems: list[str]) -> DoseRow | None:
    if not isinstance(entry, dict):
        problems.append(f"{where}: expected a mapping")
        return None
    before = len(problems)
    row_id = require(entry, "id", str, where, problems)
    where = f"{where} ('{row_id}')" if row_id else where
    drug = require(entry, "drug", str, where, problems)
    problems += unknown_fields(entry, _FIELDS, where)
    if drug and lexicon.get(drug) is None:
        problems.append(f"{where}: drug '{drug}' is not an id in lexicon.yaml")
    phase = entry.get("phase", "any")
    route = entry.get("route")
    if phase not in PHASES:
        problems.append(f"{where}: field 'phase' must be one of {', '.join(PHASES)}")
    if route not in ROUTES:
        problems.append(f"{where}: field 'route' must be one of {', '.join(ROUTES)}")
    amounts, units, low, high = _amounts(entry, where, problems)
    schedules = _strings(entry.get("schedule"), "schedule", where, problems)
    for schedule in schedules:
        if schedule not in SCHEDULES:
            problems.append(f"{where}: schedule '{schedule}' must be one of {', '.join(SCHEDULES)}")
    if not schedules:
        problems.append(f"{where}: missing field 'schedule'")
    partners = _strings(entry.get("partners"), "partners", where, problems)
    for partner in partners:
        if lexicon.get(partner) is None:
            problems.append(f"{where}: partner '{partner}' is not an id in lexicon.yaml")
    sources = _strings(entry.get("sources"), "sources", where, problems)
    if not sources:
        problems.append(f"{where}: every dose row names the source ids that back it ('sources')")
    reductions = entry.get("reductions") or []
    maximum = entry.get("maximum")
    if not all(isinstance(r, int | float) for r in reductions):
        problems.append(f"{where}: 'reductions' must be a list of numbers")
        reductions = []
    if maximum is not None and not isinstance(maximum, int | float):
        problems.append(f"{where}: 'maximum' must be a number")
        maximum = None
    # A zero or negative dose is a typo that would make every real dose look wrong.
    given = {
        "amount": amounts,
        "range": (low, high),
        "reductions": reductions,
        "maximum": (maximum,),
    }
    for name, values in given.items():
        if any(v is not None and v <= 0 for v in values):
            problems.append(f"{where}: every number of '{name}' must be greater than 0")
    cycle_days, cycle_length = _cycle(entry, where, problems)
    reescalation = entry.get("reescalation", True)
    if not isinstance(reescalation, bool):
        problems.append(f"{where}: 'reescalation' must be true or false")
    if len(problems) > before:
        return None
    return DoseRow(
        id=str(row_id),
        drug=str(drug),
        indication=str(entry.get("indication", "")),
        phase=str(phase),
        route=str(route),
        amounts=amounts,
        units=units,
        low=low,
        high=high,
        schedules=schedules,
        partners=partners,
        maximum=float(maximum) if maximum is not None else None,
        reductions=tuple(float(r) for r in reductions),
        other_indication=bool(entry.get("other_indication", False)),
        sources=sources,
        note=str(entry.get("note", "")),
        cycle_days=cycle_days,
        cycle_length=cycle_length,
        reescalation=bool(reescalation),
    )


def _cycle(
    entry: dict[str, Any], where: str, problems: list[str]
) -> tuple[frozenset[int], int | None]:
    """'cycle_days: "1-14"' with 'cycle_length_days: 21'; both or neither."""
    days_value, length = entry.get("cycle_days"), entry.get("cycle_length_days")
    if days_value is None and length is None:
        return frozenset(), None
    days = parse_days(days_value) if days_value is not None else None
    if days is None or not isinstance(length, int) or isinstance(length, bool):
        problems.append(
            f'{where}: give \'cycle_days\' (e.g. "1-14" or "1, 8") together with '
            "'cycle_length_days' (a whole number of days, e.g. 21)"
        )
        return frozenset(), None
    if max(days) > length:
        problems.append(f"{where}: 'cycle_days' go beyond the {length}-day cycle")
    return days, length


def _amounts(
    entry: dict[str, Any], where: str, problems: list[str]
) -> tuple[tuple[float, ...], tuple[str, ...], float | None, float | None]:
    unit = entry.get("unit")
    units = tuple(unit) if isinstance(unit, list) else (unit,)
    for u in units:
        if u not in UNITS:
            problems.append(f"{where}: unit '{u}' must be one of {', '.join(UNITS)}")
    if "range" in entry:
        span = entry["range"]
        if not (
            isinstance(span, list)
            and len(span) == 2
            and all(isinstance(v, int | float) for v in span)
        ):
            problems.append(f"{where}: 'range' must be [low, high]")
            return (), units, None, None
        return (), units, float(span[0]), float(span[1])
    amount = entry.get("amount")
    amounts = tuple(amount) if isinstance(amount, list) else (amount,)
    if not all(isinstance(a, int | float) and not isinstance(a, bool) for a in amounts):
        problems.append(
            f"{where}: 'amount' must be a number or a list of numbers (or give 'range')"
        )
        return (), units, None, None
    if len(amounts) != len(units):
        problems.append(f"{where}: 'amount' and 'unit' must have the same number of parts")
    return tuple(float(a) for a in amounts), units, None, None


def _strings(value: Any, field: str, where: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) for v in items):
        problems.append(f"{where}: '{field}' must be text or a list of text")
        return ()
    return tuple(items)
