"""Safety of the question itself: emergency signs call for an urgent-care notice.

notices = emergencies(question, pathway)          # the notices the answer must carry
findings = check_urgent(question, answer, pathway)  # a warning if it does not
"""

from __future__ import annotations

import re

from guardrails.negation import status_of
from guardrails.pathway import Pathway, PatternRule
from guardrails.records import FactStatus, Finding, Severity

URGENT_WORDS = re.compile(
    r"\b(?:urgent\w*|emergency|same[- ]day|immediate\w*|right away|now)\b", re.I
)


def emergencies(question: str, pathway: Pathway) -> list[PatternRule]:
    """Emergency rules whose signs the question states (not negated: "no chest pain")."""
    found = []
    for rule in pathway.emergencies:
        for pattern in rule.patterns:
            match = next(
                (
                    m
                    for m in pattern.finditer(question)
                    if status_of(question, m.start(), m.end()) is not FactStatus.NEGATED
                ),
                None,
            )
            if match:
                found.append(rule)
                break
    return found


def check_urgent(question: str, answer: str, pathway: Pathway) -> list[Finding]:
    """A warning for each emergency in the question that the answer does not flag as urgent."""
    if URGENT_WORDS.search(answer):
        return []
    return [
        Finding(
            rule_id=f"safety.urgent.{rule.id}",
            severity=Severity.WARN,
            check="safety",
            message="The question describes signs that need urgent care; the answer should say "
            f"so. {rule.message}",
            source_ids=rule.sources,
        )
        for rule in emergencies(question, pathway)
    ]


def pitfalls_asked(question: str, pathway: Pathway) -> list[PatternRule]:
    """Pitfall rules whose wrong advice the question proposes ("can I give letrozole with the
    docetaxel?"): the answer should state the rule."""
    return [
        rule
        for rule in pathway.pitfalls
        if any(pattern.search(question) for pattern in rule.patterns)
    ]
