"""The patient context: the facts of a question and its history that change a recommendation,
read as the corpus's fact schema (`corpus/rules/facts.yaml`) declares them.

    context = extract_context("58F HER2+ ER- MBC, no brain mets, progressed on THP", [], lexicon)
    context.fact("brain_mets").status      # NEGATED
    context.role_therapies("progressed")   # ('thp',)

Later turns override earlier ones; facts of earlier turns carry over unless changed. Without a
schema, the one beside the lexicon's file is used (`guardrails.facts.schema_of`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from guardrails.fact_reading import read_fact
from guardrails.facts import FactSchema, schema_of
from guardrails.lexicon import Lexicon
from guardrails.overrides import parse_override
from guardrails.records import Fact, FactStatus, PatientContext
from guardrails.timeline import lines_and_therapies


def extract_context(
    question: str,
    history: Sequence[str],
    lexicon: Lexicon,
    overrides: dict[str, str] | None = None,
    schema: FactSchema | None = None,
) -> PatientContext:
    """The context of `question` given the earlier user turns (oldest first)."""
    return extract_contexts(question, history, lexicon, overrides, schema)[1]


def extract_contexts(
    question: str,
    history: Sequence[str],
    lexicon: Lexicon,
    overrides: dict[str, str] | None = None,
    schema: FactSchema | None = None,
) -> tuple[PatientContext, PatientContext]:
    """The context of the earlier user turns alone (no overrides: what the conversation said
    before this turn), and the context of the whole conversation with the overrides applied;
    each turn is read once."""
    schema = schema_of(lexicon) if schema is None else schema
    turns = [*history, question]
    facts: dict[str, Fact[Any]] = {f.id: Fact() for f in schema.facts if f.type != "therapies"}
    given: list[str] = []
    progressed: list[str] = []
    earlier = PatientContext()
    for turn, text in enumerate(turns):
        if turn == len(turns) - 1 and history:
            earlier = _context(facts, given, progressed, schema)
        found, turn_given, turn_progressed = _turn_facts(text, turn, lexicon, turns[:turn], schema)
        facts.update({k: v for k, v in found.items() if v.status is not FactStatus.UNKNOWN})
        given.extend(p for p in turn_given if p not in given)
        progressed.extend(p for p in turn_progressed if p not in progressed)
    context = _context(facts, given, progressed, schema)
    if overrides:
        context = apply_overrides(context, overrides, lexicon, schema)
    return earlier, context


def _context(
    facts: dict[str, Fact[Any]], given: list[str], progressed: list[str], schema: FactSchema
) -> PatientContext:
    lists = {"given": tuple(given), "progressed": tuple(progressed)}
    return PatientContext(
        facts=dict(facts),
        therapies={f.id: lists[f.role or ""] for f in schema.facts if f.type == "therapies"},
        roles=schema.roles,
    )


def _turn_facts(
    text: str, turn: int, lexicon: Lexicon, earlier: Sequence[str], schema: FactSchema
) -> tuple[dict[str, Fact[Any]], list[str], list[str]]:
    facts: dict[str, Fact[Any]] = {}
    for spec in schema.facts:
        if spec.type != "therapies" and spec.role != "line":
            facts[spec.id] = read_fact(spec, text, turn, lexicon, earlier, facts)
    if "line" not in schema.roles and not {"given", "progressed"} & set(schema.roles):
        return facts, [], []
    line, given, progressed = lines_and_therapies(text, turn, lexicon)
    if "line" in schema.roles:
        facts[schema.roles["line"]] = line
    return facts, given, progressed


def apply_overrides(
    context: PatientContext,
    overrides: dict[str, str],
    lexicon: Lexicon,
    schema: FactSchema | None = None,
) -> PatientContext:
    """Facts set by the user (`--context K=V`, the UI's fields) replace extracted ones."""
    schema = schema_of(lexicon) if schema is None else schema
    updates = {key: parse_override(key, value, lexicon, schema) for key, value in overrides.items()}
    replaced = context.replaced(updates)
    if replaced.roles != schema.roles:
        replaced = replaced.model_copy(update={"roles": schema.roles})
    return replaced
