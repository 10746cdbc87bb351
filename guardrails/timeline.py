"""Time and treatment history: months since adjuvant therapy, the line asked about, and the
therapies given and progressed on in the metastatic setting.

    interval_since("relapsed 4 months after finishing adjuvant trastuzumab", 0, [], adjuvant).value
    # -> 4.0
    durations("missed by more than one week")[0].days  # (7.0, inf): past 7 days
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from guardrails.lexicon import ConceptKind, Lexicon
from guardrails.negation import status_of
from guardrails.records import Fact, FactStatus
from guardrails.text import Folded

_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "eighteen": 18,
    "fifteen": 15,
    "twenty": 20,
    "twenty-four": 24,
    "several": 3,
    "few": 3,
    "half a": 0.5,
}
_UNIT_MONTHS = {
    "day": 1 / 30.4,
    "week": 1 / 4.35,
    "wk": 1 / 4.35,
    "month": 1.0,
    "mo": 1.0,
    "year": 12.0,
    "yr": 12.0,
    "y": 12.0,
}
_QUANTITY = (
    r"(?P<n>\d+(?:\.\d+)?|" + "|".join(sorted(map(re.escape, _WORDS), key=len, reverse=True)) + r")"
)
_DURATION = re.compile(
    rf"(?P<bound>more than|longer than|over|beyond|at least|>|less than|shorter than|fewer than|"
    rf"under|up to|<|within|about|approximately|~)?\s*(?<![\w.]){_QUANTITY}"
    r"[\s-]*(?P<unit>days?|weeks?|wks?|months?|mos?|years?|yrs?|y)\b",
    re.I,
)
# "6 weeks or more", "28 days or less": a bound written after the duration.
_BOUNDED = re.compile(
    _DURATION.pattern + r"(?:\s+or\s+(?P<tail>more|longer|greater|less|fewer|shorter))?", re.I
)
_DAYS = {
    "day": 1.0,
    "week": 7.0,
    "wk": 7.0,
    "month": 30.4,
    "mo": 30.4,
    "year": 365.0,
    "yr": 365.0,
    "y": 365.0,
}
_EPSILON = 1e-6  # "more than 7 days": past 7, however little
_RELATION_AFTER = re.compile(r"^\s*(?:after|since|following|post|from|of)\b", re.I)
_LATER = re.compile(
    r"^\s*(?:later|ago|afterwards|after (?:that|completion|finishing|completing|stopping))\b", re.I
)

_LINE = [
    (
        1,
        re.compile(
            r"\b(?:first|1st)[- ]line|\b1L\b|\bfront[- ]?line|\btreatment[- ]na[iï]ve|"
            r"\b(?:initial|upfront|up-front) (?:systemic )?(?:treatment|therapy|regimen)",
            re.I,
        ),
    ),
    (2, re.compile(r"\b(?:second|2nd)[- ]line|\b2L\b", re.I)),
    (
        3,
        re.compile(
            r"\b(?:third|3rd|fourth|4th|later|subsequent)[- ]lines?|\b[34]L\b"
            r"|\bbeyond (?:the )?second",
            re.I,
        ),
    ),
]
_PROGRESSION = re.compile(
    r"\bprogress(?:ed|ion|ing|es)?\b|\bfail(?:ed|ure|ing)?\b|\brefractory\b|\bresistant\b|"
    r"\bPD\b|\brelapsed on\b|\bstopped working\b",
    re.I,
)
# "adjuvant trastuzumab", "(neo)adjuvant TCH and ...": a therapy named right after the word.
EARLY_SETTING = re.compile(
    r"(?:\b(?:neo)?adjuvant|\(neo\)adjuvant)\b[^.;,]{0,25}?(?:\band\s+|\+\s*|,\s*)?$", re.I
)
_PRIOR = Folded(
    r"\b(?:prior|previous(?:ly)?|received|treated with|after|post|following|had|s/p|"
    r"completed|currently on|was on|is on|while on)\b"
)
# A therapy named before the words of its failure ("THP failed", "T-DM1 and T-DXd, both
# progressed"), with no word of time or purpose between: in "T-DXd after progression on THP"
# and "tucatinib for progression" the therapy is the next one.
_FAILED_AFTER = re.compile(
    r"(?:(?!\b(?:after|post|following|before|then|now|for|at|if|when|to)\b)[^.;]){0,30}?"
    rf"(?:{_PROGRESSION.pattern})",
    re.I,
)
_AFTER_LINE = re.compile(r"\b(?:after|post|following|beyond|on|with)\s+(?:\w+\s+)?$", re.I)
# A clause ends at punctuation, at "but", before a new question, and before what is planned
# ("progressed on THP, planning T-DXd": T-DXd is not a therapy given).
_CLAUSE = re.compile(
    r"[.;?!\n]|,\s*(?:and\s+)?(?:now|what|should|which|is|can|would|but)\b|\bbut\b|"
    r"\b(?=(?:planning|plan(?:s|ned)? to|considering|going to|about to|to start|will start|"
    r"starting)\b)",
    re.I,
)


def interval_since(
    text: str,
    turn: int,
    earlier: Sequence[str],
    event: re.Pattern[str],
    during: re.Pattern[str] | None = None,
    interval_names: re.Pattern[str] | None = None,
    never: re.Pattern[str] | None = None,
) -> Fact[Any]:
    """Months from the end of an event (its words: `event`) to now, if the text says: a
    duration right after the event's words ("4 months after finishing adjuvant therapy"), after
    a name of the interval (`interval_names`: "disease-free interval of 8 months"), or "later"
    once an earlier turn named the event. `during` words put it at 0; `never` words ("de novo")
    say the event never happened (negated, no value). The corpus's fact schema gives the words.
    """
    if never is not None:
        none = never.search(text)
        if none and status_of(text, none.start(), none.end()) is FactStatus.STATED:
            return Fact(value=None, status=FactStatus.NEGATED, evidence=none.group(), turn=turn)
    event_here = event.search(text)
    event_before = any(event.search(t) for t in earlier)
    inside = during.search(text) if during is not None else None
    if event_here and inside:
        return Fact(value=0.0, status=FactStatus.STATED, evidence=inside.group(), turn=turn)
    for match in _DURATION.finditer(text):
        after = text[match.end() :]
        before = text[max(0, match.start() - 60) : match.start()]
        related = (
            (event_here and (_RELATION_AFTER.match(after) or _LATER.match(after)))
            or (event_here and interval_names is not None and interval_names.search(before))
            or (event_before and _LATER.match(after))
        )
        if related:
            return Fact(
                value=_months(match),
                status=FactStatus.STATED,
                evidence=match.group().strip() + after[:40],
                turn=turn,
            )
    return Fact()


@dataclass(frozen=True)
class Duration:
    """A length of time a text states, in days: `days` is (low, high), the same number twice
    for "6 weeks", open-ended for "6 weeks or more" (6 * 7, inf) and "within 3 weeks" (0, 21)."""

    start: int
    end: int
    days: tuple[float, float]
    text: str


def durations(text: str) -> list[Duration]:
    """Every duration of `text` with its bound: before it ("more than", "within", "under") or
    after it ("or more", "or less")."""
    found = []
    for match in _BOUNDED.finditer(text):
        days = _number(match) * _DAYS.get(_unit(match), _DAYS.get(_unit(match)[:2], 1.0))
        bound = (match.group("bound") or "").lower()
        tail = (match.group("tail") or "").lower()
        low, high = days, days
        if bound in ("more than", "longer than", "over", "beyond", ">"):
            low, high = days + _EPSILON, math.inf
        elif bound in ("less than", "shorter than", "fewer than", "under", "<"):
            low, high = 0.0, days - _EPSILON
        elif bound in ("within", "up to") or tail in ("less", "fewer", "shorter"):
            low = 0.0
        elif bound == "at least" or tail:
            high = math.inf
        start = match.start() + len(match.group()) - len(match.group().lstrip())
        found.append(Duration(start, match.end(), (low, high), text[start : match.end()]))
    return found


def _number(match: re.Match[str]) -> float:
    raw = match.group("n").lower()
    return float(raw) if raw[0].isdigit() else float(_WORDS[raw])


def _unit(match: re.Match[str]) -> str:
    return match.group("unit").lower().rstrip("s")


def _months(match: re.Match[str]) -> float:
    number = _number(match)
    unit = _unit(match)
    months = number * _UNIT_MONTHS.get(unit, _UNIT_MONTHS.get(unit[:2], 1.0))
    bound = (match.group("bound") or "").lower()
    if bound in ("more than", "over", ">"):
        months += 0.5
    elif bound in ("less than", "under", "<"):
        months -= 0.5
    return round(months, 1)


def lines_and_therapies(
    text: str, turn: int, lexicon: Lexicon
) -> tuple[Fact[Any], list[str], list[str]]:
    """The line asked about (when stated), the metastatic therapies given and those progressed
    on."""
    line: Fact[Any] = Fact()
    priors: list[str] = []
    progressed: list[str] = []
    start = 0
    for boundary in [*(m.start() for m in _CLAUSE.finditer(text)), len(text)]:
        clause = text[start:boundary]
        start = boundary
        if not clause.strip():
            continue
        for value, pattern in _LINE:
            match = pattern.search(clause)
            if match:
                # Progression counts a line only when it governs the line's own words
                # ("progressed on first-line THP"); in "progressed on THP, second line?" the
                # line is stated and the progression is what made it second.
                lead = clause[: match.start()].rsplit(",", 1)[-1]
                done = _PROGRESSION.search(lead) or _AFTER_LINE.search(lead)
                implied = value + 1 if done else value
                if line.value is None or implied > line.value:
                    line = Fact(
                        value=min(implied, 3),
                        status=FactStatus.STATED,
                        evidence=clause.strip(),
                        turn=turn,
                    )
        for mention in lexicon.find(clause):
            if mention.kind not in (ConceptKind.DRUG, ConceptKind.REGIMEN) or EARLY_SETTING.search(
                clause[: mention.start]  # "adjuvant trastuzumab"
            ):
                continue
            before, after = clause[: mention.start], clause[mention.end :]
            failed = _PROGRESSION.search(before) or _FAILED_AFTER.match(after)
            therapy = mention.concept_id
            if failed and therapy not in progressed:
                progressed.append(therapy)
            if (failed or _PRIOR.search(before)) and therapy not in priors:
                priors.append(therapy)
    return line, priors, progressed
