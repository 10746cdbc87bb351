"""Dose levels: a reduction that skips a level of the label's sequence, and the level below
which the label stops the drug.

    check_levels(sentences, question, table, lexicon)
    # "reduce T-DXd from 5.4 mg/kg to 3.2 mg/kg" -> doses.skipped-level (the next is 4.4)
    # "discontinue tucatinib if 200 mg twice daily is not tolerated" -> doses.discontinue-level

A row's levels are its dose followed by its `reductions`, in order; the last reduction is the
lowest dose the label gives before discontinuing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from guardrails.answer import AnswerSentence
from guardrails.dose_attribution import Amount, find_amounts
from guardrails.dose_conditions import Question, discussed_drug
from guardrails.dose_findings import sentence_block
from guardrails.dose_table import DoseRow, DoseTable
from guardrails.lexicon import Lexicon
from guardrails.records import Finding

_CUE = re.compile(r"\bfrom\b|tolerat", re.IGNORECASE)  # what the two checks read
_FROM_TO = re.compile(r"\bfrom\s*$", re.IGNORECASE)
_TO = re.compile(r"^[^.;,]{0,20}?\bto\s*$", re.IGNORECASE)
_STOP = re.compile(r"\bdiscontinu\w*|\bstop\w*", re.IGNORECASE)
_INTOLERANT = re.compile(
    r"\b(?:not|unable to|cannot|can't|fails? to)\s+(?:be\s+)?tolerat\w*|\bintoleran\w*"
    r"|\bnot\s+tolerated\b",
    re.IGNORECASE,
)


def check_levels(
    sentences: Sequence[AnswerSentence], asked: Question, table: DoseTable, lexicon: Lexicon
) -> list[Finding]:
    drugs = {r.drug for r in table.rows if r.reductions and not r.other_indication}
    findings: list[Finding] = []
    for sentence in sentences:
        if not _CUE.search(sentence.claim):
            continue
        drug = discussed_drug(sentence.claim, asked, drugs, lexicon)
        if drug is None:
            continue
        rows = [r for r in table.rows_for(drug) if r.reductions and not r.other_indication]
        amounts = [a for a in find_amounts(sentence.claim) if len(a.values) == 1]
        name = lexicon.label(drug)
        findings.extend(_skipped(sentence, amounts, rows, name))
        findings.extend(_floor(sentence, amounts, rows, name))
    return findings


def _skipped(
    sentence: AnswerSentence, amounts: list[Amount], rows: list[DoseRow], name: str
) -> list[Finding]:
    """'from A to B' where B is not the level right after A."""
    text = sentence.claim
    for first, second in pairwise(amounts):
        if not _FROM_TO.search(text[: first.start]) or not _TO.search(
            text[first.end : second.start]
        ):
            continue
        for row in rows:
            levels = [*row.amounts[:1], *row.reductions]
            a, b = _index(levels, first.values[0]), _index(levels, second.values[0])
            if row.unit == first.units[0] == second.units[0] and a is not None and b is not None:
                if b > a + 1:
                    nxt = f"{levels[a + 1]:g} {row.unit}"
                    return [
                        _finding(
                            sentence,
                            "doses.skipped-level",
                            f"{name} is reduced one "
                            f"level at a time: after {levels[a]:g} {row.unit} comes "
                            f"{nxt}.",
                            row,
                        )
                    ]
                break
    return []


def _floor(
    sentence: AnswerSentence, amounts: list[Amount], rows: list[DoseRow], name: str
) -> list[Finding]:
    """'discontinue if X is not tolerated': X must be the last reduction level."""
    text = sentence.claim
    if not (_STOP.search(text) and _INTOLERANT.search(text)):
        return []
    floors = {(r.reductions[-1], r.unit) for r in rows}
    units = {u for _, u in floors}
    stated = [a for a in amounts if a.units[0] in units]
    if not stated or any((a.values[0], a.units[0]) in floors for a in stated):
        return []
    lowest = " or ".join(sorted(f"{v:g} {u}" for v, u in floors))
    return [
        _finding(
            sentence,
            "doses.discontinue-level",
            f"{name} is discontinued when its lowest level, {lowest}, is not tolerated.",
            rows[0],
        )
    ]


def _index(levels: list[float], value: float) -> int | None:
    return next((i for i, x in enumerate(levels) if abs(x - value) <= 1e-6 * max(1.0, x)), None)


def _finding(sentence: AnswerSentence, rule_id: str, message: str, row: DoseRow) -> Finding:
    return sentence_block(sentence, rule_id, f"{message} {row.note}".strip(), row.sources)
