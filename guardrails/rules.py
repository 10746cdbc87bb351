"""The rule book: every rule file of a corpus, loaded and validated together.

rules = RuleBook.load(Path("corpus/rules"))
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from guardrails.lexicon import Lexicon


@dataclass(frozen=True)
class RuleBook:
    lexicon: Lexicon

    @classmethod
    def load(cls, folder: Path) -> RuleBook:
        return cls(lexicon=Lexicon.load(folder / "lexicon.yaml"))
