"""Reading `pathway.yaml` as typed records; every problem names the file, the entry, the field
and the fix. Lexicon ids and `when` conditions (against the fact schema) are checked as the
file is read.

    pathway = load_pathway(Path("corpus/rules/pathway.yaml"), lexicon)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from guardrails.facts import FactSchema, schema_of
from guardrails.fields import NonBlank, Regex
from guardrails.lexicon import Lexicon
from guardrails.pathway import Contraindication, Ids, Pathway, PatternRule, Situation
from guardrails.relations import KINDS, Relation
from guardrails.schema import Issue, Strict, duplicates, parse
from guardrails.screen import Screened
from guardrails.yamlio import read_yaml


def _kind(value: str) -> str:
    if value not in KINDS:
        raise ValueError(f"'{value}' is not a relation kind; use one of {', '.join(KINDS)}")
    return value


class _Lines(Strict):
    early_relapse_months: float = 12
    early_relapse_sources: tuple[str, ...] = ()
    later_line_after: Ids = ()
    second_line_after: Ids = ()


class _Relation(Strict):
    kind: Annotated[str, AfterValidator(_kind)]
    subjects: Ids = Field(min_length=1)
    anchors: Ids = Field(min_length=1)
    terms: tuple[str, ...] = ()


class _Emergency(Strict):
    id: NonBlank
    message: NonBlank
    patterns: tuple[Regex, ...] = ()
    sources: tuple[str, ...] = Field(min_length=1)
    recommendation_only: bool = False


class _Pitfall(_Emergency):
    relation: _Relation | None = None


class _PathwayFile(Strict):
    lines: _Lines = _Lines()
    situations: tuple[Situation, ...] = Field(min_length=1)
    contraindications: tuple[Contraindication, ...] = ()
    pitfalls: tuple[_Pitfall, ...] = ()
    emergencies: tuple[_Emergency, ...] = ()


def load_pathway(
    path: Path, lexicon: Lexicon, facts: FactSchema | None = None, conditions: bool = True
) -> Pathway:
    data, text = read_yaml(path)
    return parse_pathway(data, lexicon, str(path), facts, text, conditions)


def parse_pathway(
    data: Any,
    lexicon: Lexicon,
    origin: str,
    facts: FactSchema | None = None,
    text: str | None = None,
    conditions: bool = True,
) -> Pathway:
    """The pathway; its `when` conditions are checked against the fact schema (by default the
    one beside the lexicon's file). `conditions=False` leaves them unchecked, for a fact
    schema that is itself invalid (its own problems are reported; each condition would only
    repeat them as 'unknown')."""
    facts = schema_of(lexicon) if facts is None else facts
    sections = ("situations", "contraindications", "pitfalls", "emergencies")
    issues = duplicates(data, *sections) + _superseding(data)
    context = {"lexicon": lexicon.concepts, "facts": facts if conditions else None}
    spec = parse(_PathwayFile, data, origin, context=context, text=text, issues=issues)
    return Pathway(
        early_relapse_months=spec.lines.early_relapse_months,
        early_relapse_sources=spec.lines.early_relapse_sources,
        later_line_after=frozenset(spec.lines.later_line_after),
        second_line_after=frozenset(spec.lines.second_line_after),
        situations=spec.situations,
        contraindications=spec.contraindications,
        pitfalls=tuple(_pattern_rule(p, lexicon) for p in spec.pitfalls),
        emergencies=tuple(_pattern_rule(e) for e in spec.emergencies),
        facts=facts,
    )


def _superseding(data: Any) -> list[Issue]:
    """A contraindication is superseded only by a blocking contraindication of the file."""
    rules = data.get("contraindications") if isinstance(data, dict) else None
    rules = [r for r in rules if isinstance(r, dict)] if isinstance(rules, list) else []
    blocks = {r.get("id") for r in rules if r.get("severity", "block") == "block"}
    return [
        Issue(
            ("contraindications", i, "superseded_by"),
            f"field 'superseded_by': '{ref}' is not the id of a blocking contraindication "
            f"(blocking: {', '.join(sorted(map(str, blocks)))})",
        )
        for i, rule in enumerate(rules)
        for ref in rule.get("superseded_by") or ()
        if ref not in blocks
    ]


def _pattern_rule(rule: _Emergency, lexicon: Lexicon | None = None) -> PatternRule:
    relation = rule.relation if isinstance(rule, _Pitfall) else None
    return PatternRule(
        id=rule.id,
        message=" ".join(rule.message.split()),
        patterns=tuple(Screened(re.compile(p, re.IGNORECASE)) for p in rule.patterns),
        sources=rule.sources,
        recommendation_only=rule.recommendation_only,
        relation=_relation(relation, lexicon) if relation and lexicon else None,
    )


def _relation(relation: _Relation, lexicon: Lexicon) -> Relation:
    """A pitfall's structural rule: its kind and the drugs of the concepts it relates."""

    def drugs(ids: tuple[str, ...]) -> frozenset[str]:
        return frozenset(d for i in ids for d in (i, *lexicon.drugs_of(i)))

    return Relation(
        relation.kind, drugs(relation.subjects), drugs(relation.anchors), relation.terms
    )
