"""What the corpus covers, and whether retrieval found enough to answer a question.

info = CorpusInfo.load(Path("corpus/corpus.yaml"))
covered(result, settings)  # False: answer "not covered" instead of quoting weak matches
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.retrieval import RetrievalResult
from assistant.settings import RetrievalSettings
from guardrails.errors import CairnError


@dataclass(frozen=True)
class CorpusInfo:
    name: str
    description: str
    covers: tuple[str, ...]

    @classmethod
    def load(cls, path: Path) -> CorpusInfo:
        if not path.is_file():
            return cls(name=path.parent.name, description="", covers=())
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            raise CairnError(
                f"{path}: expected a mapping with 'name', 'description' and 'covers'.",
                "Correct corpus/corpus.yaml.",
            )
        covers = data.get("covers") or []
        return cls(data["name"], str(data.get("description", "")), tuple(str(c) for c in covers))


def is_covered(result: RetrievalResult, settings: RetrievalSettings) -> bool:
    """Enough evidence: a passage close in meaning, and most of the question's terms found."""
    if not result.evidence:
        return False
    if result.best_similarity >= settings.min_similarity + 0.15:
        return True
    return result.best_similarity >= settings.min_similarity and result.term_coverage >= 0.5


def not_covered_text(info: CorpusInfo, question: str) -> str:
    covers = "\n".join(f"- {item}" for item in info.covers)
    return (
        f"**Not covered**\n- Cairn's corpus ({info.name}) does not contain evidence that answers "
        f"this question, so Cairn does not answer it from weak matches.\n\n"
        f"**What the corpus covers**\n{covers}"
    )
