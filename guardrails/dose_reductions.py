"""Reduction targets: an amount a sentence says a dose is reduced TO is a reduction level, so it
is judged against the label's reduction steps (`reductions` of the drug's rows), not accepted
because it lies inside some row's starting-dose range.

    check_reduction(mention, "docetaxel", rows_in_that_unit)
    # "Docetaxel is reduced from 75 mg/m2 to 60 mg/m2" -> doses.reduction-level
    # (the single-agent row's range is 60-100 mg/m2, but its reductions are 75 and 55)

An amount is a reduction target when the last dose-changing verb before it in its clause is a
reduction ('reduce', 'lower', 'decrease', 'step down') and the amount follows 'to' or 'reduced
dose of'. 'Escalated to 100 mg/m2' and 'reduced from 100 mg/m2' are not targets; 'never reduced
below 55' is not either.
"""

from __future__ import annotations

import re

from guardrails.dose_findings import block, fmt, same_number
from guardrails.dose_mentions import DoseMention
from guardrails.dose_table import DoseRow
from guardrails.records import Finding

# Verbs that change a dose; the last one before an amount says which way it went.
_CHANGE = re.compile(
    r"\b(?P<down>reduc\w*|lower(?:ed|ing|s)?\b(?!\s+(?:than|limit|dose\b))|decreas\w*"
    r"|step\w*\s+down|de-escalat\w*|dose[- ]reduc\w*)"
    r"|\b(?:escalat\w*|re-escalat\w*|increas\w*|rais\w*|titrat\w*|resum\w*|restart\w*)",
    re.IGNORECASE,
)
_TARGET = re.compile(
    r"(?:\bto|\breduced\s+(?:dose|level)\s+(?:of\s+)?|\blower\s+dose\s+of)\s*$", re.IGNORECASE
)
_CLAUSE = re.compile(r"[.;:]")
_REACH = 70  # characters before an amount in which its verb is looked for


def is_reduction_target(mention: DoseMention) -> bool:
    """Whether the sentence says the dose is reduced to this amount."""
    text = mention.sentence.text
    start = mention.start - mention.sentence.start
    before = text[max(0, start - _REACH) : start]
    before = _CLAUSE.split(before)[-1]
    if not _TARGET.search(before):
        return False
    verbs = list(_CHANGE.finditer(before))
    return bool(verbs) and verbs[-1].group("down") is not None


def check_reduction(mention: DoseMention, name: str, same_unit: list[DoseRow]) -> list[Finding]:
    """A reduction target that is no level of any row with reduction steps (and no dose of a
    row without them, such as an adjusted dose for hepatic impairment)."""
    stepped = [r for r in same_unit if r.reductions]
    if not stepped or any(_accepts(r, mention.amount) for r in same_unit):
        return []
    steps = " or ".join(dict.fromkeys(_levels(r) for r in stepped))
    return [
        block(
            mention,
            "doses.reduction-level",
            f"{mention.text} is not a reduction level of {name}: the label reduces it {steps}.",
            stepped,
        )
    ]


def _accepts(row: DoseRow, amount: float) -> bool:
    if any(same_number(amount, r) for r in row.reductions):
        return True
    if row.low is not None:  # a range: its ends are starting doses, not steps
        return not row.reductions and row.low - 1e-9 <= amount <= (row.high or row.low) + 1e-9
    return any(same_number(amount, a) for a in row.amounts)


def _levels(row: DoseRow) -> str:
    start = row.high if row.low is not None else row.amounts[0]
    levels = [start, *row.reductions] if start is not None else list(row.reductions)
    return " -> ".join(fmt(x) for x in levels) + f" {row.unit}"
