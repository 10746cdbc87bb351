"""Grounding: is every statement cited, and does every number come from the cited evidence?

Four checks per factual sentence:
- it carries a citation marker (when the answer uses markers at all);
- each of its numbers appears in a cited passage;
- its statistics (decimals and percentages) occur together in one passage, which catches figures
  from two analyses of one trial stitched into one sentence;
- a statistic the source gives only for a subgroup (the source sentence names a subgroup,
  cohort or a population term) is not stated without that qualifier.

    findings = check_grounding(parse_answer(text), passages, lexicon)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from guardrails.answer import AnswerSentence
from guardrails.lexicon import Lexicon
from guardrails.records import Finding, Passage, Severity
from guardrails.text import numbers_in, split_sentences

_STATISTIC = re.compile(r"(?<![\w.])(\d+\.\d+|\d+(?:\.\d+)?\s*%)")
_SUBGROUP_WORDS = ("subgroup", "subset", "cohort", "stratum", "exploratory")
POPULATION_CLASS = "population"


def check_grounding(
    sentences: Sequence[AnswerSentence],
    passages: Sequence[Passage],
    lexicon: Lexicon,
    resolve_markers: bool = True,
) -> list[Finding]:
    """Findings for uncited sentences, unsupported numbers, mixed analyses and lost qualifiers.

    With `resolve_markers`, a sentence is checked against the passages its markers number.
    Without (`cairn check` on text written elsewhere), `passages` is the whole corpus and every
    passage counts; an answer with no markers at all then gets one info finding, not a warning
    per sentence."""
    findings: list[Finding] = []
    uses_markers = any(s.citations for s in sentences)
    if not resolve_markers and not uses_markers and any(s.factual for s in sentences):
        findings.append(
            Finding(
                rule_id="grounding.no-markers",
                severity=Severity.INFO,
                check="grounding",
                message="The answer has no citation markers; its numbers were checked against "
                "the whole corpus.",
            )
        )
    by_number = {p.n: p for p in passages if p.n is not None}
    for sentence in sentences:
        if not sentence.factual:
            continue
        if (uses_markers or resolve_markers) and not sentence.citations:
            findings.append(
                _finding(sentence, "grounding.uncited", "This statement cites no source.")
            )
            continue
        if resolve_markers:
            scope = [by_number[n] for n in sentence.citations if n in by_number]
        else:
            scope = list(passages)
        findings.extend(_check_numbers(sentence, scope, lexicon))
    return findings


def _check_numbers(
    sentence: AnswerSentence, scope: list[Passage], lexicon: Lexicon
) -> list[Finding]:
    numbers = numbers_in(sentence.claim)
    if not numbers:
        return []
    available = [set(numbers_in(p.text)) for p in scope]
    union = set().union(*available) if available else set()
    missing = [n for n in dict.fromkeys(numbers) if n not in union]
    if missing:
        where = "the cited source" if len(scope) <= 3 else "any source"
        figures = (
            f"figures {', '.join(missing)} do" if len(missing) > 1 else f"figure {missing[0]} does"
        )
        return [
            _finding(
                sentence,
                "grounding.number-not-in-source",
                f"The {figures} not appear in {where}; check the number against the evidence.",
                tuple(p.source_id for p in scope[:3]),
            )
        ]
    statistics = _statistics(sentence.claim)
    if len(statistics) >= 2 and not any(statistics <= numbers for numbers in available):
        return [
            _finding(
                sentence,
                "grounding.mixed-analyses",
                "These figures (" + ", ".join(sorted(statistics, key=float)) + ") do not occur "
                "together in any one source passage: they may mix different analyses or "
                "populations of a trial.",
                tuple(p.source_id for p in scope[:3]),
            )
        ]
    return _check_qualifiers(sentence, scope, statistics, lexicon)


def _check_qualifiers(
    sentence: AnswerSentence, scope: list[Passage], statistics: set[str], lexicon: Lexicon
) -> list[Finding]:
    """Warn when every source sentence with these figures is qualified and the claim is not."""
    if not statistics:
        return []
    claim_qualifiers = _qualifiers(sentence.claim, lexicon)
    lost: tuple[str, str] | None = None
    for passage in scope:
        for source_sentence in split_sentences(passage.text):
            if not statistics <= set(numbers_in(source_sentence.text)):
                continue
            qualifiers = _qualifiers(source_sentence.text, lexicon)
            if (
                not qualifiers
                or qualifiers & claim_qualifiers
                or (claim_qualifiers and "subgroup" in qualifiers)
            ):
                return []  # a source sentence supports the figure as the answer states it
            lost = lost or (sorted(qualifiers)[0], passage.source_id)
    if lost is None:
        return []
    qualifier, source_id = lost
    message = (
        f"The source gives this figure for a subgroup ({qualifier}), but the answer states it "
        "without that qualifier, as if it were the whole-trial result."
    )
    return [_finding(sentence, "grounding.subgroup-unqualified", message, (source_id,))]


def _qualifiers(text: str, lexicon: Lexicon) -> set[str]:
    """The population qualifiers a sentence carries: 'subgroup' words and population terms."""
    lowered = text.lower()
    found = {"subgroup"} if any(word in lowered for word in _SUBGROUP_WORDS) else set()
    for mention in lexicon.find(text):
        concept = lexicon.get(mention.concept_id)
        if concept is not None and concept.drug_class == POPULATION_CLASS:
            found.add(concept.generic)
    return found


def _statistics(text: str) -> set[str]:
    return {numbers_in(m.group(1))[0] for m in _STATISTIC.finditer(text) if numbers_in(m.group(1))}


def _finding(
    sentence: AnswerSentence, rule_id: str, message: str, sources: tuple[str, ...] = ()
) -> Finding:
    return Finding(
        rule_id=rule_id,
        severity=Severity.WARN,
        check="grounding",
        message=message,
        span=sentence.claim,
        start=sentence.start,
        end=sentence.end,
        source_ids=tuple(dict.fromkeys(sources)),
    )
