"""Administration times: how long an infusion or injection takes, against the dose table's
`administration` of the drug's rows.

    check_administration(sentences, question, table, lexicon, products)
    # "The first T-DXd infusion is given over 30 minutes" -> doses.administration-time (the
    # label gives the first over 90 minutes, later ones over 30)

A time is read from "over 90 minutes", "a 3-hour infusion", "infused for 30 min", with "at
least" (a lower bound) or "up to" (an upper bound), and is placed by its cue: the first
(first, initial, loading) or later administrations (later, subsequent, maintenance,
thereafter), or every one ("from the first dose onwards"). Without a cue, either time passes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from guardrails import dose_patterns as p
from guardrails.answer import AnswerSentence
from guardrails.dose_attribution import Amount, find_amounts
from guardrails.dose_conditions import Question
from guardrails.dose_findings import sentence_block
from guardrails.dose_rules import Span
from guardrails.dose_table import DoseRow, DoseTable
from guardrails.lexicon import ConceptKind, Lexicon, Mention
from guardrails.negation import status_of
from guardrails.records import FactStatus, Finding
from guardrails.text import Folded

_CHEAP = Folded(r"minute|\bmins?\b|hour|\bhrs?\b|\d\s?h\b")
_CLAUSE_END = re.compile(r"[,;.]|\b(?:and|then|but|if|while)\b", re.IGNORECASE)
_ROUTES = {
    "sc": re.compile(r"\bsubcutaneous\w*|\bsc\b|\bs\.c\.", re.I),
    "iv": re.compile(r"\bintravenous\w*|\biv\b|\binfus", re.I),
}
_WHICH = {"first": "the first administration", "later": "later administrations"}


@dataclass(frozen=True)
class Stated:
    """A time as the answer gives it, in minutes: low to high, or a bound."""

    low: float
    high: float
    bound: str  # "" | "lower" | "upper"
    text: str
    start: int
    end: int


def check_administration(
    sentences: Sequence[AnswerSentence],
    asked: Question,
    table: DoseTable,
    lexicon: Lexicon,
    products: frozenset[str] = frozenset(),
) -> list[Finding]:
    """A stated time of the first or later administrations that the label does not give."""
    timed = {r.drug for r in table.rows if r.administration is not None}
    findings: list[Finding] = []
    for sentence in sentences:
        claim = sentence.claim
        if not timed or not _CHEAP.search(claim):
            continue
        drugs = [m for m in lexicon.find(claim) if m.kind is ConceptKind.DRUG]
        times = _times(claim)
        previous: list[str] = []
        for i, time in enumerate(times):
            since = times[i - 1].end if i else 0
            until = times[i + 1].start if i + 1 < len(times) else len(claim)
            before = claim[max(since, claim.rfind(";", 0, time.start) + 1) : time.start]
            after = _clipped(claim[time.end : until])
            amounts = find_amounts(before + after)
            named = _candidates(drugs, time, since, claim, asked, previous)
            dosed = [d for d in named if _dosed(table.rows_for(d), amounts)] or named
            named = previous = [d for d in dosed if d in products] or dosed
            if not named or not set(named) <= timed:
                continue
            phase = _phase(before, after)
            judged = [_judge(claim, amounts, table.rows_for(d), time, phase) for d in named]
            if all(judged):
                rows = [r for j in judged for r in j]
                findings.append(_finding(sentence, time, phase, lexicon.label(named[0]), rows))
    return findings


def _times(claim: str) -> list[Stated]:
    found = [m for pattern in (p.TIME_OVER, p.TIME_BEFORE_NOUN) for m in pattern.finditer(claim)]
    times: list[Stated] = []
    for m in sorted(found, key=lambda m: m.start()):
        overlaps = bool(times) and m.start() < times[-1].end
        if overlaps or status_of(claim, m.start(), m.end()) is FactStatus.NEGATED:
            continue
        scale = 60.0 if m.group("unit").lower().startswith("h") else 1.0
        high = _number(m.group("num")) * scale
        low = _number(m.group("low")) * scale if m.group("low") else high
        bound = "lower" if m.groupdict().get("lower") else ""
        bound = "upper" if m.groupdict().get("upper") else bound
        times.append(Stated(low, high, bound, m.group(0), m.start(), m.end()))
    return times


def _number(text: str) -> float:
    return float(p.TIME_WORDS.get(text.lower(), 0) or text)


def _clipped(after: str) -> str:
    end = _CLAUSE_END.search(after)
    return after[: end.start()] if end else after


def _phase(before: str, after: str) -> str:
    """every, first or later: the cue right after the time, else the last one before it."""
    cues = list(p.TIME_CUE.finditer(after))[:1] or list(p.TIME_CUE.finditer(before))[-1:]
    return (cues[0].lastgroup or "") if cues else ""


def _candidates(
    drugs: list[Mention],
    time: Stated,
    since: int,
    claim: str,
    asked: Question,
    previous: list[str],
) -> list[str]:
    """The drugs the time can be of: those named since the last time, else the last time's,
    else those named before it, else the first after it; a sentence naming no drug is about
    the one drug the question names."""
    if not drugs:
        return list(asked.drugs) if len(asked.drugs) == 1 else []
    stop = max(since, claim.rfind(";", 0, time.start) + 1, claim.rfind(". ", 0, time.start) + 1)
    last = max([stop, *(m.end for m in drugs if m.end <= time.start)])
    if p.UNKNOWN_DRUG.search(claim[last : time.start]):
        return []  # 'give dexamethasone over 15 minutes': a drug the lexicon does not know
    window = [m.concept_id for m in drugs if stop <= m.start and m.end <= time.start]
    earlier = [m.concept_id for m in reversed(drugs) if m.end <= time.start]
    later = [m.concept_id for m in drugs if m.start >= time.end][:1]
    return list(dict.fromkeys(window or previous or earlier or later))


def _dosed(rows: list[DoseRow], amounts: list[Amount]) -> list[DoseRow]:
    """The rows (of this indication) that an amount near the time is a dose of."""
    return [
        r
        for r in rows
        if not r.other_indication and any(_fits(r, a.values, a.units) for a in amounts)
    ]


def _judge(
    claim: str, amounts: list[Amount], rows: list[DoseRow], time: Stated, phase: str
) -> list[DoseRow]:
    """The drug's rows the time is judged by, when it fits none of them; else none (also when
    a row gives no time)."""
    rows = _dosed(rows, amounts) or [r for r in rows if not r.other_indication]
    routes = [route for route, cue in _ROUTES.items() if cue.search(claim)]
    if len(routes) == 1 and any(r.route == routes[0] for r in rows):
        rows = [r for r in rows if r.route == routes[0]]
    pairs = [r.administration.spans(r.phase) for r in rows if r.administration is not None]
    if not rows or len(pairs) < len(rows):
        return []
    first = [s for pair in pairs for s in pair[0]]
    later = [s for pair in pairs for s in pair[1]]
    wanted = {
        "first": [first or later],
        "later": [later or first],
        "every": [s for s in (first, later) if s],
    }.get(phase, [first + later])
    return [] if all(any(_allowed(time, s) for s in spans) for spans in wanted) else rows


def _fits(row: DoseRow, values: tuple[float, ...], units: tuple[str, ...]) -> bool:
    return all(row.allows(v, u, True) for v, u in zip(values, units, strict=True))


def _allowed(time: Stated, span: Span) -> bool:
    low, high = span[0] - 1e-6, span[1] + 1e-6
    if time.bound == "upper":
        return time.high >= low  # "up to 90 minutes" allows the label's time
    return low <= time.low and time.high <= high


def _describe(row: DoseRow) -> str:
    if row.administration is None:
        return ""
    first, later = row.administration.spans(row.phase)
    if first and later and first != later:
        return f"the first over {_minutes(first[0])}, later ones over {_minutes(later[0])}"
    which = {"loading": "the loading dose ", "maintenance": "maintenance doses "}
    return f"{which.get(row.phase, '')}over {_minutes((first or later)[0])}"


def _minutes(span: Span) -> str:
    if math.isinf(span[1]):
        return f"at least {span[0]:g} minutes"
    return f"{span[0]:g} minutes" if span[0] == span[1] else f"{span[0]:g}-{span[1]:g} minutes"


def _finding(
    sentence: AnswerSentence, time: Stated, phase: str, name: str, rows: list[DoseRow]
) -> Finding:
    which = _WHICH.get(phase, "every administration" if phase == "every" else "an administration")
    bound = {"lower": "at least ", "upper": "up to "}.get(time.bound, "")
    label = "; ".join(dict.fromkeys(_describe(r) for r in rows))
    said = f"{bound}{_minutes((time.low, time.high))}"
    message = f"The answer gives {which} of {name} over {said}; the label gives {label}."
    return sentence_block(
        sentence, "doses.administration-time", message, (s for r in rows for s in r.sources)
    )
