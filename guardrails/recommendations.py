"""What an answer recommends: the regimens and drugs named in recommendation language, with
negation ("T-DXd is not recommended") and contrast ("T-DXd rather than T-DM1") handled.

    [r.concept_id for r in recommended(parse_answer(text), lexicon)]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from guardrails.answer import AnswerSentence
from guardrails.lexicon import ConceptKind, Lexicon

RECOMMEND = re.compile(
    r"\b(?:recommend\w*|prefer(?:red|able)?|standard(?: of care)?|treatment of choice|first choice|"
    r"best option|of choice|should (?:receive|get|be (?:given|treated|started|offered|switched)|"
    r"start|use|go on|move)|give|start(?:ing)?|use|offer(?:ed)?|switch(?:ed)? to|move to|"
    r"next step|go with|candidate for|indicated|is the (?:option|choice)|opt for)\b",
    re.IGNORECASE,
)
PREFERRED = re.compile(
    r"\b(?:preferred|prefer|preferable|standard(?: of care)?|treatment of choice|first choice|"
    r"best option|of choice|is recommended|recommended as (?:the )?(?:first|second|third)|"
    r"the recommended|recommends?)\b",
    re.IGNORECASE,
)
_NEGATED = re.compile(
    r"\b(?:not|never|avoid\w*|no longer|shouldn't|don't|do not|contraindicat\w*|instead of|"
    r"rather than|unlike|except|without|withh[oe]ld|stop\w*|discontinu\w*|nor)\b",
    re.IGNORECASE,
)
_CONTRAST = re.compile(
    r"\b(?:rather than|instead of|over|in place of|unlike|versus|vs\.?|compared with)\b", re.I
)
_CLAUSES = re.compile(
    r"[;:]|\bbut\b|\bwhereas\b|\bwhile\b|\bhowever\b|,\s*(?:and\s+)?(?:if|when|unless|or)\b", re.I
)
_HISTORICAL = re.compile(
    r"\b(?:20(?:0\d|1\d)|superseded|previous(?:ly)?|formerly|used to|had been|no longer|"
    r"was (?:the )?(?:standard|preferred|recommended))\b|\bwas recommended\b",
    re.IGNORECASE,
)
_TRIAL_REPORT = re.compile(r"\b(?:randomi[sz]ed|arm|trial|study|versus|vs\.?)\b", re.I)


@dataclass(frozen=True)
class Recommended:
    concept_id: str
    preferred: bool  # presented as the preferred / standard choice
    sentence: AnswerSentence


def recommended(sentences: Sequence[AnswerSentence], lexicon: Lexicon) -> list[Recommended]:
    found: list[Recommended] = []
    for sentence in sentences:
        claim = sentence.claim
        if not RECOMMEND.search(claim) or _HISTORICAL.search(claim):
            continue
        for clause in _split(claim):
            if not RECOMMEND.search(clause) or _NEGATED.search(_lead(clause, lexicon)):
                continue
            chosen = _chosen_part(clause)
            if _TRIAL_REPORT.search(chosen) and not PREFERRED.search(chosen):
                continue  # "in CLEOPATRA, patients were given ..." reports, not recommends
            preferred = bool(PREFERRED.search(clause))
            for concept_id in regimens_in(chosen, lexicon):
                found.append(Recommended(concept_id, preferred, sentence))
    return found


def regimens_in(text: str, lexicon: Lexicon) -> list[str]:
    """Regimens and drugs named in `text`; drugs that together form a regimen become it."""
    mentions = [
        m
        for m in lexicon.find(text)
        if m.kind in (ConceptKind.DRUG, ConceptKind.REGIMEN, ConceptKind.GROUP)
    ]
    named = list(dict.fromkeys(m.concept_id for m in mentions))
    drugs = {d for concept in named for d in lexicon.drugs_of(concept)}
    formed = [
        c.id
        for c in lexicon.concepts.values()
        if c.kind is ConceptKind.REGIMEN and c.id not in named and _forms(c.id, drugs, lexicon)
    ]
    candidates = [*named, *formed]
    regimens = [c for c in candidates if lexicon.kind_of(c) is ConceptKind.REGIMEN]
    # Keep the largest regimens, and drop drugs that are parts of a kept regimen.
    kept = [
        r
        for r in regimens
        if not any(r != o and lexicon.drugs_of(r) < lexicon.drugs_of(o) for o in regimens)
    ]
    covered = {d for r in kept for d in lexicon.drugs_of(r)}
    singles = [c for c in candidates if c not in regimens and not (lexicon.drugs_of(c) & covered)]
    return list(dict.fromkeys([*kept, *singles]))


def _forms(regimen: str, drugs: set[str], lexicon: Lexicon) -> bool:
    concept = lexicon.get(regimen)
    if concept is None or not concept.components:
        return False
    return all(lexicon.drugs_of(part) & drugs for part in concept.components)


def _split(claim: str) -> list[str]:
    pieces, start = [], 0
    for match in _CLAUSES.finditer(claim):
        pieces.append(claim[start : match.start()])
        start = match.start()
    pieces.append(claim[start:])
    return [p for p in pieces if p.strip()]


def _chosen_part(clause: str) -> str:
    """The part of a clause before 'rather than', 'over', 'instead of' (the rejected option)."""
    match = _CONTRAST.search(clause)
    return clause[: match.start()] if match else clause


def _lead(clause: str, lexicon: Lexicon) -> str:
    """The words of a clause up to its first drug or regimen, plus the verb phrase after it
    ('T-DXd is not recommended'): where a negation would apply to the recommendation."""
    mentions = lexicon.find(clause)
    if not mentions:
        return clause
    first = mentions[0]
    tail = clause[first.end :]
    verb = re.match(
        r"[^,.;]{0,40}?\b(?:recommend\w*|preferred|given|used|offered|indicated|an option|"
        r"standard)\b",
        tail,
        re.I,
    )
    return clause[: first.start] + (verb.group() if verb else "")
