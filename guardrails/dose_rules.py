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
from guardrails.pathway_when import When
from guardrails.schema import Strict, schema_problems

__all__ = [
    "Adjustment",
    "Administration",
    "Measure",
    "Missed",
    "Modification",
    "Resolved",
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


class Resolved(Strict):
    """How long the reaction took to resolve, from onset, for a modification row to apply
    (ENHERTU: 'resolved in 28 days or less' keeps the dose, 'more than 28 days' lowers it)."""

    at_most_days: float | None = Field(None, gt=0, description="resolved in this many or fewer")
    over_days: float | None = Field(None, gt=0, description="resolved in more than this many")

    @model_validator(mode="after")
    def _one(self) -> Resolved:
        if (self.at_most_days is None) == (self.over_days is None):
            raise ValueError("give one of 'at_most_days' or 'over_days'")
        return self

    @property
    def limit(self) -> float:
        return self.at_most_days if self.at_most_days is not None else self.over_days  # type: ignore[return-value]

    def allows(self, days: tuple[float, float]) -> bool | None:
        """Whether a resolution time of `days` (low, high) meets the condition: None when the
        span lies on both sides of the limit."""
        inside = [d <= self.limit for d in days]
        if all(inside) or not any(inside):
            return inside[0] == (self.at_most_days is not None)
        return None

    def describe(self) -> str:
        if self.at_most_days is not None:
            return f"resolved in {self.limit:g} days or less"
        return f"resolved in more than {self.limit:g} days"


class Missed(Strict):
    """What a dose row's label gives when a dose is missed or delayed (`missed:` on a row): the
    missed dose as soon as possible, and past `weeks` the loading row `reload` again first."""

    reload: str | None = Field(
        None, description="id of the loading row given again past `weeks`; omitted: never re-loaded"
    )
    weeks: float | None = Field(None, gt=0, description="the delay that brings the reload")
    counted: Literal["since-last-dose", "past-due"] = Field(
        "since-last-dose",
        description="`weeks` counted from the last dose given, or from the date the missed one "
        "was due",
    )
    bound: Literal["at-least", "more-than"] = Field(
        "at-least", description="'6 weeks or more' (at-least) or 'more than one week'"
    )
    except_with: tuple[LexiconId, ...] = Field(
        (), description="partners whose own label gives another rule: named, this one is silent"
    )
    sources: tuple[str, ...] = Field(min_length=1, description="source ids that state the rule")

    @model_validator(mode="after")
    def _together(self) -> Missed:
        if (self.reload is None) != (self.weeks is None):
            raise ValueError("give 'reload' (a loading row id) together with 'weeks'")
        return self

    def reloads(self, days_late: tuple[float, float], interval_days: float) -> bool | None:
        """Whether a dose `days_late` past its due date (low, high) brings the reload; None when
        the span lies on both sides of the threshold. A row dosed every `interval_days` was
        due that long after the last dose."""
        if self.weeks is None:
            return False
        shift = interval_days if self.counted == "since-last-dose" else 0.0
        threshold = self.weeks * 7 - shift
        past = [d >= threshold if self.bound == "at-least" else d > threshold for d in days_late]
        return past[0] if all(past) or not any(past) else None


class Modification(_Rule):
    """One row of a label's dose-modification table: an adverse reaction at a grade or
    threshold, and the action."""

    reaction: str
    criterion: str
    measure: Measure | None = None
    resolved: Resolved | None = Field(
        None, description="how long the reaction took to resolve for the row to apply"
    )
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
    when: When = Field(
        default_factory=dict,
        description="the patient facts (rules/facts.yaml) under which the row applies to a "
        "patient, as pathway conditions write them; with `taking`, both must hold",
    )
    taking: tuple[LexiconId, ...] = Field(
        (), description="concomitant drugs, or classes whose members count, the row is for"
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
