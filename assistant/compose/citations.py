"""Citation markers after generation: drop markers that point to no passage, renumber the rest
in order of first appearance (the passages of one source take consecutive numbers), and build
the reference list, one line per source with the sections cited.

    body, evidence, dropped = renumber("... [3] ... [1]", evidence)  # [3] -> [1], [1] -> [2]
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.records import Citation, Evidence

_MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")


def renumber(text: str, evidence: list[Evidence]) -> tuple[str, list[Evidence], list[int]]:
    """Return the text with valid markers renumbered 1..n, the cited evidence in that order
    (with its new numbers) and the marker numbers that pointed to no passage. Sources are
    numbered in order of first appearance, and a source's passages take consecutive numbers
    (in their order of first appearance), so its reference line reads "[2, 3]"."""
    by_number = {e.n: e for e in evidence if e.n is not None}
    seen = [int(p) for m in _MARKER.finditer(text) for p in re.split(r"\s*[,;]\s*", m.group(1))]
    first: dict[str, list[int]] = {}
    for old in dict.fromkeys(n for n in seen if n in by_number):
        first.setdefault(by_number[old].source.id, []).append(old)
    order = {old: new for new, old in enumerate(_flat(first.values()), start=1)}
    dropped = sorted({n for n in seen if n not in by_number})

    def replace(match: re.Match[str]) -> str:
        kept = []
        for part in re.split(r"\s*[,;]\s*", match.group(1)):
            new = order.get(int(part))
            if new is not None and new not in kept:
                kept.append(new)
        return "[" + ", ".join(str(n) for n in kept) + "]" if kept else ""

    text = _MARKER.sub(replace, text)
    text = re.sub(r"[ \t]+([.,;:])", r"\1", text)
    cited = [by_number[old].model_copy(update={"n": new}) for old, new in order.items()]
    return text, cited, dropped


def _flat(groups: Iterable[list[int]]) -> list[int]:
    return [n for group in groups for n in group]


def citation_of(evidence: Evidence) -> Citation:
    assert evidence.n is not None
    source, chunk = evidence.source, evidence.chunk
    return Citation(
        n=evidence.n,
        source_id=source.id,
        title=source.title,
        section=chunk.section,
        citation=source.citation,
        year=source.year,
        status=source.status.value,
        url=source.url,
        chunk_id=chunk.id,
        snippet=chunk.text,
    )


def references(citations: list[Citation]) -> str:
    """The reference list below an answer: one line per source, its citation numbers first,
    then the sections cited (each with its numbers when the source has several)."""
    if not citations:
        return ""
    lines = ["**References**"]
    for group in by_source(citations):
        c = group[0]
        status = " (superseded)" if c.status == "superseded" else ""
        numbers = ", ".join(str(g.n) for g in group)
        lines.append(f"[{numbers}] {c.title}{status}. {sections(group)}. {c.citation} ({c.year}).")
    return "\n".join(lines)


def by_source(citations: list[Citation]) -> list[list[Citation]]:
    """The citations grouped by source, in order of first appearance."""
    groups: dict[str, list[Citation]] = {}
    for c in citations:
        groups.setdefault(c.source_id, []).append(c)
    return list(groups.values())


def sections(group: list[Citation]) -> str:
    """'Dose' for one passage; 'Dose [2]; Warnings [3, 4]' for a source cited several times."""
    if len(group) == 1:
        return group[0].section
    numbers: dict[str, list[int]] = {}
    for c in group:
        numbers.setdefault(c.section, []).append(c.n)
    return "; ".join(f"{name} [{', '.join(map(str, ns))}]" for name, ns in numbers.items())
