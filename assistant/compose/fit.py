"""Whether a statement's conditions hold the figures a question states.

fits("held for platelets of 25,000-50,000/mm3", figures("platelets 35,000"))  # -> True
"""

from __future__ import annotations

import re

from assistant.understand.figures import figures
from assistant.understand.figures import number as _number

_RANGE = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(?:-|–|to)\s*(\d[\d,]*(?:\.\d+)?)")
_ABOVE = re.compile(
    r"(?:above|over|more than|greater than|at least|>=?|≥)\s*(\d[\d,]*(?:\.\d+)?)|"
    r"(\d[\d,]*(?:\.\d+)?)\s*(?:\S+\s+)?or (?:more|higher|above|greater)",
    re.IGNORECASE,
)
_BELOW = re.compile(
    r"(?:below|under|less than|fewer than|<=?|≤)\s*(\d[\d,]*(?:\.\d+)?)|"
    r"(\d[\d,]*(?:\.\d+)?)\s*(?:\S+\s+)?or (?:less|lower|fewer|below)",
    re.IGNORECASE,
)


def fits(text: str, values: tuple[float, ...]) -> bool:
    """A question that states figures is answered only by a statement whose conditions hold
    them: the same figure, or a range or threshold they fall in. No figures: any statement."""
    if not values:
        return True
    stated = set(figures(text))
    if stated & set(values):
        return True
    for match in _RANGE.finditer(text):
        low, high = sorted((_number(match.group(1)), _number(match.group(2))))
        if any(low <= v <= high for v in values):
            return True
    # a bound inside a range is not a threshold: "over 1.5 to 3 x ULN" stops at 3
    text = _RANGE.sub(" ", text)
    for match in _ABOVE.finditer(text):
        if any(v >= _number(match.group(1) or match.group(2)) for v in values):
            return True
    for match in _BELOW.finditer(text):
        if any(v < _number(match.group(1) or match.group(2)) for v in values):
            return True
    return False
