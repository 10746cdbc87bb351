"""Reading one turn's patient facts as the corpus's fact schema says to read them.

    read_fact(schema.get("lvef"), "LVEF fell from 60% to 45%", 0, lexicon, [])  # 45.0, stated

A fact is read by its patterns (an enum's value, a boolean's truth, a number and its unit), by
the mentions of a lexicon concept (a condition the patient has; an enum qualified by the words
around the mention), or as an interval since an event (`guardrails.timeline`). Negation and
uncertainty come from `guardrails.negation`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from guardrails.facts import FactSpec
from guardrails.lexicon import Lexicon
from guardrails.negation import status_of
from guardrails.records import Fact, FactStatus
from guardrails.timeline import interval_since

# Words that give a condition to the patient ("history of", "known", "grade 2"), and words
# that make a mention generic ("risk of", "how to monitor"): language, not a disease.
_HISTORY = re.compile(
    r"\b(?:history of|h/o|hx of|prior|previous|known|pre-?existing|underlying|baseline|"
    r"has|had|have|having|with|developed|diagnosed|suffers from|on treatment for|"
    r"recovered from|resolved|grade [1-4])\b",
    re.I,
)
_GENERIC = re.compile(
    r"\b(?:risk|rate|incidence|monitor(?:ing)?|manage(?:ment)?|signs?|symptoms?|screen(?:ing)?|"
    r"frequency|how|what|cause[sd]?|prevent(?:ion)?|define|definition)\b[^.;]{0,25}$",
    re.I,
)
_WINDOW = 50  # characters either side of a concept's mention where its qualifiers are read


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


def read_fact(
    spec: FactSpec,
    text: str,
    turn: int,
    lexicon: Lexicon,
    earlier: Sequence[str],
    found: Mapping[str, Fact[Any]] | None = None,
) -> Fact[Any]:
    """The fact as this turn states it; an unknown fact when it says nothing of it. `found`
    holds the facts this turn stated before it (for `read.plus`)."""
    read = spec.read
    if read.requires is not None and not _compiled(read.requires).search(text):
        return Fact()
    if read.interval is not None:
        i = read.interval
        return interval_since(
            text,
            turn,
            earlier,
            _compiled(i.event),
            *(_compiled(p) if p else None for p in (i.during, i.interval_names, i.never)),
        )
    if read.concept is not None:
        if read.near is not None:
            return _near(spec, text, turn, lexicon)
        if spec.type == "boolean":
            return _condition(read.concept, text, turn, lexicon, read.attributed)
        return _qualified(spec, text, turn, lexicon)
    if not read.patterns:
        return Fact()
    if spec.type != "number":
        return _valued(spec, text, turn)
    number = _number(spec, text, turn)
    if number.known or read.plus is None:
        return number
    return _plus(read.plus.fact, read.plus.pattern, (found or {}).get(read.plus.fact), text, turn)


def _fact(value: Any, status: FactStatus, evidence: str, turn: int) -> Fact[Any]:
    return Fact(value=value, status=status, evidence=evidence.strip(), turn=turn)


def _valued(spec: FactSpec, text: str, turn: int) -> Fact[Any]:
    """An enum or a boolean: the first pattern that matches gives the value. A boolean's false
    pattern ("not pregnant") states the fact negated."""
    for item in spec.read.patterns:
        match = _compiled(item.pattern).search(text)
        if match is None:
            continue
        if item.value is False:
            return _fact(False, FactStatus.NEGATED, match.group(), turn)
        status = FactStatus.STATED
        if spec.read.negated != "ignore":
            status = status_of(text, match.start(), match.end())
            if status is FactStatus.NEGATED and spec.read.negated in ("skip", "stated"):
                continue  # "not HER2-negative" is not a statement of HER2 status
            if status is not FactStatus.STATED and spec.read.negated == "stated":
                continue
        return _fact(item.value, status, match.group(), turn)
    return Fact()


def _number(spec: FactSpec, text: str, turn: int) -> Fact[Any]:
    """A number: the first (or with `last`, the last) value the patterns find, converted by
    its unit's factor."""
    matches = [m for p in spec.read.patterns for m in _compiled(p.pattern).finditer(text)]
    if not matches:
        return Fact()
    match = max(matches, key=lambda m: m.start()) if spec.read.last else min(
        matches, key=lambda m: m.start()
    )  # fmt: skip
    units = {i for name, i in match.re.groupindex.items() if name.startswith("unit")}
    groups = [g for i, g in enumerate(match.groups(), 1) if i not in units]
    value = float(next(g for g in groups if g))
    unit = next((match.group(i) for i in sorted(units) if match.group(i)), "") or ""
    factor = next((f for u, f in spec.read.units.items() if unit.lower().startswith(u)), 1.0)
    if factor != 1.0 or spec.read.round is not None:
        value *= factor
        value = round(value, spec.read.round) if spec.read.round is not None else value
    return _fact(value, FactStatus.STATED, match.group(), turn)


def _plus(other: str, pattern: str, base: Fact[Any] | None, text: str, turn: int) -> Fact[Any]:
    """Another fact's value of this turn plus the number the pattern finds."""
    match = _compiled(pattern).search(text)
    if match is None or base is None or base.value is None:
        return Fact()
    points = float(next(g for g in match.groups() if g))
    return _fact(base.value + points, FactStatus.STATED, match.group(), turn)


def _near(spec: FactSpec, text: str, turn: int, lexicon: Lexicon) -> Fact[Any]:
    """The highest number written beside a stated mention of the concept."""
    near = spec.read.near
    assert near is not None
    before, after = _compiled(near.before), _compiled(near.after)
    found = []
    for mention in _mentions(text, lexicon, spec.read.concept or ""):
        if status_of(text, mention.start, mention.end) is not FactStatus.STATED:
            continue
        ahead = before.search(text[max(0, mention.start - near.window[0]) : mention.start])
        behind = after.search(text[mention.end : mention.end + near.window[1]])
        found += [(float(m.group(1)), m.group()) for m in (ahead, behind) if m]
    if not found:
        return Fact()
    value, words = max(found)
    return _fact(value, FactStatus.STATED, words, turn)


def _mentions(text: str, lexicon: Lexicon, concept: str) -> list[Any]:
    return [m for m in lexicon.find(text) if m.concept_id == concept]


def _qualified(spec: FactSpec, text: str, turn: int, lexicon: Lexicon) -> Fact[Any]:
    """An enum read from a concept's mentions: a negated mention gives `negated_value`, words
    near it give the value ("stable brain metastases"). The last mention wins."""
    result: Fact[Any] = Fact()
    for mention in _mentions(text, lexicon, spec.read.concept or ""):
        status = status_of(text, mention.start, mention.end)
        if status is FactStatus.NEGATED:
            result = _fact(spec.read.negated_value, status, mention.text, turn)
            continue
        window = text[max(0, mention.start - _WINDOW) : mention.end + _WINDOW]
        value = next(
            (q.value for q in spec.read.qualifiers if _compiled(q.pattern).search(window)), None
        )
        result = _fact(value, status, window, turn)
    return result


def _condition(concept: str, text: str, turn: int, lexicon: Lexicon, attributed: bool) -> Fact[Any]:
    """A condition the patient has or had: needs words that attribute it to the patient, so a
    question about ILD risk does not give the patient ILD. The last mention wins."""
    result: Fact[Any] = Fact()
    for mention in _mentions(text, lexicon, concept):
        status = status_of(text, mention.start, mention.end)
        before = text[max(0, mention.start - 40) : mention.start]
        if status is FactStatus.NEGATED:
            result = _fact(False, status, mention.text, turn)
        elif status is FactStatus.UNCERTAIN:
            result = _fact(None, status, before[-20:] + mention.text, turn)
        elif not attributed or _attributed(text, before, mention.end):
            result = _fact(True, status, before[-20:] + mention.text, turn)
    return result


def _attributed(text: str, before: str, end: int) -> bool:
    after_history = re.match(r"\s*(?:history|hx)\b", text[end:], re.I)
    return bool(_HISTORY.search(before) or after_history) and not _GENERIC.search(before)
