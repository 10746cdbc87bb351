"""Patients' and clinicians' names in a question, replaced by [NAME] (for the audit log).

    redact_names("can bridget o'malley restart T-DXd?")  # "can [NAME] restart T-DXd?"

A name is a run of words written alike (Title, UPPER or lower case, with particles such as "van
der" inside): after a title ("Mrs Okafor" becomes "[NAME]"), after "patient", "pt", "named" or
"called" ("patient [NAME]"), before an age ("Maria García, 54 yo"), or a known given name with
a surname after it. Words written in lower case or in capitals, where case says nothing, are
taken after "patient" and the like only when they start with a known given name; a run never
holds a function word ("has", "with", "progressed"). The word lists are in
assistant/understand/data.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data"
_WORD = re.compile(r"(?<![\w'’+-])[^\W\d_]+(?:['’-][^\W\d_]+)*(?![\w+/]|-\w)")
_CUE = re.compile(
    r"(?:(?<!\d)(?<!\d\s)\b(?P<title>mrs|mr|ms|miss|mx|dr|prof)\b\.?"
    r"|\b(?P<lead>patient(?:'s name is)?|pt|named|called|name is|name(?=\s*:)))\s*[:,]?\s+",
    re.IGNORECASE,
)
_AGE_AFTER = re.compile(
    r",?\s*\(?\s*(?:a\s+|aged\s+)?(?:\d{1,3}|90\+)\s*"
    r"(?:(?i:yo|y/o|years?|yrs?|-year-old|year-old)\b|[FM]\b)"
)
_PARTICLES = frozenset(
    "van der den de del della di da dos das du la le von al el bin binti ní nic ó mac ten ter"
    .split()
)  # fmt: skip
_VERB_ENDINGS = ("ed", "ing", "ly")


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str

    @property
    def style(self) -> str | None:
        return _style(self.text)

    @property
    def key(self) -> str:
        return _fold(self.text)


def redact_names(text: str) -> str:
    """The text with the names found in it replaced by [NAME]."""
    tokens = [_Token(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    spans = _after_cues(text, tokens) + _before_ages(text, tokens) + _given_names(text, tokens)
    out, last = [], 0
    for start, end in sorted(spans):
        if start >= last:
            out += [text[last:start], "[NAME]"]
            last = end
        elif end > last:  # overlapping spans: the earlier one stretches to the later's end
            last = end
    return "".join([*out, text[last:]])


def _after_cues(text: str, tokens: list[_Token]) -> list[tuple[int, int]]:
    spans = []
    at = {t.start: k for k, t in enumerate(tokens)}
    for cue in _CUE.finditer(text):
        i = at.get(cue.end())
        if i is None:
            continue
        first, title = tokens[i], cue.group("title")
        if first.style == "upper" and not (title or cue.group().strip(" :,.").isupper()):
            continue  # "Patient ER-negative": an abbreviation, not a name
        if first.style == "lower" and not title and first.key not in given_names():
            continue  # "patient preference"
        n = _run(text, tokens, i)
        english = given_names().get(first.key)
        if n == 1 and not title and (english is None or (english and first.style == "lower")):
            continue  # "pt Child-Pugh C", "pt, echo EF 43%": one word is a name if it is a
            # given name, and in lower case only one that is no English word as well
        if n and title:
            spans.append((cue.start(), tokens[i + n - 1].end))
        elif n:
            spans.append((first.start, tokens[i + n - 1].end))
    return spans


def _before_ages(text: str, tokens: list[_Token]) -> list[tuple[int, int]]:
    spans = []
    for j, last in enumerate(tokens):
        if not _AGE_AFTER.match(text, last.end) or last.key in function_words():
            continue
        i = j
        while i > 0 and _adjacent(text, tokens[i - 1], tokens[i]) and i > j - 3:
            if tokens[i - 1].style != last.style or tokens[i - 1].key in function_words():
                break
            i -= 1
        lower_inside = last.style == "lower" and text[: tokens[i].start].strip()
        if j > i and last.style and not lower_inside:
            spans.append((tokens[i].start, last.end))
    return spans


def _given_names(text: str, tokens: list[_Token]) -> list[tuple[int, int]]:
    spans = []
    for i, first in enumerate(tokens):
        english = given_names().get(first.key)
        if english is None or (english and first.style != "title"):
            continue  # "rose", "GRACE": a word as well, and case does not tell
        n = _run(text, tokens, i, most=2 if first.style == "lower" else 3)
        surname = tokens[i + n - 1].text if n else ""
        if n >= 2 and (first.style != "upper" or len(surname) > 2):
            spans.append((first.start, tokens[i + n - 1].end))
    return spans


def _run(text: str, tokens: list[_Token], i: int, most: int = 4) -> int:
    """How many tokens from tokens[i] on make up a name."""
    first = tokens[i]
    lead = 0  # "van den Broek": particles first, the name's case after them
    while first.text in _PARTICLES and i + lead + 1 < len(tokens) and lead < 2:
        lead += 1
        if not _adjacent(text, tokens[i + lead - 1], tokens[i + lead]):
            return 0
        first = tokens[i + lead]
    if first.style is None or _common(first):
        return 0
    n = lead + 1
    while n < most and i + n < len(tokens) and _adjacent(text, tokens[i + n - 1], tokens[i + n]):
        word = tokens[i + n]
        particle = first.style == "title" and word.text in _PARTICLES
        if _common(word) or (word.style != first.style and not particle):
            break
        n += 1
    while n > 1 and tokens[i + n - 1].text in _PARTICLES:
        n -= 1
    return n


def _common(token: _Token) -> bool:
    if token.key in function_words():
        return True
    return token.style == "lower" and token.text.endswith(_VERB_ENDINGS)


def _adjacent(text: str, a: _Token, b: _Token) -> bool:
    between = text[a.end : b.start]
    return bool(between) and between.isspace() and "\n" not in between


def _style(word: str) -> str | None:
    letters = [c for c in word if c.isalpha()]
    if all(c.islower() for c in letters):
        return "lower"
    if all(c.isupper() for c in letters):
        return "upper" if len(letters) > 1 else None
    parts = word.split("-")
    if all(len(p) > 1 and p[0].isupper() for p in parts):
        return "title"  # "McAllister", "O'Brien", "Al-Sayed"; not "ER-negative" nor "T-DXd"
    return None


def _fold(word: str) -> str:
    """Lower case without accents or a possessive: "Jürgen's" -> "jurgen"."""
    word = re.sub(r"['’]s$", "", word.lower())
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


@cache
def given_names() -> dict[str, bool]:
    """Known given names, and whether each is an English word as well."""
    return _word_list("given_names.txt")


@cache
def function_words() -> frozenset[str]:
    return frozenset(_word_list("function_words.txt"))


def _word_list(name: str) -> dict[str, bool]:
    words: dict[str, bool] = {}
    for line in (_DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, _, mark = line.partition(" ")
            words[word] = mark.strip() == "*"
    return words
