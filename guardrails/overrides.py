"""Patient facts set by the user: `--context K=V` on the command line, the UI's fields. The keys
and the values they take are the corpus's fact schema (`corpus/rules/facts.yaml`).

parse_override("ild_history", "true", lexicon, schema)  # -> Fact(value=True, status=STATED)
"""

from __future__ import annotations

from typing import Any

from guardrails.errors import CairnError
from guardrails.facts import FactSchema, FactSpec, schema_of
from guardrails.lexicon import Lexicon
from guardrails.records import Fact, FactStatus

USER = "set by user"


def parse_override(
    key: str, value: str, lexicon: Lexicon | None, schema: FactSchema | None = None
) -> Any:
    """The record value for a user-set fact (a `Fact`, or a tuple of lexicon ids for a list of
    therapies); unknown keys and bad values name the fix. Without a lexicon, therapy names are
    not read (an empty tuple)."""
    if schema is None:
        schema = schema_of(lexicon) if lexicon is not None else FactSchema()
    spec = schema.get(key)
    if spec is None:
        known = ", ".join(schema.ids) or "none: the corpus declares no facts in rules/facts.yaml"
        raise CairnError(f"Unknown patient fact '{key}'.", f"Use one of: {known}.")
    raw = value.strip().lower()
    if spec.type == "therapies":
        if lexicon is None:
            return ()
        found = [m.concept_id for part in value.split(",") for m in lexicon.find(part)]
        return tuple(dict.fromkeys(found))
    if raw in ("", "unknown"):
        return Fact()
    if spec.type == "enum":
        return _enum(spec, value, raw)
    if spec.type == "boolean":
        if raw not in ("true", "false", "yes", "no"):
            raise CairnError(
                f"'{value}' is not true or false for {key}.", f"Write {key}=true or {key}=false."
            )
        truth = raw in ("true", "yes")
        return Fact(
            value=truth, status=FactStatus.STATED if truth else FactStatus.NEGATED, evidence=USER
        )
    return _number(spec, value, raw)


def _enum(spec: FactSpec, value: str, raw: str) -> Fact[Any]:
    if raw not in spec.values:
        raise CairnError(
            f"'{value}' is not a value of {spec.id}.", f"Use one of: {', '.join(spec.values)}."
        )
    negated = raw == spec.read.negated_value
    return Fact(
        value=raw, status=FactStatus.NEGATED if negated else FactStatus.STATED, evidence=USER
    )


def _number(spec: FactSpec, value: str, raw: str) -> Fact[Any]:
    low, high = spec.bounds or (float("-inf"), float("inf"))
    key = spec.id
    try:
        number = float(raw.rstrip("%"))
    except ValueError:
        raise CairnError(
            f"'{value}' is not a number for {key}.", f"Write a number, e.g. {key}={low}."
        ) from None
    if not low <= number <= high:
        raise CairnError(f"{key}={value} is outside {low}-{high}.", "Check the value and its unit.")
    return Fact(
        value=int(number) if spec.integer else number, status=FactStatus.STATED, evidence=USER
    )
