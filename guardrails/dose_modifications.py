"""Dose modifications: what an answer says to do after an adverse reaction, against the label's
table (`modifications` in doses.yaml) for the situation the question states.

    check_modifications(sentences, question, table, lexicon, measures)
    # "Platelets 20,000 on T-DM1" + "... then resume at the same dose" -> doses.modification

For the rows the situation meets (`dose_conditions.py`): a hold, resumption or reduction where
the label discontinues; a hold where it continues; the same dose where it resumes one level
lower, or a reduction where it keeps the dose; a re-check interval the label does not give.
Rows that disagree among themselves (a criterion Cairn reads only in part) decide nothing but
a discontinuation. A restart at the same dose after a reaction named only in words ('decreased
LVEF', no value) is judged by `dose_resume.py`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from guardrails.answer import AnswerSentence
from guardrails.dose_conditions import Question, Situation, discussed, discussed_drug
from guardrails.dose_findings import sentence_block
from guardrails.dose_intervals import Interval, intervals, of_kind
from guardrails.dose_quoted import quoted_conflict
from guardrails.dose_resume import lower_levels, restarts, resumed_rows
from guardrails.dose_rules import Modification
from guardrails.dose_table import DoseTable
from guardrails.lexicon import Lexicon
from guardrails.measures import Measures
from guardrails.negation import status_of
from guardrails.records import FactStatus, Finding

_DISCONTINUE = re.compile(
    r"\bdiscontinu\w*|\bstop\w*\b[^.;]{0,25}\b(?:permanently|for good)|\bpermanently\s+stop",
    re.IGNORECASE,
)
_HOLD = re.compile(r"\b(?:hold|held|withh[eo]ld\w*|interrupt\w*|pause\w*)\b", re.IGNORECASE)
_RESUME = re.compile(
    r"\b(?:resum\w*|restart\w*|re-start\w*|go(?:es)? back on|continu\w*)\b", re.IGNORECASE
)
_SAME = re.compile(
    r"\bsame dose|\bsame (?:dose )?level|\bmaintain(?:ing)? (?:the )?dose|\bfull dose"
    r"|\bkeep(?:ing)? (?:the )?(?:same )?dose",
    re.IGNORECASE,
)
_REDUCE = re.compile(
    r"\breduc\w*|\b(?:one|1) (?:dose )?level lower|\bnext lower\b|\blower dose|\bdose level lower",
    re.IGNORECASE,
)
_INTERVAL = re.compile(r"\b(?:within|every|after|in)\s+(\d+)\s*(day|week|month)s?\b", re.IGNORECASE)
_RECHECK = re.compile(
    r"\b(?:repeat\w*|recheck\w*|re-check\w*|reassess\w*|re-assess\w*|monitor\w*)", re.IGNORECASE
)
_HELD = re.compile(r"\bwhile\s+held|\bwhile\s+\w+\s+is\s+held|\bwhile\s+withheld", re.IGNORECASE)
_DAYS = {"day": 1, "week": 7, "month": 30}
# A sentence that says what to do at all: the only ones worth reading further.
_STANCE = re.compile(
    "|".join(p.pattern for p in (_DISCONTINUE, _HOLD, _RESUME, _SAME, _REDUCE, _RECHECK)),
    re.IGNORECASE,
)


def check_modifications(
    sentences: Sequence[AnswerSentence],
    asked: Question,
    table: DoseTable,
    lexicon: Lexicon,
    measures: Measures,
) -> list[Finding]:
    drugs = {m.drug for m in table.modifications}
    findings: list[Finding] = []
    read = discussed(sentences, asked, drugs, lexicon, measures, _STANCE.search, subject=True)
    for sentence, _, drug, situation in read:
        resolved = _resolution(sentence, asked)
        own = _timed([r for r in table.modifications if r.drug == drug], resolved)
        name = lexicon.label(drug)
        if discussed_drug(sentence.claim, asked, drugs, lexicon) is None:
            # Several drugs named: only a restart of the first ('restart X ... with Y') is read;
            # a label sentence on reduction steps 'with Y' states no action for this patient.
            findings.extend(_check_restart(sentence, own, situation, table, drug, name))
            continue
        matched = {r.id: situation.match(r.criterion) for r in own}
        rows = [r for r in own if matched[r.id]]
        unsure = [r for r in own if matched[r.id] is None]
        # What to do is judged for this patient's measured values, or for a toxicity grade
        # with its reaction named in the sentence ('for grade 3 neutropenia'; a quoted rule is
        # judged by its own grade), never for a threshold the sentence quotes or words alone.
        measured = [] if situation.alone else [r for r in rows if situation.measured(r.criterion)]
        graded = [r for r in own if situation.graded(r.criterion, r.reaction)]
        judged = measured or graded
        # Graded rows decide only together: _judge needs them to agree on what to do.
        decided = bool(graded) if not measured else not unsure and len(measured) == len(rows)
        found = _judge(sentence, judged, name, table, drug, decided) if judged else []
        if resolved is not None and any(r.resolved for r in judged):
            found = [_took(f, resolved) for f in found]
        if not found and situation.alone:
            found = _check_quoted(sentence, own, situation, measures, name)
        if not found and not judged:
            found = _check_restart(sentence, own, situation, table, drug, name)
        topical = [r for r in own if situation.shares(r.criterion)]
        findings.extend(found or _check_recheck(sentence, [*rows, *unsure] or topical, name))
    return findings


def _resolution(sentence: AnswerSentence, asked: Question) -> Interval | None:
    """How long the toxicity took to resolve: the sentence's own words, else the question's."""
    said = of_kind(intervals(sentence.claim), "to-resolve") or of_kind(
        list(asked.intervals), "to-resolve"
    )
    return said[0] if len(said) == 1 else None


def _timed(rows: list[Modification], resolved: Interval | None) -> list[Modification]:
    """The rows a resolution time leaves: those whose `resolved` condition it meets. Without
    one, a row that discontinues only past a time is left out (it would decide alone)."""
    kept = []
    for row in rows:
        met = row.resolved.allows(resolved.days) if row.resolved and resolved else None
        if row.resolved is None or met or (met is None and row.action != "discontinue"):
            kept.append(row)
    return kept


def _took(finding: Finding, resolved: Interval) -> Finding:
    message = f"{finding.message.rstrip('.')} (it took {resolved.text} to resolve)."
    return finding.model_copy(update={"message": message})


def _judge(
    sentence: AnswerSentence,
    rows: list[Modification],
    name: str,
    table: DoseTable,
    drug: str,
    decided: bool,
) -> list[Finding]:
    """`decided`: no other row may apply (each row's criterion was read in full)."""
    text = sentence.claim
    says = {
        "discontinue": _stated(_DISCONTINUE, text),
        "hold": _stated(_HOLD, text),
        "resume": _stated(_RESUME, text),
        "same": _says_same(text, table, drug),
        "reduce": _says_reduced(text, table, drug),
    }
    stops = [r for r in rows if r.action == "discontinue"]
    if stops and not says["discontinue"] and (says["hold"] or says["resume"] or says["reduce"]):
        return [_finding(sentence, f"the label discontinues {name} for {_what(stops)}", stops)]
    if stops or not decided:
        return []
    actions = {r.action for r in rows}
    if actions == {"continue"} and says["hold"] and not says["resume"]:
        return [_finding(sentence, f"the label continues {name} for {_what(rows)}", rows)]
    levels = {r.resume_level for r in rows if r.action in ("hold", "reduce")}
    if levels == {"one-lower"} and says["same"] and not says["reduce"]:
        return [
            _finding(sentence, f"{name} resumes one dose level lower after {_what(rows)}", rows)
        ]
    if (
        levels == {"same"}
        and actions <= {"hold", "continue"}
        and says["reduce"]
        and not says["same"]
    ):
        return [_finding(sentence, f"{name} resumes at the same dose after {_what(rows)}", rows)]
    return _check_recheck(sentence, rows, name)


def _check_restart(
    sentence: AnswerSentence,
    rows: list[Modification],
    situation: Situation,
    table: DoseTable,
    drug: str,
    name: str,
) -> list[Finding]:
    """'Restart lapatinib at the same 1,250 mg' after a reaction the question names in words
    ('decreased LVEF', 'grade 3 diarrhoea') whose rows all restart one level lower."""
    text = sentence.claim
    if not restarts(text) or not _says_same(text, table, drug) or _says_reduced(text, table, drug):
        return []
    lower = resumed_rows(rows, situation)
    if not lower:
        return []
    level = lower_levels(table, drug)
    message = f"{name} restarts one dose level lower{level} after {_what(lower)}"
    return [_finding(sentence, message, lower)]


def _check_quoted(
    sentence: AnswerSentence,
    rows: list[Modification],
    situation: Situation,
    measures: Measures,
    name: str,
) -> list[Finding]:
    """'Hold T-DM1 when the LVEF falls below 50%': a quoted threshold where the label
    continues at some value inside it (`dose_quoted.py`)."""
    text = sentence.claim
    stops = _stated(_HOLD, text) or _stated(_DISCONTINUE, text)
    keeps = _stated(_RESUME, text) or _stated(_SAME, text)
    conflict = quoted_conflict(text, rows, situation, measures, hold=stops, keep=keeps)
    if conflict is None:
        return []
    value, measure, met = conflict
    at = f"{measure} {value:g} ({_what(met)})"
    return [_finding(sentence, f"the label continues {name} at {at}, inside the quoted range", met)]


def _check_recheck(sentence: AnswerSentence, rows: list[Modification], name: str) -> list[Finding]:
    """'repeat the LVEF within 6 weeks' where every row met re-checks within 3."""
    text = sentence.claim
    cue = _RECHECK.search(text)
    stated = _INTERVAL.search(text, cue.end()) if cue else None
    given = [r for r in rows if _INTERVAL.search(r.recheck)]
    if stated is None or not given:
        return []
    if any(_HELD.search(r.recheck) for r in given) and not _HOLD.search(text):
        return []  # the label's interval is for while the drug is held; this one is not
    wanted = {_days(m) for r in given if (m := _INTERVAL.search(r.recheck))}
    if len(wanted) != 1 or _days(stated) in wanted:
        return []
    return [
        _finding(
            sentence,
            f"the label re-checks {name} after {_what(given)} {given[0].recheck}, "
            f"not {stated.group(0)}",
            given,
            rule_id="doses.recheck-interval",
        )
    ]


def _days(match: re.Match[str]) -> int:
    return int(match.group(1)) * _DAYS[match.group(2).lower()]


def _says_same(text: str, table: DoseTable, drug: str) -> bool:
    """'at the same dose', 'resume at 1,250 mg' (a starting dose of the drug)."""
    return _stated(_SAME, text) or _resumes_at(text, table, drug, reduced=False)


def _says_reduced(text: str, table: DoseTable, drug: str) -> bool:
    """'one dose level lower', 'resume at 1,000 mg' (a reduction level of the drug)."""
    return _stated(_REDUCE, text) or _resumes_at(text, table, drug, reduced=True)


def _stated(pattern: re.Pattern[str], text: str) -> bool:
    return any(
        status_of(text, m.start(), m.end()) is FactStatus.STATED for m in pattern.finditer(text)
    )


def _resumes_at(text: str, table: DoseTable, drug: str, reduced: bool) -> bool:
    """'resume at 300 mg twice daily': an amount after a resume cue that is the drug's starting
    dose (or, with `reduced`, one of its reduction levels)."""
    cue = _RESUME.search(text)
    if not cue:
        return False
    numbers = {
        float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text[cue.end() :])
    }
    rows = [r for r in table.rows_for(drug) if not r.other_indication]
    levels = {x for r in rows for x in (r.reductions if reduced else r.amounts)}
    return bool(numbers & levels)


def _what(rows: list[Modification]) -> str:
    return "; ".join(dict.fromkeys(r.criterion for r in rows))


def _finding(
    sentence: AnswerSentence,
    message: str,
    rows: list[Modification],
    rule_id: str = "doses.modification",
) -> Finding:
    notes = " ".join(dict.fromkeys(r.note for r in rows if r.note))
    text = f"{message[0].upper()}{message[1:]}. {notes}".strip()
    return sentence_block(sentence, rule_id, text, (s for r in rows for s in r.sources))
