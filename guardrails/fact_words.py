"""Patient facts in words, as the corpus's fact schema describes them (`describe` in
`corpus/rules/facts.yaml`), and the populations they imply.

    describe_facts(context, schema, lexicon)  # ["HER2-positive", "progressed on THP", ...]
"""

from __future__ import annotations

from typing import Any

from guardrails.facts import FactSchema, FactSpec
from guardrails.lexicon import Lexicon
from guardrails.records import Fact, FactStatus, PatientContext


def describe_facts(
    context: PatientContext, schema: FactSchema, lexicon: Lexicon, therapies: bool = True
) -> list[str]:
    """The known facts in words, in the schema's order; `therapies=False` leaves the lists of
    therapies out."""
    parts: list[str] = []
    for spec in schema.facts:
        if spec.type == "therapies":
            given = context.therapies.get(spec.id, ())
            if therapies and given and isinstance(spec.describe, str) and spec.describe:
                parts.append(spec.describe.format(value=", ".join(map(lexicon.label, given))))
            continue
        text = _words(spec, context.fact(spec.id))
        if text:
            parts.append(text)
    return parts


def _words(spec: FactSpec, fact: Fact[Any]) -> str:
    if isinstance(spec.describe, str):
        if spec.describe and fact.status is FactStatus.STATED and fact.value is not None:
            return spec.describe.format(value=_value(fact.value))
        return ""
    for key in _keys(spec, fact):
        if key in spec.describe:
            return spec.describe[key].format(value=_value(fact.value))
    return ""


def _keys(spec: FactSpec, fact: Fact[Any]) -> list[str]:
    if fact.status is FactStatus.UNKNOWN or fact.status is FactStatus.UNCERTAIN:
        return []
    if spec.type == "boolean":
        if fact.is_true:
            return ["true"]
        return ["false"] if fact.status is FactStatus.NEGATED or fact.value is False else []
    keys = [] if fact.value is None else [str(fact.value)]
    return [*keys, fact.status.value]


def _value(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def populations(context: PatientContext, schema: FactSchema) -> set[str]:
    """The lexicon ids of the populations the stated facts imply (`population` in the schema:
    by value, or 'stated' for any stated value)."""
    found = set()
    for spec in schema.facts:
        fact = context.fact(spec.id)
        if not spec.population or fact.status is not FactStatus.STATED:
            continue
        for key in (
            str(fact.value).lower() if isinstance(fact.value, bool) else str(fact.value),
            "stated",
        ):
            if key in spec.population:
                found.add(spec.population[key])
    return found
