"""The evidence operators of the mutation suite (`evals/mutations.py`).

    cases = list(evidence_cases(sources, rng))

Every trial sentence with a hazard ratio, cited to its passage and grounded, must pass; with one
number changed by a digit, a hazard ratio from another trial, or a subgroup's figure stated for
the whole trial, it is a fault.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace

from evals.mutation_cases import Case, capital, clean
from guardrails.answer import parse_answer
from guardrails.records import Passage
from ingest.chunking import sections
from ingest.records import SourceKind
from ingest.sources import LoadedSource

_HR = re.compile(r"\bHR\s*(?:of\s*)?(\d\.\d{2})\b")
_NUMBER = re.compile(r"(?<![\w.])(\d+\.\d+|\d{2,})(?![\w.])")
_SUBGROUP = re.compile(
    r"\b(?:in|among|for)\s+(?:the\s+)?[^,.;]{0,50}?\b(?:subgroup|subset|cohort)\b[^,.;]{0,20}?,\s*",
    re.I,
)


def evidence_cases(sources: Sequence[LoadedSource], rng: random.Random) -> Iterator[Case]:
    """Trial results with one number changed, an HR from another trial, a subgroup figure
    stated for the whole trial; and the correct sentence, cited, which must pass."""
    results = [
        (loaded.source.id, section.text, sentence.claim)
        for loaded in sources
        if loaded.source.kind is SourceKind.TRIAL
        for section in sections(loaded.text)
        for sentence in parse_answer(section.text)
        if _HR.search(sentence.claim) and len(sentence.claim) < 400
    ]
    hazard_ratios = {(sid, m.group(1)) for sid, _, text in results for m in _HR.finditer(text)}
    for source_id, passage_text, text in results:
        passages = (Passage(n=1, source_id=source_id, text=passage_text),)
        cited = clean("cited trial result", f"{text} [1]", passages=passages, grounded=True)
        yield cited
        number = rng.choice(_NUMBER.findall(text) or ["0"])
        changed = _change_digit(number, rng)
        if changed not in passage_text and number in text:
            yield _wrong(cited, "number changed by one digit", text.replace(number, changed, 1))
        own = _HR.search(text)
        foreign = sorted(
            hr for sid, hr in hazard_ratios if sid != source_id and hr not in passage_text
        )
        if own and foreign:
            swapped = text[: own.start(1)] + rng.choice(foreign) + text[own.end(1) :]
            yield _wrong(cited, "hazard ratio from another trial", swapped)
        qualifier = _SUBGROUP.search(text)
        if qualifier and qualifier.start() == 0:
            whole = text[qualifier.end() :]
            yield _wrong(cited, "subgroup result as whole-trial result", capital(whole))


def _wrong(cited: Case, operator: str, claim: str) -> Case:
    """The cited result with its claim changed: a fault of the evidence family."""
    return replace(cited, operator=operator, family="evidence", faulty=True, text=f"{claim} [1]")


def _change_digit(number: str, rng: random.Random) -> str:
    positions = [i for i, c in enumerate(number) if c.isdigit()]
    i = rng.choice(positions)
    digit = str((int(number[i]) + rng.choice((1, 2, 3, 7))) % 10)
    return number[:i] + digit + number[i + 1 :]
