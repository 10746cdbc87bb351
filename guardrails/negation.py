"""Negation, uncertainty and attribution of a mention, ConText-style.

A trigger before a mention ("no", "denies", "possible") applies while nothing ends its scope: a
sentence end, a semicolon, "but"/"however"/"although", or a comma that does not continue a list.
Post-triggers ("ruled out", "excluded") apply right after the mention.

    status_of("No brain mets, ILD history", start, end)  # for "ILD": STATED (the comma ends "No")
"""

from __future__ import annotations

import re

from guardrails.records import FactStatus

# Pseudo-negations ("no change in", "not only") and "not clear whether" are not negations.
_NEGATION = re.compile(
    r"\b(?!no (?:change|improvement|increase)\b|not only\b|not (?:clear|certain|sure)\b)"
    r"(?:no|not|never|denies|denied|deny|without|free of|absence of|negative for|"
    r"ruled out|rules out|no evidence of|no history of|no known|no prior|nor|"
    r"(?:does|did|do|is|was|has|have|had)n't|doesnt|didnt|hasnt|isnt)\b",
    re.IGNORECASE,
)
_UNCERTAIN = re.compile(
    r"\b(?:possible|possibly|suspected|suspect|suspicious for|questionable|query|equivocal|"
    r"concern for|concerning for|cannot exclude|can't exclude|likely|probable|probably|"
    r"may have|might have|rule out|r/o|unclear|not clear|not certain|not sure|uncertain|"
    r"borderline)(?=\W|$)|(?<!\w)\?(?=\w|$)",  # "?ILD": a query glued to the finding
    re.IGNORECASE,
)
_POST_NEGATION = re.compile(
    r"^\W{0,3}(?:\w+\W+){0,2}?(?<!\bnot )(?<!\bbe )(?:ruled out|excluded|was negative|"
    r"were negative|absent|none|not (?:seen|present|found|detected))\b",
    re.IGNORECASE,
)
_POST_UNCERTAIN = re.compile(
    r"^\W{0,3}(?:\w+\W+){0,2}?(?:is|was)? ?(?:suspected|possible|not excluded|questioned|"
    r"(?:cannot|can't|can not) be (?:ruled out|excluded)|not (?:been )?ruled out)\b",
    re.IGNORECASE,
)
_TERMINATION = re.compile(
    r"[.;:!\n]|(?<=\S)\?|\b(?:but|however|although|though|except|aside from|apart from|"
    r"whereas)\b",
    re.IGNORECASE,
)
_LIST_ITEM = re.compile(r"^\s*(?:(?:or|and|nor)\s+)?(?:[\w/+-]+(?:\s+[\w/+-]+){0,3})?\s*$", re.I)
_CONJUNCTION = re.compile(r"\b(?:or|and|nor)\b", re.IGNORECASE)
_CONTINUES = re.compile(r"^\s*(?:,|(?:or|and|nor)\b)", re.IGNORECASE)


def scope_before(text: str, start: int, end: int | None = None) -> str:
    """The part of the clause before `start` that a pre-trigger may govern. A comma ends the
    scope, unless the mention is an item of a list ("no ILD, heart failure or brain mets")."""
    ends = [m.end() for m in _TERMINATION.finditer(text, 0, start)]
    clause = text[(ends[-1] if ends else 0) : start]
    segments = clause.split(",")
    in_list = _CONJUNCTION.search(segments[-1]) or (
        end is not None and _CONTINUES.match(text[end : end + 30])
    )
    if len(segments) == 1 or not in_list:
        return segments[-1]
    keep = [segments[-1]]
    for segment in reversed(segments[:-1]):
        keep.insert(0, segment)
        if not _LIST_ITEM.match(segment):
            break  # the segment holding the trigger ("No history of ILD") ends the list
    return ",".join(keep)


def status_of(text: str, start: int, end: int) -> FactStatus:
    """Stated, negated or uncertain, for the mention at text[start:end]."""
    before = scope_before(text, start, end)
    after = text[end : end + 40]
    negations = [m.end() for m in _NEGATION.finditer(before)]
    uncertain = [m.end() for m in _UNCERTAIN.finditer(before)]
    if negations and (not uncertain or max(negations) > max(uncertain)):
        return FactStatus.NEGATED
    if uncertain:
        return FactStatus.UNCERTAIN
    if _POST_UNCERTAIN.match(after):  # "not excluded" before "excluded"
        return FactStatus.UNCERTAIN
    if _POST_NEGATION.match(after):
        return FactStatus.NEGATED
    return FactStatus.STATED
