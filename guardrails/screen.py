"""A regular expression screened by the literal words every match must contain.

    pattern = Screened(re.compile(r"\\b(?:stop|end)\\w*\\s+(?:the\\s+)?taxane", re.I))
    pattern.search("Continue the antibodies.")  # None without running the regex: no "taxane"

Most sentences of an answer hold none of the words a rule's pattern needs, and a substring test
in C costs far less than a backtracking search. The required words are read from the pattern's
own parse tree (`re._parser`), so a rule file never lists them: each top-level element that a
match cannot skip (a literal run, a group of alternatives that all start with a literal, a
repeat of at least one) gives a set of strings of which at least one must occur. The screen is
a necessary condition only; the regex still decides.
"""

from __future__ import annotations

import re
import re._constants as sre  # type: ignore[import-not-found]  # private, stable since 3.11
import re._parser as sre_parse  # type: ignore[import-not-found]
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

_MAX_SETS = 6  # more sets screen no better and cost more tests


class Screened:
    """A compiled pattern with the same `search` as `re.Pattern`, screened by required words."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.folded = bool(pattern.flags & re.IGNORECASE)
        self.required = required_words(pattern)

    def may_match(self, text: str) -> bool:
        """False only when no match is possible: a required word is missing from `text`."""
        haystack = _lower(text) if self.folded else text
        for words in self.required:  # plain loops: this runs for every rule on every sentence
            for word in words:
                if word in haystack:
                    break
            else:
                return False
        return True

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(text) if self.may_match(text) else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.pattern.finditer(text) if self.may_match(text) else iter(())

    def __repr__(self) -> str:
        return f"Screened({self.pattern.pattern!r})"


@lru_cache(maxsize=1024)  # one sentence is screened by every rule in turn
def _lower(text: str) -> str:
    return text.lower()


def required_words(pattern: re.Pattern[str]) -> tuple[frozenset[str], ...]:
    """Sets of strings: every match of `pattern` contains at least one string of each set."""
    tree = sre_parse.parse(pattern.pattern, pattern.flags)
    folded = bool(pattern.flags & re.IGNORECASE)
    found = [
        frozenset(w.lower() if folded else w for w in words) for words in _required(list(tree))
    ]
    found.sort(key=lambda words: min(len(w) for w in words), reverse=True)  # most selective first
    return tuple(found[:_MAX_SETS])


def _required(items: list[tuple[Any, Any]]) -> list[frozenset[str]]:
    sets: list[frozenset[str]] = []
    run = ""
    for op, av in items:
        if op is sre.LITERAL:
            run += chr(av)
            continue
        if run:
            sets.append(frozenset({run}))
            run = ""
        if op is sre.SUBPATTERN and not (av[1] or av[2]):  # no inline flag changes
            sets.extend(_required(list(av[-1])))
        elif op is sre.BRANCH:
            prefixes = {_prefix(list(alternative)) for alternative in av[1]}
            if "" not in prefixes:
                sets.append(frozenset(prefixes))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            sets.extend(_required(list(av[2])))
        # anything else (classes, anchors, look-arounds, optional parts) requires no word
    if run:
        sets.append(frozenset({run}))
    return sets


def _prefix(items: list[tuple[Any, Any]]) -> str:
    """The literal text every match of this alternative starts with ('' when none)."""
    text = ""
    for op, av in items:
        if op is sre.LITERAL:
            text += chr(av)
        elif op is sre.SUBPATTERN and not text and not (av[1] or av[2]):
            return _prefix(list(av[-1]))
        else:
            break
    return text
