"""Missed or delayed doses: what an answer gives after a delay, against the `missed` rule of the
drug's dose rows (the missed dose as soon as possible; past a delay, the loading dose again).

    check_missed(sentences, question, mentions, table, lexicon)
    # "Pertuzumab delayed: 7 weeks since the last dose" + "Give the 420 mg maintenance dose"
    # -> doses.missed-dose (the label re-gives the 840 mg loading dose at 6 weeks or more)

The delay is read with `dose_intervals.py` ("7 weeks since the last dose", "missed by 2
weeks"), from the sentence when it states one (a quoted rule: "if 6 weeks or more pass, ...")
or else from the question; a sentence stating two delays ("under 6 weeks ...; 6 weeks or
more ...") decides nothing. A delay counted the other way is converted with the row's schedule
(a 3-weekly dose missed by 2 weeks is 5 weeks since the last one). Past the rule's delay, a
maintenance dose with no re-load anywhere in the answer is blocked; within it, or for a drug
the label never re-loads, a re-load is blocked. Rows the answer's amounts do not single out
must agree; a partner whose own label gives another rule (`except_with`) silences the rule.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from guardrails.answer import AnswerSentence
from guardrails.dose_conditions import Question, discussed_drug
from guardrails.dose_findings import sentence_block
from guardrails.dose_intervals import Interval, Kind, intervals, of_kind
from guardrails.dose_mentions import DoseMention
from guardrails.dose_rules import Missed
from guardrails.dose_table import DoseRow, DoseTable
from guardrails.lexicon import Lexicon
from guardrails.negation import status_of
from guardrails.records import FactStatus, Finding
from guardrails.timeline import durations

_RELOAD = re.compile(
    r"\bre-?load\w*|\bloading doses?\b[^.;]{0,45}\b(?:again|once more|repeated)\b"
    r"|\b(?:repeat\w*|re-?administer\w*|re-?giv\w*|restart\w*)\s+(?:the\s+|a\s+|with\s+)?"
    r"(?:\w+\s+){0,2}(?:initial|loading)\b",
    re.I,
)
_AGAIN = re.compile(r"\b(?:again|once more|repeat\w*)\b", re.I)
_MAINTAIN = re.compile(
    r"\b(?:usual|regular|normal|scheduled|planned|maintenance)\s+(?:\w+\s+)?doses?\b", re.I
)
# A hedge before a cue in its clause: "may need the loading dose again" is no instruction to
# re-load; nor is a condition ("if ...") unless the sentence states its own delay, whose
# condition it then is.
_HEDGED = re.compile(r"\b(?:may|might|could|possibly|whether)\b[^.;:]*$", re.I)
_CONDITIONAL = re.compile(r"\b(?:if|unless|when)\b[^.;:]*$", re.I)
_DELAYS: tuple[Kind, ...] = ("since-last-dose", "past-due")
_WEEK_DAYS = {"weekly": 7.0, "every 2 weeks": 14.0, "every 3 weeks": 21.0, "every 4 weeks": 28.0}


def check_missed(
    sentences: Sequence[AnswerSentence],
    asked: Question,
    mentions: Sequence[DoseMention],
    table: DoseTable,
    lexicon: Lexicon,
) -> list[Finding]:
    ruled = [r for r in table.rows if r.missed is not None and not r.other_indication]
    if not ruled:
        return []
    drugs = {r.drug for r in ruled}
    asked_delays = of_kind(list(asked.intervals), *_DELAYS)
    about = [(s, discussed_drug(s.claim, asked, drugs, lexicon)) for s in sentences]
    findings: list[Finding] = []
    for drug in dict.fromkeys(d for _, d in about if d):
        own = [(s, _delays(s)) for s, d in about if d == drug]
        named = set(asked.drugs) | {m.concept_id for s, _ in own for m in lexicon.find(s.claim)}
        rows = _rows([r for r in ruled if r.drug == drug], mentions, table, drug, named)
        if not rows:
            continue
        reloaded = any(_reloads(s, rows, mentions, table) for s, said in own if not said)
        for sentence, said in own:
            delay = asked_delays if said == [] else said
            if delay is None or len(delay) != 1:
                continue
            found = _judge(sentence, delay[0], rows, mentions, table, reloaded, bool(said))
            if found is not None:
                findings.append(
                    _finding(sentence, lexicon.label(drug), delay[0], rows, found, table)
                )
    return findings


def _delays(sentence: AnswerSentence) -> list[Interval] | None:
    """The sentence's own delays; None when it also has a bounded duration whose words do not
    place it ('with 6 weeks or more, ...' after 'less than 6 weeks since the last dose'): it
    quotes cases Cairn cannot tell apart, and decides nothing."""
    found = intervals(sentence.claim)
    placed = {i.start for i in found}
    if any(d.start not in placed and d.days[0] != d.days[1] for d in durations(sentence.claim)):
        return None
    return of_kind(found, *_DELAYS)


def _rows(
    rows: list[DoseRow],
    mentions: Sequence[DoseMention],
    table: DoseTable,
    drug: str,
    named: set[str],
) -> list[DoseRow]:
    """The rows whose rule applies: those the answer's amounts of the drug single out (its
    maintenance or its reload amount), else all; none when a partner named has its own rule
    for one of them."""
    amounts = [m for m in mentions if m.drug == drug and not m.negated]
    picked = [
        r for r in rows if any(_gives(m, r) or _gives(m, _reload_row(r, table)) for m in amounts)
    ] or rows
    if any(set(_rule(r).except_with) & named for r in picked):
        return []
    return picked


def _judge(
    sentence: AnswerSentence,
    delay: Interval,
    rows: list[DoseRow],
    mentions: Sequence[DoseMention],
    table: DoseTable,
    reloaded_elsewhere: bool,
    own: bool,
) -> str | None:
    """'reload' when the sentence keeps the maintenance dose past the delay, 'no-reload' when
    it re-loads within it (or for a drug never re-loaded); None when it agrees. `own`: the
    delay is the sentence's own (a quoted rule), judged by the sentence alone."""
    needs = {_rule(r).reloads(_late(delay, r), _interval_days(r)) for r in rows}
    if len(needs) != 1 or None in needs:
        return None
    if needs == {True}:
        reloads = _reloads(sentence, rows, mentions, table, own)
        keeps = _keeps(sentence, rows, mentions, own)
        elsewhere = reloaded_elsewhere and not own
        return "reload" if keeps and not reloads and not elsewhere else None
    # Within the delay a re-load must be said: the loading amount alone is often the regimen
    # described ("840 mg, then 420 mg every 3 weeks"), not a dose given again.
    said = _instructed(_RELOAD, sentence.claim, own) or (
        _instructed(_AGAIN, sentence.claim, own) and _reloads(sentence, rows, mentions, table, own)
    )
    return "no-reload" if said else None


def _late(delay: Interval, row: DoseRow) -> tuple[float, float]:
    """Days past the due date: a delay since the last dose less the row's interval."""
    if delay.kind == "past-due":
        return delay.days
    shift = _interval_days(row)
    low, high = delay.days
    return max(0.0, low - shift), max(0.0, high - shift)


def _interval_days(row: DoseRow) -> float:
    return max((_WEEK_DAYS.get(s, 0.0) for s in row.schedules), default=0.0)


def _reloads(
    sentence: AnswerSentence,
    rows: list[DoseRow],
    mentions: Sequence[DoseMention],
    table: DoseTable,
    own: bool = False,
) -> bool:
    """The sentence gives the loading dose again: its amount, or the words ('re-load')."""
    loading = [r for row in rows if (r := _reload_row(row, table)) is not None]
    if any(_gives(m, r) for m in _in(sentence, mentions) for r in loading):
        return True
    return _instructed(_RELOAD, sentence.claim, own)


def _keeps(
    sentence: AnswerSentence, rows: list[DoseRow], mentions: Sequence[DoseMention], own: bool
) -> bool:
    """The sentence gives the maintenance dose: its amount (not as a loading dose), or words."""
    if any(m.phase != "loading" and _gives(m, r) for m in _in(sentence, mentions) for r in rows):
        return True
    return _instructed(_MAINTAIN, sentence.claim, own)


def _gives(mention: DoseMention, row: DoseRow | None) -> bool:
    if row is None or mention.negated or len(mention.amounts) != len(row.amounts):
        return False
    return all(
        row.allows(amount, unit, reduced=False)
        for amount, unit in zip(mention.amounts, mention.units, strict=True)
    )


def _in(sentence: AnswerSentence, mentions: Sequence[DoseMention]) -> list[DoseMention]:
    return [m for m in mentions if sentence.start <= m.start < sentence.end]


def _reload_row(row: DoseRow, table: DoseTable) -> DoseRow | None:
    reload = _rule(row).reload
    return table.row(reload) if reload else None


def _rule(row: DoseRow) -> Missed:
    assert row.missed is not None  # rows are filtered on it
    return row.missed


def _instructed(pattern: re.Pattern[str], text: str, own: bool = False) -> bool:
    """A cue the text states (not negated) and does not hedge ('may'; 'if', unless `own`: the
    condition of the sentence's own delay)."""
    hedges = (_HEDGED,) if own else (_HEDGED, _CONDITIONAL)
    return any(
        status_of(text, m.start(), m.end()) is FactStatus.STATED
        and not any(h.search(text[max(0, m.start() - 60) : m.start()]) for h in hedges)
        for m in pattern.finditer(text)
    )


def _finding(
    sentence: AnswerSentence,
    name: str,
    delay: Interval,
    rows: list[DoseRow],
    found: str,
    table: DoseTable,
) -> Finding:
    rule = _rule(rows[0])
    said = f"{delay.text} {'since the last dose' if delay.kind == 'since-last-dose' else 'late'}"
    doses = "; ".join(dict.fromkeys(r.describe() for r in rows))
    loads = "; ".join(dict.fromkeys(r.describe() for x in rows if (r := _reload_row(x, table))))
    if rule.weeks is None:
        message = (
            f"The label gives a missed {name} dose as soon as possible ({doses}) and never "
            f"re-loads it ({said})."
        )
    else:
        limit = _limit(rule)
        if found == "reload":
            message = (
                f"{name[:1].upper()}{name[1:]} {said} is past the label's missed-dose limit "
                f"({limit}): the loading dose ({loads}) is given again, then {doses}, not the "
                "maintenance dose alone."
            )
        else:
            message = (
                f"{name[:1].upper()}{name[1:]} {said} is within the label's missed-dose limit "
                f"({limit}): the missed dose ({doses}) is given as soon as possible, without "
                "re-loading."
            )
    sources = (s for r in rows for s in _rule(r).sources)
    return sentence_block(sentence, "doses.missed-dose", message, sources)


def _limit(rule: Missed) -> str:
    weeks = f"{rule.weeks:g} week{'s' if rule.weeks != 1 else ''}"
    since = "since the last dose" if rule.counted == "since-last-dose" else "past the due date"
    return f"{weeks} or more {since}" if rule.bound == "at-least" else f"more than {weeks} {since}"
