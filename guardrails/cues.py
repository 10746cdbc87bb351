"""The words of a corpus's domain that mark what a question asks or what a sentence does
(`rules/cues.yaml`), beside the general clinical cues of `assistant.understand.intent`: a guideline
body's name makes a question about where the sources differ, a toxicity or a test makes it a
safety question.

    cues = Cues.load(Path("corpus/rules/cues.yaml"))
    cues.intents["safety"]   # ("pneumonitis", "ild\\b", ...)

Regular expressions, matched case-insensitively from a word start. A corpus without the file
has only the general cues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from guardrails.lexicon import Lexicon
from guardrails.schema import parse
from guardrails.yamlio import read_yaml

IntentName = Literal["difference", "choice", "dose", "treatment_strong", "trial", "safety"]
RoleName = Literal["reduction", "action", "monitoring", "caution", "recommendation", "result"]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    intents: dict[IntentName, tuple[str, ...]] = {}
    roles: dict[RoleName, tuple[str, ...]] = {}

    @field_validator("intents", "roles")
    @classmethod
    def _valid(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for words in value.values():
            for word in words:
                try:
                    re.compile(word)
                except re.error as exc:
                    raise ValueError(f"{word!r} is not a valid regular expression ({exc})") from exc
        return value


@dataclass(frozen=True)
class Cues:
    """Extra words per intent and per sentence role, as one alternation each."""

    intents: tuple[tuple[str, str], ...] = ()
    roles: tuple[tuple[str, str], ...] = ()
    origin: str = field(default="", compare=False)

    def intent(self, name: str) -> str:
        return dict(self.intents).get(name, "")

    def role(self, name: str) -> str:
        return dict(self.roles).get(name, "")

    @classmethod
    def load(cls, path: Path) -> Cues:
        if not path.is_file():
            return cls()
        data, text = read_yaml(path)
        spec = parse(_Spec, data or {}, str(path), text=text)
        return cls(
            tuple((k, "|".join(v)) for k, v in spec.intents.items() if v),
            tuple((k, "|".join(v)) for k, v in spec.roles.items() if v),
            str(path),
        )


NO_CUES = Cues()


def cues_of(lexicon: Lexicon | None) -> Cues:
    """The cues of the rule folder a lexicon was loaded from; none for a lexicon from data."""
    if lexicon is None or lexicon.origin is None:
        return NO_CUES
    path = lexicon.origin.resolve().parent / "cues.yaml"
    return _beside(path, path.stat().st_mtime_ns if path.is_file() else 0)


@cache
def _beside(path: Path, mtime: int) -> Cues:  # a new version of the file is read again
    return Cues.load(path)
