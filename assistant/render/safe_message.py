"""The safe message that replaces a blocked answer: what was wrong and what to read."""

from __future__ import annotations

from assistant.records import Citation
from guardrails.records import Review, Severity


def blocked_text(review: Review, citations: list[Citation], titles: dict[str, str]) -> str:
    """Name each blocking finding and the sources that back the rule (by title)."""
    titles = {**titles, **{c.source_id: c.title for c in citations}}
    lines = [
        "**Answer withheld**",
        "- Cairn's review found a problem it will not show as an answer:",
    ]
    sources: list[str] = []
    for finding in review.findings:
        if finding.severity is not Severity.BLOCK:
            continue
        lines.append(f"  - {finding.message}")
        sources.extend(s for s in finding.source_ids if s not in sources)
    if sources:
        named = "; ".join(titles.get(s, s) for s in sources)
        lines.append(f"- Read: {named}.")
    lines.append("- Rephrase the question or check the patient details, then ask again.")
    return "\n".join(lines)
