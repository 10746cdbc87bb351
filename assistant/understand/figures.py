"""The figures a text states ("platelets 35,000" -> 35000.0); years are not figures.

figures("ANC 0.8, platelets 35,000 in 2024")  # -> (0.8, 35000.0)
"""

from __future__ import annotations

import re

from guardrails.lexicon import Lexicon

NUMBER = r"\d[\d,]*(?:\.\d+)?"
_NUMBER = re.compile(NUMBER)
_YEAR = re.compile(r"^(?:19|20)\d\d$")


def figures(text: str) -> tuple[float, ...]:
    return tuple(number(n) for n in _NUMBER.findall(text) if not _YEAR.match(n.replace(",", "")))


def number(text: str) -> float:
    return float(text.replace(",", ""))


def stated_figures(text: str, lexicon: Lexicon) -> tuple[float, ...]:
    """The figures of `text` outside the lexicon's names ("DB-09" and "T-DM1" hold none)."""
    chars = list(text)
    for mention in lexicon.find_all(text):
        chars[mention.start : mention.end] = " " * (mention.end - mention.start)
    return figures("".join(chars))
