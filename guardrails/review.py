"""Review an answer before it is shown: every check, one verdict.

verdict = review(text, question, context, passages, rules)
verdict.verdict  # pass | warn | block
"""

from __future__ import annotations

from collections.abc import Sequence

from guardrails.answer import parse_answer
from guardrails.grounding import check_grounding
from guardrails.records import Finding, Passage, PatientContext, Review
from guardrails.rules import RuleBook


def review(
    text: str,
    question: str,
    context: PatientContext,
    passages: Sequence[Passage],
    rules: RuleBook,
    resolve_markers: bool = True,
) -> Review:
    """Run every check on `text` and combine the findings into a verdict."""
    sentences = parse_answer(text)
    findings: list[Finding] = []
    findings.extend(check_grounding(sentences, passages, rules.lexicon, resolve_markers))
    return Review.of(findings)
