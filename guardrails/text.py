"""Text helpers shared by every stage: sentences, numbers and citation markers.

split_sentences("T-DXd 5.4 mg/kg (Cortes et al. 2022) improved PFS. HR 0.28.")
# -> [Span('T-DXd 5.4 mg/kg (Cortes et al. 2022) improved PFS.', ...), Span('HR 0.28.', ...)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Abbreviations after which a period does not end a sentence.
_ABBREVIATIONS = {
    "al",
    "vs",
    "e.g",
    "i.e",
    "eg",
    "ie",
    "dr",
    "fig",
    "no",
    "approx",
    "ca",
    "cf",
    "etc",
    "mr",
    "mrs",
    "ms",
    "prof",
    "st",
    "inc",
    "ltd",
    "jr",
    "sr",
    "mg",
    "min",
    "max",
    "ref",
    "resp",
    "incl",
    "wk",
    "wks",
    "mo",
    "mos",
    "yr",
    "yrs",
    "nos",
    "pts",
    "pt",
    "est",
}


class Folded:
    """A case-insensitive pattern run on lower-cased text.

    Python's re drops its literal-prefix scan under IGNORECASE, so the review's cue patterns
    run two to five times slower with it. A pattern written in lower case finds the same spans
    in `text.lower()` whenever lowering keeps the length (it does, except for a few non-ASCII
    letters, which fall back to IGNORECASE). Matched text comes back lower-cased.

        REDUCED = Folded(r"reduc|dose level")
        REDUCED.search("Dose level -1")  # a match at 0
    """

    def __init__(self, pattern: str) -> None:
        if re.search(r"(?<!\\)[A-Z]", pattern):
            raise ValueError(f"a folded pattern is written in lower case: {pattern!r}")
        self.pattern = pattern
        self._lower = re.compile(pattern)
        self._any_case = re.compile(pattern, re.IGNORECASE)

    def search(self, text: str) -> re.Match[str] | None:
        lowered = text.lower()
        if len(lowered) == len(text):
            return self._lower.search(lowered)
        return self._any_case.search(text)


# A sentence ends at . ! or ? (keeping citation markers that follow it, "weeks. [1]"), at a blank
# line, or before a bullet.
_BOUNDARY = re.compile(
    r"(?<=[.!?])(?P<tail>(?:\s*\[\d[\d,;\s-]*\])*[\"')\]]*)\s+(?=[\"'(\[]?[A-Z0-9*•-])"
    r"|\n\s*\n|\n(?=\s*[-*•]\s)"
)
_CITATION = re.compile(r"\s*\[(\d+(?:\s*[,;-]\s*\d+)*)\]")
_LAST_WORD = re.compile(r"(\w[\w.]*)\.?[\"')\]]*$")
_TAIL = 48  # characters: longer than any abbreviation with its closing marks
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\w])")


@dataclass(frozen=True)
class Span:
    text: str
    start: int
    end: int


def split_sentences(text: str) -> list[Span]:
    """Sentences with their character spans. Bullet items and lines that end a paragraph count
    as sentence ends; periods after common abbreviations and inside numbers do not."""
    return list(_sentences(text))


@lru_cache(maxsize=8192)  # passages recur from answer to answer: split each once
def _sentences(text: str) -> tuple[Span, ...]:
    spans: list[Span] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.start() + len(match.group("tail") or "")
        candidate = text[start:end].rstrip()
        if (
            candidate.endswith(".")
            and _last_word(candidate) in _ABBREVIATIONS
            and "\n" not in text[match.start() : match.end()]
        ):
            continue
        _append(spans, text, start, end)
        start = match.end()
    _append(spans, text, start, len(text))
    return tuple(spans)


def _last_word(sentence: str) -> str:
    """The sentence's last word, lower case, without its period ('e.g.' -> 'e.g')."""
    tail = sentence[-_TAIL:]
    match = _LAST_WORD.search(tail)
    if match and match.start() == 0 and len(sentence) > _TAIL:
        match = _LAST_WORD.search(sentence)  # the word may start before the tail
    return match.group(1).lower().rstrip(".") if match else ""


def _append(spans: list[Span], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    heading = re.match(r"\s*#{1,6}[^\n]*\n", piece)
    if heading:  # a Markdown heading is a sentence of its own
        _append(spans, text, start, start + heading.end() - 1)
        start += heading.end()
        piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    offset = start + piece.index(stripped)
    spans.append(Span(stripped, offset, offset + len(stripped)))


def citation_numbers(sentence: str) -> list[int]:
    """The citation numbers in a sentence: '[1]', '[1, 3]', '[2-4]'."""
    numbers: list[int] = []
    for match in _CITATION.finditer(sentence):
        for part in re.split(r"\s*[,;]\s*", match.group(1)):
            if "-" in part:
                low, high = (int(x) for x in part.split("-", 1))
                numbers.extend(range(low, min(high, low + 20) + 1))
            else:
                numbers.append(int(part))
    return numbers


def strip_citations(sentence: str) -> str:
    return _CITATION.sub("", sentence).strip()


def numbers_in(text: str) -> list[str]:
    """Numbers as written, normalised: '1,000' -> '1000', '5.40' -> '5.4'."""
    return list(_numbers(text))


@lru_cache(maxsize=8192)
def _numbers(text: str) -> tuple[str, ...]:
    found = []
    for match in _NUMBER.finditer(strip_citations(text)):
        whole = match.group(1).replace(",", "")
        fraction = (match.group(2) or "").rstrip("0")
        found.append(f"{int(whole)}.{fraction}" if fraction else str(int(whole)))
    return tuple(found)


def normalise(text: str) -> str:
    """Lower case, single spaces, unicode dashes and comparison signs folded to ASCII."""
    table = str.maketrans({"–": "-", "—": "-", "−": "-", "≥": ">=", "≤": "<=", "×": "x"})
    return " ".join(text.translate(table).lower().split())
