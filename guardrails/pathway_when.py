"""Checking a rule's `when` conditions against the corpus's fact schema: every key is a fact,
every value one the fact can take. Each problem names the entry, the key and the fix.

    when_problems({"ild_history": "yes"}, schema, "pathway.yaml: contraindications[0]")
    # -> ["pathway.yaml: contraindications[0]: when.ild_history: 'yes' is not true or false ..."]
"""

from __future__ import annotations

from typing import Any

from guardrails.facts import FactSchema, FactSpec
from guardrails.yamlio import unknown_fields

_FIX = "declare it in rules/facts.yaml or use one of"


def when_problems(when: dict[str, Any], facts: FactSchema, where: str) -> list[str]:
    problems = []
    for key, value in when.items():
        spec = facts.get(str(key))
        if spec is None:
            known = ", ".join(facts.ids) or "none (rules/facts.yaml declares no facts)"
            problems.append(f"{where}: unknown condition '{key}' ({_FIX}: {known})")
            continue
        problem = _value_problem(spec, value, facts)
        if problem:
            problems.append(f"{where}: when.{key}: {problem}")
    return problems


def _value_problem(spec: FactSpec, value: Any, facts: FactSchema) -> str:
    if spec.type == "therapies":
        return "" if isinstance(value, list) else "expected a list of lexicon ids"
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
    problems = [p for p in unknown_fields(value, ("min", "max", "fall"), "") if p]
    problems += [
        f"'{k}' must be a number" for k in ("min", "max") if k in value and not _number(value[k])
    ]
    fall = value.get("fall")
    if fall is not None:
        numbers = [f.id for f in facts.facts if f.type in ("number", "interval")]
        if not isinstance(fall, dict) or fall.get("from") not in numbers:
            problems.append(f"fall: 'from' must name a fact ({', '.join(numbers)})")
        else:
            problems += unknown_fields(fall, ("from", "min", "max"), "fall")
    return "; ".join(p.removeprefix(": ") for p in problems)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
