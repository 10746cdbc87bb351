"""The level a drug resumes at after a reaction named in words: a row that restarts one level
lower flags a sentence that restarts at the same (or the starting) dose, though no grade or
measured value decides the row.

    restarts("Restart lapatinib at the same 1,250 mg once daily.")  # True
    # after "stopped for a decreased LVEF, now recovered": "Restart lapatinib at the same
    # 1,250 mg" -> doses.modification (the label restarts it one level lower, 1,000 mg)
    rows = resumed_rows(own_rows, situation)  # the rows that restart one level lower

The graded and measured checks of `dose_modifications.py` decide a row from a grade or a
value; this one reads rows whose reaction the question or the sentence names (at least half
the words of one of its alternatives: `names_reaction`) and whose thresholds the stated values
do not contradict. It judges only a sentence that restarts the drug in so many words
('restart', 'resume', 'reintroduce'; not 'continued until progression'), and only when every
such row resumes one level lower.
"""

from __future__ import annotations

import re

from guardrails.dose_conditions import Situation, names_reaction
from guardrails.dose_rules import Modification
from guardrails.dose_table import DoseTable
from guardrails.negation import status_of
from guardrails.records import FactStatus

_RESTART = re.compile(
    r"\b(?:resum\w*|restart\w*|re-start\w*|reintroduc\w*|re-introduc\w*|rechalleng\w*"
    r"|go(?:es)? back on)\b",
    re.IGNORECASE,
)


def restarts(text: str) -> bool:
    """Whether the sentence restarts a drug ('restart lapatinib', 'is resumed'), not negated."""
    return any(
        status_of(text, m.start(), m.end()) is FactStatus.STATED for m in _RESTART.finditer(text)
    )


def resumed_rows(rows: list[Modification], situation: Situation) -> list[Modification]:
    """The rows whose reaction the situation names and whose thresholds its values and grade
    do not contradict; empty unless every one of them resumes one level lower."""
    named = [r for r in rows if r.action != "continue" and _named(r, situation)]
    if not named or any(r.resume_level != "one-lower" for r in named):
        return []
    return named


def _named(row: Modification, situation: Situation) -> bool:
    if not names_reaction(row.reaction, situation.words):
        return False
    fits = situation.measures.fits
    if situation.grade and fits(situation.grade, row.criterion) is False:
        return False
    return not (situation.values and fits(situation.values, row.criterion) is False)


def lower_levels(table: DoseTable, drug: str) -> str:
    """The drug's reduction levels, for the message: ' (1,000 mg)'; '' when it has none."""
    rows = [r for r in table.rows_for(drug) if r.reductions and not r.other_indication]
    units = {r.unit for r in rows}
    levels = sorted({x for r in rows for x in r.reductions}, reverse=True)
    if not levels or len(units) != 1:
        return ""
    return f" ({' or '.join(f'{x:g}' for x in levels)} {units.pop()})"
