"""Measured values in a question, and whether a sentence's thresholds include them.

"Platelets 40k on T-DM1" should be answered from the sentence about 25,000-50,000/mm3, not the
one about "below 25,000/mm3"; "after grade 2 pneumonitis" from the one about "grade 2 or
higher", not "grade 1". These are general clinical measures, not one disease's.

    values = measured_values("platelets 40k, LVEF 48%")  # {"platelets": 40000.0, "lvef": 48.0}
    fits(values, "held for platelets of 25,000-50,000/mm3")  # True
    fits(values, "held for platelets below 25,000/mm3")      # False
    fits(values, "T-DXd is given every 3 weeks")             # None: no threshold for a value
"""

from __future__ import annotations

import math
import re

_NUMBER = r"(\d+(?:[.,]\d+)*)"
# measure: (names, a value in the question)
_MEASURES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "platelets": (
        re.compile(r"\bplatelets?(?: counts?)?\b|\bplt\b", re.I),
        re.compile(
            r"\b(?:platelets?(?: counts?)?|plt)\s*(?:of|at|is|are|now|=|:)?\s*"
            + _NUMBER
            + r"\s*(k\b|x ?10\^?9|×\s?10\^?9)?",
            re.I,
        ),
    ),
    "grade": (
        re.compile(r"\bgrades?\s*[0-5]\b", re.I),
        re.compile(r"\bgrade\s*([1-5])\b", re.I),
    ),
    "lvef": (
        re.compile(r"\b(?:LVEF|EF|ejection fraction)\b", re.I),
        re.compile(
            r"\b(?:LVEF|EF|ejection fraction)\s*(?:of|is|was|now|at|=|:)?\s*" + _NUMBER + r"\s*%",
            re.I,
        ),
    ),
}
# "grade 2 or higher", "grade 3-4", "grade 1": the toxicity grades a sentence is about.
_GRADES = re.compile(
    r"\bgrades?\s*([0-5])"
    r"(?:\s*(?:-|–|to|or)\s*([0-5])\b|\s*(or (?:higher|above|more|greater)|\+))?",
    re.I,
)
_RANGE = re.compile(rf"{_NUMBER}\s*%?\s*(?:-|–|to)\s*{_NUMBER}")
_BELOW = re.compile(rf"\b(?:below|under|less than|lower than|<)\s*{_NUMBER}", re.I)
_ABOVE = re.compile(
    rf"\b(?:above|over|greater than|more than|at least|>|≥|>=)\s*{_NUMBER}|{_NUMBER}\s*%?"
    r"(?:/mm3)?\s*or (?:more|above|higher|greater)",
    re.I,
)


def measured_values(question: str) -> dict[str, float]:
    """The values of the known measures that a question states."""
    found: dict[str, float] = {}
    for measure, (_, value) in _MEASURES.items():
        match = value.search(question)
        if match is None or len({m.group(1) for m in value.finditer(question)}) > 1:
            continue  # none, or several ("grade 3 and grade 4 rates"): no one value to fit
        number = _as_number(match.group(1))
        if measure == "platelets" and match.group(2):
            number *= 1000  # 40k, 40 x10^9/L -> 40,000/mm3
        found[measure] = number
    return found


def fits(values: dict[str, float], sentence: str) -> bool | None:
    """True when a threshold in the sentence includes a value; False when the sentence gives
    thresholds for the measure and none includes it; None when it gives none."""
    verdicts = []
    for measure, value in values.items():
        names, _ = _MEASURES[measure]
        if not names.search(sentence):
            continue
        ranges = _grades(sentence) if measure == "grade" else _ranges(sentence)
        if ranges:
            verdicts.append(any(low <= value <= high for low, high in ranges))
    if not verdicts:
        return None
    return any(verdicts)


def _ranges(sentence: str) -> list[tuple[float, float]]:
    ranges = [(_as_number(a), _as_number(b)) for a, b in _RANGE.findall(sentence)]
    ranges += [(-math.inf, _as_number(n)) for n in _BELOW.findall(sentence)]
    ranges += [(_as_number(a or b), math.inf) for a, b in _ABOVE.findall(sentence)]
    return ranges


def _grades(sentence: str) -> list[tuple[float, float]]:
    found = []
    for low, high, more in _GRADES.findall(sentence):
        top = math.inf if more else float(high or low)
        found.append((float(low), top))
    return found


def _as_number(text: str) -> float:
    return float(text.replace(",", ""))
