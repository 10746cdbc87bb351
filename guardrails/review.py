"""Review an answer before it is shown: every check, one verdict.

verdict = review(text, question, context, passages, rules)
verdict.verdict  # pass | warn | block
"""

from __future__ import annotations

from collections.abc import Sequence

from guardrails.answer import parse_answer
from guardrails.arithmetic import derived_numbers
from guardrails.dose_adjustments import check_adjustments
from guardrails.dose_administration import check_administration
from guardrails.dose_conditions import Question
from guardrails.dose_food import check_food
from guardrails.dose_levels import check_levels
from guardrails.dose_mentions import find_doses
from guardrails.dose_missed import check_missed
from guardrails.dose_modifications import check_modifications
from guardrails.dose_reescalation import check_reescalation
from guardrails.doses import check_doses
from guardrails.grounding import check_grounding
from guardrails.pathway_check import check_pathway
from guardrails.records import Finding, Passage, PatientContext, Review, Severity
from guardrails.rules import RuleBook
from guardrails.safety import check_urgent


def review(
    text: str,
    question: str,
    context: PatientContext,
    passages: Sequence[Passage],
    rules: RuleBook,
    resolve_markers: bool = True,
    grounded: bool = True,
    strict_doses: bool = False,
) -> Review:
    """Run every check on `text` and combine the findings into a verdict. `grounded=False`
    skips the grounding check, for Cairn's own "not covered" message, which states no facts.
    `strict_doses` (a language model's answer): a dose the dose table cannot confirm for the
    drug it is attached to blocks, as a wrong one does."""
    sentences = parse_answer(text)
    mentions = find_doses(
        sentences, rules.lexicon, rules.dose_vocabulary, _subject(question, rules)
    )
    findings: list[Finding] = []
    findings.extend(check_doses(mentions, rules.doses, rules.lexicon, context))
    findings.extend(check_reescalation(sentences, rules.doses, rules.lexicon))
    asked = Question.read(question, rules.lexicon, rules.measures)  # read once for the checks
    findings.extend(
        check_modifications(sentences, asked, rules.doses, rules.lexicon, rules.measures)
    )
    findings.extend(
        check_adjustments(
            sentences, asked, rules.doses, rules.lexicon, rules.measures, mentions, context
        )
    )
    findings.extend(check_levels(sentences, asked, rules.doses, rules.lexicon))
    products = rules.dose_vocabulary.products
    findings.extend(check_administration(sentences, asked, rules.doses, rules.lexicon, products))
    findings.extend(check_food(sentences, asked, rules.doses, rules.lexicon))
    findings.extend(check_missed(sentences, asked, mentions, rules.doses, rules.lexicon))
    findings.extend(check_pathway(sentences, context, rules.pathway, rules.lexicon))
    if grounded:
        derived = derived_numbers(context, rules.doses, f"{question}\n{text}", rules.facts.measured)
        findings.extend(
            check_grounding(sentences, passages, rules.lexicon, resolve_markers, derived)
        )
    findings.extend(check_urgent(question, text, rules.pathway))
    if strict_doses:
        findings = [_strict(f) for f in findings]
    return Review.of(_ordered(findings))


def _strict(finding: Finding) -> Finding:
    """A dose finding short of a block (unchecked, unknown drug, missing cycle days) blocks."""
    if finding.check in ("doses", "arithmetic") and finding.severity is not Severity.BLOCK:
        message = f"{finding.message} A model-written dose must be confirmed by the dose table."
        return finding.model_copy(update={"severity": Severity.BLOCK, "message": message})
    return finding


def _subject(question: str, rules: RuleBook) -> str | None:
    """The one drug of the dose table a question names, if it names exactly one."""
    drugs = {m.concept_id for m in rules.lexicon.find(question)} & rules.doses.drugs
    return next(iter(drugs)) if len(drugs) == 1 else None


def _ordered(findings: list[Finding]) -> list[Finding]:
    """Most severe first, then in the order of the answer."""
    rank = {"block": 0, "warn": 1, "info": 2}
    return sorted(
        findings, key=lambda f: (rank[f.severity.value], f.start if f.start is not None else -1)
    )
