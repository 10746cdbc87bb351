"""The time intervals dose rules depend on, read from a question or an answer sentence: how long
since the last dose, how late a dose is, how long a toxicity took to resolve.

    [(i.kind, i.days) for i in intervals("Pertuzumab delayed: 7 weeks since the last dose.")]
    # [('since-last-dose', (49.0, 49.0))]
    intervals("dose missed by more than one week")[0].kind        # 'past-due'
    intervals("grade 1 ILD took 6 weeks to resolve")[0].kind      # 'to-resolve'

The durations and their bounds are `guardrails.timeline.durations`; this module only says what
a duration measures, from the words of its clause around it. A duration with none of these
words is not an interval of a dose rule ("every 3 weeks", "over 90 minutes" is no duration).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from guardrails.negation import status_of
from guardrails.records import FactStatus
from guardrails.timeline import durations

Kind = Literal["since-last-dose", "past-due", "to-resolve"]

_DOSE = r"(?:dose|infusion|injection|cycle|treatment|administration|one)s?"
_LAST = rf"(?:the |her |his |their |a )?(?:last|previous|prior|most recent) (?:\w+ )?{_DOSE}"
_BETWEEN = rf"between (?:two |the )?(?:\w+ ){{0,2}}{_DOSE}"
# Words that place a duration, read in its clause: before it (ending there) or after it.
_BEFORE: list[tuple[Kind, re.Pattern[str]]] = [
    (
        "to-resolve",
        re.compile(
            r"(?:resol\w*|recover\w*|improv\w*|took|taking)\b[^.;]{0,30}"
            r"\b(?:in|after|within|over|for)?\s*$|\btook\s*$",
            re.I,
        ),
    ),
    ("since-last-dose", re.compile(rf"\b(?:{_LAST}|{_BETWEEN})\b[^.;]{{0,25}}$", re.I)),
    (
        "past-due",
        re.compile(
            r"\b(?:missed|delayed|late|overdue|postponed|pushed back|held off)(?: by)?\s*$"
            r"|\bdelay of\s*$",
            re.I,
        ),
    ),
]
_AFTER: list[tuple[Kind, re.Pattern[str]]] = [
    (
        "to-resolve",
        re.compile(r"^\s*(?:to|before it|before they|until it)?\s*(?:resol|recover|settl)", re.I),
    ),
    (
        "since-last-dose",
        re.compile(
            rf"^\s*(?:(?:have |has )?(?:pass\w*|elapse\w*|gone by|go by)\s+)?"
            rf"(?:since {_LAST}|{_BETWEEN})",
            re.I,
        ),
    ),
    ("past-due", re.compile(r"^\s*(?:late|overdue|delay|behind)\b", re.I)),
]
_CLAUSE = re.compile(r"[.;?!\n]")


@dataclass(frozen=True)
class Interval:
    """A duration and what it measures: `days` is (low, high), as `timeline.durations` reads."""

    kind: Kind
    days: tuple[float, float]
    text: str
    start: int
    end: int


def intervals(text: str) -> list[Interval]:
    """The stated (not negated) intervals of `text`, in order."""
    found = []
    for duration in durations(text):
        kind = _kind(text, duration.start, duration.end)
        if kind and status_of(text, duration.start, duration.end) is FactStatus.STATED:
            found.append(Interval(kind, duration.days, duration.text, duration.start, duration.end))
    return found


def _kind(text: str, start: int, end: int) -> Kind | None:
    opening = max((m.end() for m in _CLAUSE.finditer(text, 0, start)), default=0)
    closing = _CLAUSE.search(text, end)
    before = text[max(opening, start - 60) : start]
    after = text[end : closing.start() if closing else len(text)][:60]
    for kind, pattern in _AFTER:
        if pattern.search(after):
            return kind
    for kind, pattern in _BEFORE:
        if pattern.search(before):
            return kind
    return None


def of_kind(found: list[Interval], *kinds: Kind) -> list[Interval]:
    return [i for i in found if i.kind in kinds]
