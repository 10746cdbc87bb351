"""What a check reads in one sentence, read once per rule set.

    memo = TextMemo[tuple[str, ...]]()
    memo.get((lexicon,), claim, lambda: read(claim, lexicon))  # once per (lexicon, claim)

The sentences of extractive answers recur from answer to answer (they are the corpus's own), so
a check whose reading of a sentence depends only on the sentence and rule objects (the lexicon,
the pathway) reads it once. The owners are compared by identity: a reloaded rule set starts
afresh. The memo is bounded: it is cleared when it holds `limit` readings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class TextMemo(Generic[T]):
    def __init__(self, limit: int = 20_000) -> None:
        self.limit = limit
        self._read: dict[tuple[tuple[int, ...], str], tuple[tuple[object, ...], T]] = {}

    def get(self, owners: tuple[object, ...], text: str, compute: Callable[[], T]) -> T:
        key = (tuple(map(id, owners)), text)
        hit = self._read.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], owners, strict=True)):
            return hit[1]
        value = compute()
        if len(self._read) >= self.limit:
            self._read.clear()
        self._read[key] = (owners, value)
        return value
