"""A rule an answer quotes with its own threshold ("hold T-DM1 when the LVEF falls below 50%"),
checked against the label's rows at every value the quoted range covers.

    conflict = quoted_conflict(text, rows, situation, measures, hold=True, keep=False)
    # (47.5, 'lvef', [the row 'LVEF above 45%: continue']): the quote holds, the label continues

The values tried are the midpoints between the bounds of the quoted range and of the rows'
thresholds for the same measure, inside the quoted range. At each value only the rows read in
full decide (a row whose change from baseline the sentence does not state leaves the value
undecided), and only when they agree: a hold where every such row continues is a finding.
Sentences with several thresholds, measures or a change from baseline are not read: the
thresholds of a sentence are not tied to the measure they follow.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from itertools import pairwise

from guardrails.dose_conditions import Situation
from guardrails.dose_rules import Modification
from guardrails.measures import Measures

Conflict = tuple[float, str, list[Modification]]  # the value tried, its measure, the rows met
_CHANGE = re.compile(r"\bpoints?\b|\bfrom baseline\b", re.IGNORECASE)


def quoted_conflict(
    text: str,
    rows: list[Modification],
    situation: Situation,
    measures: Measures,
    hold: bool,
    keep: bool,
) -> Conflict | None:
    """The first value inside the sentence's own threshold where the table continues. Read
    only where it is unambiguous: a hold (no resumption) for one range of one measure, with no
    change from baseline ('falls by more than 20 points' is another threshold, not the LVEF's)."""
    found = measures.ranges(text)
    if not hold or keep or len(found) != 1 or _CHANGE.search(text):
        return None
    for measure, quoted in found.items():
        if len(quoted) != 1:
            return None
        bounded = [r for r in rows if measure in measures.ranges(r.criterion)]
        for value in _values(quoted, bounded, measure, measures):
            probe = replace(situation, values={measure: value}, alone=False)
            if any(probe.match(r.criterion) is None for r in bounded):
                continue  # a row this value may meet, read only in part: undecided
            met = [r for r in bounded if probe.match(r.criterion) and probe.measured(r.criterion)]
            actions = {r.action for r in met}
            if met and actions == {"continue"}:
                return value, measure, met
    return None


def _values(
    quoted: list[tuple[float, float]], rows: list[Modification], measure: str, measures: Measures
) -> list[float]:
    """Midpoints between every bound, inside one of the quoted ranges."""
    bounds = {b for low, high in quoted for b in (low, high) if math.isfinite(b)}
    for row in rows:
        bounds |= {
            b for low, high in measures.ranges(row.criterion)[measure] for b in (low, high)
            if math.isfinite(b)
        }  # fmt: skip
    if not bounds:
        return []
    points = sorted(bounds)
    tried = [points[0] - 1, *((a + b) / 2 for a, b in pairwise(points)), points[-1] + 1]
    return [v for v in tried if any(low < v < high for low, high in quoted)]
