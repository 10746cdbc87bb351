"""The dose table's rules beyond doses: what to do per adverse reaction and grade
(`modifications`) and how a condition or another drug changes the dose (`adjustments`).

    modifications, adjustments = parse_rules(data, lexicon, "doses.yaml", problems)

Typed models with unknown fields refused, and one error formatter (`schema_problems`): a
misspelt key names the file, the entry and the field.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from guardrails.lexicon import Lexicon


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    drug: str = Field(description="a drug id of lexicon.yaml")
    section: str = Field("", description="the label section the rule comes from")
    sources: tuple[str, ...] = Field(min_length=1, description="source ids that back the rule")
    note: str = ""


class Measure(BaseModel):
    """A measured threshold: platelets 25,000 to under 50,000 /mm3."""

    model_config = ConfigDict(extra="forbid", frozen=True)

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


def schema_problems(exc: ValidationError, where: str) -> list[str]:
    """One line per problem: the entry, the field and what is wrong."""
    problems = []
    for error in exc.errors():
        field = ".".join(str(p) for p in error["loc"]) or "entry"
        message = "unknown field" if error["type"] == "extra_forbidden" else error["msg"]
        problems.append(f"{where}: field '{field}': {message}")
    return problems


def parse_rules(
    data: dict[str, Any], lexicon: Lexicon, origin: str, problems: list[str]
) -> tuple[tuple[Modification, ...], tuple[Adjustment, ...]]:
    modifications = _parse(
        data.get("modifications"), Modification, "modifications", origin, problems
    )
    adjustments = _parse(data.get("adjustments"), Adjustment, "adjustments", origin, problems)
    seen: set[str] = set()
    for rule in (*modifications, *adjustments):
        if lexicon.get(rule.drug) is None:
            problems.append(
                f"{origin}: '{rule.id}': drug '{rule.drug}' is not an id in lexicon.yaml"
            )
        if rule.id in seen:
            problems.append(f"{origin}: id '{rule.id}' is used twice")
        seen.add(rule.id)
    return modifications, adjustments  # type: ignore[return-value]


def _parse(
    value: Any, model: type[_Rule], key: str, origin: str, problems: list[str]
) -> tuple[_Rule, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(f"{origin}: '{key}' must be a list")
        return ()
    rules = []
    for i, entry in enumerate(value):
        where = f"{origin}: {key}[{i}]"
        if isinstance(entry, dict) and entry.get("id"):
            where += f" ('{entry['id']}')"
        try:
            rules.append(model.model_validate(entry))
        except ValidationError as exc:
            problems.extend(schema_problems(exc, where))
    return tuple(rules)
