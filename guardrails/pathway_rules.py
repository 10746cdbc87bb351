"""Parsing and validating `pathway.yaml`; every problem names the file, the entry and the field."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from guardrails.errors import RulesError
from guardrails.facts import FactSchema, schema_of
from guardrails.lexicon import Lexicon
from guardrails.pathway import Contraindication, Pathway, PatternRule, Situation
from guardrails.pathway_when import when_problems
from guardrails.relations import KINDS, Relation
from guardrails.screen import Screened
from guardrails.yamlio import load_yaml, unknown_fields


def load_pathway(path: Path, lexicon: Lexicon, facts: FactSchema | None = None) -> Pathway:
    return parse_pathway(load_yaml(path), lexicon, str(path), facts)


def parse_pathway(
    data: Any, lexicon: Lexicon, origin: str, facts: FactSchema | None = None
) -> Pathway:
    """The pathway; its `when` conditions are checked against the fact schema (by default the
    one beside the lexicon's file)."""
    facts = schema_of(lexicon) if facts is None else facts
    problems: list[str] = []
    if not isinstance(data, dict):
        raise RulesError([f"{origin}: expected a mapping with 'lines' and 'situations'"])
    problems += unknown_fields(data, _TOP, origin)
    lines = data.get("lines") or {}
    if isinstance(lines, dict):
        problems += unknown_fields(lines, _LINES, f"{origin}: lines")
    ids = _Ids(lexicon, problems, facts)
    pathway = Pathway(
        early_relapse_months=float(lines.get("early_relapse_months", 12)),
        early_relapse_sources=tuple(lines.get("early_relapse_sources") or ()),
        later_line_after=frozenset(ids.check(lines.get("later_line_after"), f"{origin}: lines")),
        second_line_after=frozenset(ids.check(lines.get("second_line_after"), f"{origin}: lines")),
        situations=tuple(
            _situation(e, f"{origin}: situations[{i}]", ids, problems)
            for i, e in enumerate(data.get("situations") or [])
        ),
        contraindications=tuple(
            _contraindication(e, f"{origin}: contraindications[{i}]", ids, problems)
            for i, e in enumerate(data.get("contraindications") or [])
        ),
        pitfalls=tuple(
            _pattern_rule(e, f"{origin}: pitfalls[{i}]", problems, lexicon)
            for i, e in enumerate(data.get("pitfalls") or [])
        ),
        emergencies=tuple(
            _pattern_rule(e, f"{origin}: emergencies[{i}]", problems)
            for i, e in enumerate(data.get("emergencies") or [])
        ),
        facts=facts,
    )
    if not pathway.situations:
        problems.append(f"{origin}: no situations defined")
    if problems:
        raise RulesError(problems)
    return pathway


class _Ids:
    """Checks that regimen and drug ids exist in the lexicon."""

    def __init__(self, lexicon: Lexicon, problems: list[str], facts: FactSchema) -> None:
        self.lexicon, self.problems, self.facts = lexicon, problems, facts

    def check(self, value: Any, where: str) -> tuple[str, ...]:
        items = value or []
        if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
            self.problems.append(f"{where}: expected a list of lexicon ids")
            return ()
        for item in items:
            if self.lexicon.get(item) is None:
                self.problems.append(f"{where}: '{item}' is not an id in lexicon.yaml")
        return tuple(items)


_TOP = ("lines", "situations", "contraindications", "pitfalls", "emergencies")
_LINES = ("early_relapse_months", "early_relapse_sources", "later_line_after", "second_line_after")
_SITUATION = (
    "id", "situation", "when", "statement", "preferred", "acceptable", "not_preferred",
    "first_line_regimens", "no_preference", "notes", "sources", "differ",
)  # fmt: skip
_CONTRAINDICATION = ("id", "drugs", "when", "severity", "message", "sources")
_PATTERN_RULE = ("id", "message", "patterns", "sources", "recommendation_only", "relation")
_RELATION = ("kind", "subjects", "anchors", "terms")


def _entry(
    entry: Any,
    where: str,
    problems: list[str],
    required: tuple[str, ...],
    known: tuple[str, ...],
) -> dict[str, Any]:
    if not isinstance(entry, dict):
        problems.append(f"{where}: expected a mapping")
        return {}
    problems += unknown_fields(entry, known, f"{where} ('{entry.get('id', '?')}')")
    for key in required:
        if not entry.get(key):
            problems.append(f"{where} ('{entry.get('id', '?')}'): missing field '{key}'")
    if "sources" in required and not isinstance(entry.get("sources"), list):
        problems.append(f"{where}: every rule names the source ids that back it ('sources')")
    return entry


def _when(
    entry: dict[str, Any], where: str, problems: list[str], ids: _Ids | None = None
) -> dict[str, Any]:
    when = entry.get("when") or {}
    if not isinstance(when, dict):
        problems.append(f"{where}: 'when' must be a mapping of conditions")
        return {}
    if ids is None:
        return when
    problems += when_problems(when, ids.facts, where)
    for key, value in when.items():
        spec = ids.facts.get(key)
        if spec is not None and spec.type == "therapies":
            when = {**when, key: ids.check(value, f"{where}: when.{key}")}
    return when


def _situation(entry: Any, where: str, ids: _Ids, problems: list[str]) -> Situation:
    e = _entry(entry, where, problems, ("id", "statement", "sources"), _SITUATION)
    where = f"{where} ('{e.get('id', '?')}')"
    return Situation(
        id=str(e.get("id", "")),
        situation=str(e.get("situation", e.get("id", ""))),
        when=_when(e, where, problems, ids),
        statement=str(e.get("statement", "")),
        preferred=ids.check(e.get("preferred"), where),
        acceptable=ids.check(e.get("acceptable"), where),
        not_preferred=ids.check(e.get("not_preferred"), where),
        first_line_regimens=ids.check(e.get("first_line_regimens"), where),
        no_preference=bool(e.get("no_preference", False)),
        notes=tuple(str(n) for n in e.get("notes") or ()),
        sources=tuple(e.get("sources") or ()),
        differ=bool(e.get("differ", False)),
    )


def _contraindication(entry: Any, where: str, ids: _Ids, problems: list[str]) -> Contraindication:
    e = _entry(
        entry, where, problems, ("id", "drugs", "when", "message", "sources"), _CONTRAINDICATION
    )
    where = f"{where} ('{e.get('id', '?')}')"
    severity = e.get("severity", "block")
    if severity not in ("warn", "block"):
        problems.append(f"{where}: severity must be warn or block")
    return Contraindication(
        id=str(e.get("id", "")),
        drugs=ids.check(e.get("drugs"), where),
        when=_when(e, where, problems, ids),
        severity=str(severity),
        message=" ".join(str(e.get("message", "")).split()),
        sources=tuple(e.get("sources") or ()),
    )


def _relation(value: Any, where: str, lexicon: Lexicon, problems: list[str]) -> Relation | None:
    """A pitfall's structural rule: its kind and the concepts it relates."""
    if value is None:
        return None
    where = f"{where}: relation"
    e = _entry(value, where, problems, ("kind", "subjects", "anchors"), _RELATION)
    if e.get("kind") not in KINDS:
        problems.append(f"{where}: 'kind' must be one of {', '.join(KINDS)}")
    concepts: dict[str, frozenset[str]] = {}
    for key in ("subjects", "anchors"):
        ids = e.get(key) or []
        unknown = [i for i in ids if lexicon.get(str(i)) is None]
        if unknown:
            problems.append(f"{where}: {key} {', '.join(map(str, unknown))} not in lexicon.yaml")
        concepts[key] = frozenset(d for i in ids for d in (str(i), *lexicon.drugs_of(str(i))))
    terms = tuple(str(t) for t in e.get("terms") or ())
    return Relation(str(e.get("kind")), concepts["subjects"], concepts["anchors"], terms)


def _pattern_rule(
    entry: Any, where: str, problems: list[str], lexicon: Lexicon | None = None
) -> PatternRule:
    e = _entry(entry, where, problems, ("id", "message", "sources"), _PATTERN_RULE)
    where = f"{where} ('{e.get('id', '?')}')"
    patterns = []
    for i, raw in enumerate(e.get("patterns") or []):
        try:
            patterns.append(Screened(re.compile(str(raw), re.IGNORECASE)))
        except re.error as exc:
            problems.append(f"{where}: patterns[{i}] is not a valid regular expression ({exc})")
    return PatternRule(
        id=str(e.get("id", "")),
        message=" ".join(str(e.get("message", "")).split()),
        patterns=tuple(patterns),
        sources=tuple(e.get("sources") or ()),
        recommendation_only=bool(e.get("recommendation_only", False)),
        relation=_relation(e.get("relation"), where, lexicon, problems) if lexicon else None,
    )
