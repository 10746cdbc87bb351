"""`doses.yaml` as typed records: what a file may say, checked field by field against the
lexicon (the runtime table is `guardrails.dose_table`).

    spec = parse(DoseFile, data, "doses.yaml", context={"lexicon": lexicon})
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from guardrails.dose_rules import Adjustment, Administration, Missed, Modification
from guardrails.fields import LexiconId
from guardrails.schema import Strict

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


def _listed(value: Any) -> Any:
    """One value or a list of them: `unit: mg` and `unit: [mg, units]`."""
    return value if value is None or isinstance(value, list | tuple) else [value]


def _schedule(value: str) -> str:
    if value not in SCHEDULES:
        raise ValueError(f"'{value}' is not a schedule; use one of {', '.join(SCHEDULES)}")
    return value


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


def _days(value: Any) -> frozenset[int] | None:
    if value is None:
        return None
    days = parse_days(value)
    if days is None:
        raise ValueError(f'{value!r} is not a set of days; write them like "1-14" or "1, 8"')
    return days


Positive = Annotated[float, Field(gt=0)]
Unit = Literal["mg", "mg/kg", "mg/m2", "units"]
Listed = BeforeValidator(_listed)


def _span(value: tuple[float, float]) -> tuple[float, float]:
    if value[0] >= value[1]:
        raise ValueError(f"[{value[0]:g}, {value[1]:g}] must be [low, high] with low < high")
    return value


Span = Annotated[tuple[Positive, Positive], AfterValidator(_span)]


class BodySize(Strict):
    """The adult body sizes an absolute dose of a weight- or surface-area-based drug must fit
    (`plausible_body` in doses.yaml): beyond them no patient could receive that dose."""

    weight_kg: Span = (30.0, 200.0)
    bsa_m2: Span = (1.0, 3.0)

    def span(self, unit: str) -> tuple[float, float]:
        return self.weight_kg if unit == "mg/kg" else self.bsa_m2


class DoseEntry(Strict):
    """One row of `doses:` as the file writes it (the fields are described in doses.yaml)."""

    id: str = Field(min_length=1)
    drug: LexiconId
    indication: str = ""
    phase: Literal["loading", "maintenance", "any"] = "any"
    route: Literal["iv", "sc", "oral"]
    amount: Annotated[tuple[Positive, ...] | None, Listed] = None
    range: Span | None = None
    unit: Annotated[tuple[Unit, ...], Listed]
    schedule: Annotated[tuple[Annotated[str, AfterValidator(_schedule)], ...], Listed]
    partners: Annotated[tuple[LexiconId, ...], Listed] = ()
    maximum: Positive | None = None
    reductions: tuple[Positive, ...] = ()
    other_indication: bool = False
    sources: Annotated[tuple[str, ...], Listed] = Field(min_length=1)
    note: str = ""
    cycle_days: Annotated[frozenset[int] | None, BeforeValidator(_days)] = None
    cycle_length_days: int | None = Field(None, ge=1, le=366)
    reescalation: bool = True
    administration: Administration | None = None
    food: Literal["fasting", "fed", "any"] | None = Field(
        None, description="taken on an empty stomach, with food, or either (oral drugs)"
    )
    missed: Missed | None = Field(
        None, description="what the label gives after a missed or delayed dose of this row"
    )
    section: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> DoseEntry:
        if (self.amount is None) == (self.range is None):
            raise ValueError("give either 'amount' (a number, or one per part) or 'range'")
        if self.amount is not None and len(self.amount) != len(self.unit):
            raise ValueError("'amount' and 'unit' must have the same number of parts")
        if (self.cycle_days is None) != (self.cycle_length_days is None):
            raise ValueError(
                'give \'cycle_days\' (e.g. "1-14" or "1, 8") together with '
                "'cycle_length_days' (a whole number of days, e.g. 21)"
            )
        length = self.cycle_length_days
        if self.cycle_days and length is not None and max(self.cycle_days) > length:
            raise ValueError(f"'cycle_days' go beyond the {length}-day cycle")
        return self


class DoseFile(Strict):
    doses: tuple[DoseEntry, ...]
    plausible_body: BodySize = BodySize()
    modifications: tuple[Modification, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()

    @model_validator(mode="after")
    def _reloads(self) -> DoseFile:
        """A row's `missed.reload` names a loading row of the same drug."""
        loading = {(r.id, r.drug) for r in self.doses if r.phase == "loading"}
        for row in self.doses:
            reload = row.missed.reload if row.missed else None
            if reload is not None and (reload, row.drug) not in loading:
                raise ValueError(
                    f"dose row '{row.id}': missed.reload '{reload}' is not a loading row of "
                    f"{row.drug}; name the id of its 'phase: loading' row"
                )
        return self
