"""Metrics, each for one stage, so a regression points at its stage.

- retrieval: recall@k and reciprocal rank of the expected sources;
- evidence: the share of cited passages that contain what they are cited for;
- answer: key facts stated, forbidden claims made, numbers found in the cited passages;
- shape: statements that repeat a claim, length in words, a key fact in the first line;
- latency: percentiles.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

from guardrails.answer import parse_answer
from guardrails.text import numbers_in, strip_citations
from ingest.lexical import STOPWORDS

_CONTENT = re.compile(r"[a-z][a-z0-9-]{3,}|\d+(?:\.\d+)?")
_STOP = frozenset(
    "with that this from were have been their which than into after when also each more "
    "over only other such these those they them then both most what while where there".split()
)


def recall_at(ranked: Sequence[str], expected: Sequence[str], k: int) -> float:
    if not expected:
        return 1.0
    return len(set(ranked[:k]) & set(expected)) / len(set(expected))


def reciprocal_rank(ranked: Sequence[str], expected: Sequence[str]) -> float:
    for rank, source in enumerate(ranked, start=1):
        if source in expected:
            return 1.0 / rank
    return 0.0


def body_text(text: str) -> str:
    """The answer without its reference list and Markdown emphasis, for pattern matching."""
    body = text.split("**References**")[0]
    return body.replace("**", "")


def supported(sentence: str, passage: str) -> bool:
    """Whether a passage contains what a sentence cites it for: its numbers, and most of its
    content words."""
    claim = strip_citations(sentence).lower()
    numbers = set(numbers_in(claim))
    if numbers - set(numbers_in(passage)):
        return False
    words = {w for w in _CONTENT.findall(claim) if w not in _STOP and not w[0].isdigit()}
    if not words:
        return True
    text = passage.lower()
    return sum(1 for w in words if w in text) / len(words) >= 0.6


def citation_support(text: str, snippets: dict[int, str]) -> tuple[int, int]:
    """(supported, total) pairs of sentence and cited passage."""
    good = total = 0
    for sentence in parse_answer(text):
        for n in sentence.citations:
            if n in snippets:
                total += 1
                good += supported(sentence.text, snippets[n])
    return good, total


def number_grounding(
    text: str, snippets: dict[int, str], patient: frozenset[str] = frozenset()
) -> tuple[int, int]:
    """(grounded, total) numbers of cited sentences found in their cited passages; `patient`
    numbers (the patient's weight, BSA, and the doses computed from them, as the review's
    arithmetic derives them) need no passage."""
    good = total = 0
    for sentence in parse_answer(text):
        if not sentence.citations:
            continue
        available = {
            n for c in sentence.citations if c in snippets for n in numbers_in(snippets[c])
        }
        for number in numbers_in(sentence.claim):
            total += 1
            good += number in available or number in patient
    return good, total


# Two statements make the same claim when, normalized (lower case, citation markers and
# function words removed), each has at least this many words and numbers and they share at
# least this part of them (Jaccard similarity of the two sets).
SAME_CLAIM_MIN_TOKENS = 5
SAME_CLAIM_OVERLAP = 0.6
_CLAIM_TOKEN = re.compile(r"[a-z][a-z0-9-]+|\d+(?:\.\d+)?")
_HEADING = re.compile(r"^\s*(?:#{1,6}\s+.*|\*\*[^*]+\*\*:?)\s*$")


def claim_tokens(sentence: str) -> frozenset[str]:
    """The words and numbers of a statement, without citations and function words."""
    text = strip_citations(sentence).lower()
    return frozenset(t for t in _CLAIM_TOKEN.findall(text) if t not in STOPWORDS)


def same_claim(a: frozenset[str], b: frozenset[str]) -> bool:
    if min(len(a), len(b)) < SAME_CLAIM_MIN_TOKENS:
        return False
    return len(a & b) / len(a | b) >= SAME_CLAIM_OVERLAP


def duplicate_claims(text: str) -> int:
    """Pairs of statements of the answer body that make the same claim."""
    claims = [claim_tokens(s.text) for s in parse_answer(body_text(text))]
    return sum(same_claim(a, b) for i, a in enumerate(claims) for b in claims[i + 1 :])


def word_count(text: str) -> int:
    """Words of the answer body (before the references), Markdown and citations left out."""
    return len(re.findall(r"[A-Za-z0-9][A-Za-z0-9.,/%+-]*", strip_citations(body_text(text))))


def first_line(text: str) -> str:
    """The answer's first line of content: headings ('**Answer**') are skipped."""
    raw = text.split("**References**")[0]
    for line in raw.splitlines():
        if line.strip() and not _HEADING.match(line):
            return line.replace("**", "").strip()
    return ""


def percentile(values: Iterable[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ratio(good: float, total: float) -> float:
    return round(good / total, 4) if total else 1.0


def mean(values: Iterable[float]) -> float:
    items = list(values)
    return round(sum(items) / len(items), 4) if items else 0.0
