"""The dose table's rules beyond doses: what to do per adverse reaction and grade
(`modifications`) and how a condition or another drug changes the dose (`adjustments`).
Typed records of `doses.yaml` (read by `guardrails.dose_file`), their drugs checked against
the lexicon given as validation context.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from guardrails.fields import LexiconId
from guardrails.schema import Strict, schema_problems

__all__ = [
    "Adjustment",
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
