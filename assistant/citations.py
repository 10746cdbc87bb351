"""Citation markers after generation: drop markers that point to no passage, renumber the rest
in order of first appearance, and build the reference list.

    body, evidence, dropped = renumber("... [3] ... [1]", evidence)  # [3] -> [1], [1] -> [2]
"""

from __future__ import annotations

import re

from assistant.records import Citation, Evidence

_MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")


def renumber(text: str, evidence: list[Evidence]) -> tuple[str, list[Evidence], list[int]]:
    """Return the text with valid markers renumbered 1..n, the cited evidence in that order
    (with its new numbers) and the marker numbers that pointed to no passage."""
    by_number = {e.n: e for e in evidence if e.n is not None}
    order: dict[int, int] = {}
    dropped: list[int] = []

    def replace(match: re.Match[str]) -> str:
        kept = []
        for part in re.split(r"\s*[,;]\s*", match.group(1)):
            old = int(part)
            if old not in by_number:
                dropped.append(old)
                continue
            new = order.setdefault(old, len(order) + 1)
            if new not in kept:
                kept.append(new)
        return "[" + ", ".join(str(n) for n in kept) + "]" if kept else ""

    text = _MARKER.sub(replace, text)
    text = re.sub(r"[ \t]+([.,;:])", r"\1", text)
    cited = [by_number[old].model_copy(update={"n": new}) for old, new in order.items()]
    return text, cited, sorted(set(dropped))


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
    """The numbered reference list shown below an answer."""
    if not citations:
        return ""
    lines = ["**References**"]
    for c in citations:
        status = " (superseded)" if c.status == "superseded" else ""
        lines.append(f"[{c.n}] {c.title}{status}. {c.section}. {c.citation} ({c.year}).")
    return "\n".join(lines)
