"""The dose table's rules beyond doses: what to do per adverse reaction and grade
(`modifications`) and how a condition or another drug changes the dose (`adjustments`).
Typed records of `doses.yaml` (read by `guardrails.dose_file`), their drugs checked against
the lexicon given as validation context.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from guardrails.fields import LexiconId
from guardrails.schema import Strict, schema_problems

__all__ = [
    "Adjustment",
    "Administration",
    "Measure",
    "Modification",
    "schema_problems",
]  # schema_problems: weights.py


class _Rule(Strict):
    id: str = Field(min_length=1)
    drug: LexiconId = Field(description="a drug id of lexicon.yaml")
    section: str = Field("", description="the label section the rule comes from")
    sources: tuple[str, ...] = Field(min_length=1, description="source ids that back the rule")
    note: str = ""


class Measure(Strict):
    """A measured threshold: platelets 25,000 to under 50,000 /mm3."""

    name: str
    unit: str
    low: float | None = None
    high: float | None = None


class Modification(_Rule):
    """One row of a label's dose-modification table: an adverse reaction at a grade or
    threshold, and the action."""

    reaction: str
    criterion: str
    measure: Measure | None = None
    action: Literal["hold", "reduce", "discontinue", "continue"]
    resume_when: str = ""
    resume_level: Literal["same", "one-lower", "n/a"] = "n/a"
    recheck: str = Field("", description="when to measure again, e.g. 'within 3 weeks'")


class Adjustment(_Rule):
    """A dose change for a condition: hepatic or renal impairment, an interacting drug."""

    condition: str
    kind: Literal["hepatic", "renal", "interaction", "other"]
    action: str
    partners: tuple[LexiconId, ...] = Field(
        (), description="drugs or regimens the adjustment applies with; omitted: any"
    )


def _duration(value: float | tuple[float, float | None]) -> float | tuple[float, float | None]:
    if isinstance(value, tuple) and value[1] is not None and value[0] >= value[1]:
        raise ValueError(f"[{value[0]:g}, {value[1]:g}] must be [low, high] with low < high")
    return value


Span = tuple[float, float]  # low, high minutes (high inf: "at least low")
_Positive = Annotated[float, Field(gt=0)]
Minutes = Annotated[
    _Positive | tuple[_Positive, _Positive | None],
    AfterValidator(_duration),
]  # 90; [30, 90] (a range); [30, null] (at least 30)


class Administration(Strict):
    """How long one administration of a dose row takes, in minutes, as the label gives it:
    `minutes` for every administration of the row, or `first_minutes` and `later_minutes`
    when the first infusion is longer than later ones."""

    minutes: Minutes | None = None
    first_minutes: Minutes | None = None
    later_minutes: Minutes | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Administration:
        every = self.minutes is not None
        first, later = self.first_minutes is not None, self.later_minutes is not None
        if every == (first or later) or first != later:
            raise ValueError(
                "give 'minutes' (every administration), or 'first_minutes' together with "
                "'later_minutes'"
            )
        return self

    def spans(self, phase: str) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
        """The (low, high) minutes of the first and of later administrations of a row in
        `phase`: a loading row's time is the first one, a maintenance row's the later ones."""
        if self.minutes is None:
            return (_span(self.first_minutes),), (_span(self.later_minutes),)
        every = (_span(self.minutes),)
        return (every if phase != "maintenance" else ()), (every if phase != "loading" else ())


def _span(value: float | tuple[float, float | None] | None) -> Span:
    if isinstance(value, tuple):
        return value[0], math.inf if value[1] is None else value[1]
    return float(value or 0), float(value or 0)
