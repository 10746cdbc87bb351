"""Cairn's own words must pass its own review: every statement, note and contraindication
message of pathway.yaml, for the patient its situation describes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from guardrails.records import Fact, FactStatus, PatientContext
from guardrails.review import review
from guardrails.rules import RuleBook

RULES = RuleBook.load(Path(__file__).resolve().parents[2] / "corpus" / "rules")


def context_for(when: dict[str, Any]) -> PatientContext:
    facts: dict[str, Any] = {}
    for key, expected in when.items():
        if isinstance(expected, dict):
            value: Any = expected.get("max", expected.get("min"))
        elif isinstance(expected, list):
            value = expected[0]
        else:
            value = expected
        if key == "progressed_on":  # therapies, not a fact
            facts["progressed_on"] = tuple(expected)
            continue
        status = FactStatus.NEGATED if value is False else FactStatus.STATED
        facts[key] = Fact(value=value, status=status)
    return PatientContext(**facts, roles=RULES.facts.roles)


@pytest.mark.parametrize("situation", RULES.pathway.situations, ids=lambda s: s.id)
def test_a_situation_statement_passes_its_own_review(situation: Any) -> None:
    context = context_for(situation.when)
    recommendation = RULES.pathway.recommend(context)
    assert recommendation is not None and recommendation.rule_id == f"pathway.{situation.id}"
    messages = [c.message for c in RULES.pathway.contraindications_for(context)]
    text = "\n".join(
        f"- {line}" for line in [recommendation.statement, *recommendation.notes, *messages]
    )
    verdict = review(text, "What should she receive?", context, [], RULES, grounded=False)
    assert [f.rule_id for f in verdict.findings if f.severity.value != "info"] == []
