"""Checking a rule's `when` conditions against the corpus's fact schema: every key is a fact,
every value one the fact can take, every therapy an id of the lexicon. Each problem says the
fix; the pathway's loader reports them under the entry's `when` field.

    when_problems({"ild_history": "yes"}, schema)
    # -> ["condition 'ild_history': 'yes' is not true or false"]
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StrictFloat, ValidationError, ValidationInfo

from guardrails.facts import FactSchema, FactSpec
from guardrails.schema import Strict, issues_of, unknown_id

_FIX = "declare it in rules/facts.yaml or use one of"
Number = StrictFloat  # strict: a quoted "45" is text, not a number


class _Fall(Strict):
    from_: str = Field(alias="from", description="the fact whose earlier value it fell from")
    min: Number | None = None
    max: Number | None = None


class _Range(Strict):
    """{min, max}, inclusive; with `fall`, a fall from another fact's earlier value as well."""

    min: Number | None = None
    max: Number | None = None
    fall: _Fall | None = None


def when_problems(
    when: dict[str, Any], facts: FactSchema, lexicon: Collection[str] | None = None
) -> list[str]:
    problems = []
    for key, value in when.items():
        spec = facts.get(str(key))
        if spec is None:
            known = ", ".join(facts.ids) or "none (rules/facts.yaml declares no facts)"
            problems.append(f"unknown condition '{key}' ({_FIX}: {known})")
            continue
        problem = _value_problem(spec, value, facts, lexicon)
        if problem:
            problems.append(f"condition '{key}': {problem}")
    return problems


def _value_problem(
    spec: FactSpec, value: Any, facts: FactSchema, lexicon: Collection[str] | None
) -> str:
    if spec.type == "therapies":
        if not isinstance(value, list):
            return "expected a list of lexicon ids"
        wrong = [v for v in value if lexicon is not None and v not in lexicon]
        return unknown_id(str(wrong[0]), lexicon or (), "lexicon.yaml") if wrong else ""
    if spec.type == "boolean":
        return "" if isinstance(value, bool) else f"{value!r} is not true or false"
    items = value if isinstance(value, list) else [value]
    if spec.type == "enum":
        wrong = [v for v in items if v not in spec.values]
        return f"{wrong[0]!r} is not one of {', '.join(spec.values)}" if wrong else ""
    if isinstance(value, dict):
        return _range_problem(value, facts)
    wrong = [v for v in items if not _number(v)]
    if wrong:
        unit = f" (in {spec.unit})" if spec.unit else ""
        return f"{wrong[0]!r} is not a number{unit}, a list of numbers or {{min, max}}"
    return ""


def _range_problem(value: dict[str, Any], facts: FactSchema) -> str:
    """A range {min, max}, and optionally a fall from another fact's value
    ({max: 45, fall: {from: lvef_baseline, min: 10}})."""
    try:
        fall = _Range.model_validate(value).fall
    except ValidationError as exc:
        return "; ".join(issue.message for issue in issues_of(exc, _Range))
    numbers = [f.id for f in facts.facts if f.type in ("number", "interval")]
    if fall is not None and fall.from_ not in numbers:
        return f"fall: 'from' must name a fact ({', '.join(numbers)})"
    return ""


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _checked(value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
    context = info.context or {}
    if "facts" in context and context["facts"] is None:
        return value  # no valid schema to check against: its loader reports why
    problems = when_problems(value, context.get("facts") or FactSchema(), context.get("lexicon"))
    if problems:
        raise ValueError("; ".join(problems))
    return value


# A rule's conditions, checked against the schema and lexicon given as validation context.
When = Annotated[dict[str, Any], AfterValidator(_checked)]
