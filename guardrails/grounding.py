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
from guardrails.lexicon import ConceptKind, Lexicon
from guardrails.records import Finding, Passage, Severity
from guardrails.text import numbers_in, split_sentences

# Trial statistics: decimals and percentages, not doses ("3.6 mg/kg" is checked by the doses).
_STATISTIC = re.compile(r"(?<![\w.])(\d+\.\d+(?!\s*(?:mg|units?\b))|\d+(?:\.\d+)?\s*%)")
# The analysis a source sentence reports: two statistics from sentences naming different
# analyses do not belong together in one claim.
# Two dimensions: when the analysis was done, and who assessed the outcome.
_TIMING = re.compile(
    r"\b(primary|updated|final|interim|end[- ]of[- ]study|long[- ]term|exploratory)\b", re.I
)
_ASSESSMENT = re.compile(r"\b(independent|investigator)\b", re.I)
_SUBGROUP_WORDS = ("subgroup", "subset", "cohort", "stratum", "exploratory")
POPULATION_CLASS = "population"


def check_grounding(
    sentences: Sequence[AnswerSentence],
    passages: Sequence[Passage],
    lexicon: Lexicon,
    resolve_markers: bool = True,
    derived: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Findings for uncited sentences, unsupported numbers, mixed analyses and lost qualifiers.

    With `resolve_markers`, a sentence is checked against the passages its markers number.
    Without (`cairn check` on text written elsewhere), `passages` is the whole corpus and every
    passage counts; an answer with no markers at all then gets one info finding, not a warning
    per sentence. `derived` are numbers that come from the patient (weight, BSA) and the dose
    arithmetic on them, which no source can contain."""
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
            findings.extend(_align(sentence, passages, lexicon, derived))
            continue
        if resolve_markers:
            scope = [by_number[n] for n in sentence.citations if n in by_number]
        else:
            scope = list(passages)
        findings.extend(_check_numbers(sentence, scope, lexicon, derived))
    return findings


def _align(
    sentence: AnswerSentence,
    passages: Sequence[Passage],
    lexicon: Lexicon,
    derived: frozenset[str],
) -> list[Finding]:
    """An uncited statement (a language model often leaves one): with numbers, it is matched to
    the passages that hold all of them and checked against those; a number that no passage
    holds is a block. Without numbers it is a warning."""
    numbers = [
        n
        for n in dict.fromkeys(numbers_in(sentence.claim))
        if n not in derived and not (n.isdigit() and len(n) == 1)  # 'ZORBA-1', 'grade 3'
    ]
    if not numbers:
        return [_finding(sentence, "grounding.uncited", "This statement cites no source.")]
    candidates = _about_same_trials(sentence.claim, list(passages), lexicon)
    support = [p for p in candidates if set(numbers) <= set(numbers_in(p.text))]
    if not support:
        held = set().union(*(set(numbers_in(p.text)) for p in candidates)) if candidates else set()
        missing = [n for n in numbers if n not in held]
        if missing:
            return [
                _finding(
                    sentence,
                    "grounding.unsupported-number",
                    f"This statement cites no source, and {', '.join(missing)} appears in no "
                    "retrieved passage.",
                    severity=Severity.BLOCK,
                )
            ]
        return [
            _finding(
                sentence,
                "grounding.uncited",
                "This statement cites no source, and no one passage holds all its figures.",
            )
        ]
    where = ", ".join(f"[{p.n}]" if p.n is not None else p.source_id for p in support[:2])
    attributed = _finding(
        sentence,
        "grounding.attributed",
        f"This statement cites no source; its figures appear in {where}.",
        tuple(p.source_id for p in support[:2]),
        severity=Severity.INFO,
    )
    return [attributed, *_check_numbers(sentence, support, lexicon, derived)]


def _check_numbers(
    sentence: AnswerSentence, scope: list[Passage], lexicon: Lexicon, derived: frozenset[str]
) -> list[Finding]:
    numbers = numbers_in(sentence.claim)
    if not numbers:
        return []
    scope = _about_same_trials(sentence.claim, scope, lexicon)
    available = [set(numbers_in(p.text)) for p in scope]
    union = set().union(*available) if available else set()
    missing = [n for n in dict.fromkeys(numbers) if n not in union and n not in derived]
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
    statistics = _statistics(sentence.claim) - derived
    if len(statistics) >= 2 and not any(
        statistics <= numbers and _one_analysis(statistics, passage.text)
        for numbers, passage in zip(available, scope, strict=True)
    ):
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


_TRIALS_CACHE: dict[tuple[int, str], frozenset[str]] = {}


def _trials(text: str, lexicon: Lexicon) -> frozenset[str]:
    key = (id(lexicon), text)
    found = _TRIALS_CACHE.get(key)
    if found is None:
        if len(_TRIALS_CACHE) > 20_000:
            _TRIALS_CACHE.clear()
        found = frozenset(m.concept_id for m in lexicon.find(text) if m.kind is ConceptKind.TRIAL)
        _TRIALS_CACHE[key] = found
    return found


def _about_same_trials(claim: str, scope: list[Passage], lexicon: Lexicon) -> list[Passage]:
    """A claim about a named trial is checked against the passages that name that trial."""
    named = _trials(claim, lexicon)
    if not named:
        return scope
    about = [p for p in scope if named & _trials(p.text, lexicon)]
    return about or scope


def _one_analysis(statistics: set[str], passage: str) -> bool:
    """Whether the statistics can come from one analysis of the passage: one sentence holds
    them all, or the sentences that hold them name no two different analyses."""
    sentences = [(set(numbers_in(s.text)), s.text) for s in split_sentences(passage)]
    if any(statistics <= numbers for numbers, _ in sentences):
        return True
    for dimension in (_TIMING, _ASSESSMENT):
        labels: list[set[str]] = []
        for statistic in statistics:
            holding = [text for numbers, text in sentences if statistic in numbers]
            named = [{m.lower() for m in dimension.findall(text)} for text in holding]
            if not holding or any(not n for n in named):
                continue  # a sentence that names no analysis fits any analysis
            labels.append(set().union(*named))
        if labels and not set.intersection(*labels):
            return False
    return True


def _statistics(text: str) -> set[str]:
    return {numbers_in(m.group(1))[0] for m in _STATISTIC.finditer(text) if numbers_in(m.group(1))}


def _finding(
    sentence: AnswerSentence,
    rule_id: str,
    message: str,
    sources: tuple[str, ...] = (),
    severity: Severity = Severity.WARN,
) -> Finding:
    return Finding(
        rule_id=rule_id,
        severity=severity,
        check="grounding",
        message=message,
        span=sentence.claim,
        start=sentence.start,
        end=sentence.end,
        source_ids=tuple(dict.fromkeys(sources)),
    )
