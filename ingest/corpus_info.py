"""The corpus description (corpus/corpus.yaml): its name, the language it is written in, what it
covers, its scope and the example questions the app offers.

    info = CorpusInfo.load(Path("corpus/corpus.yaml"))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field, field_validator

from guardrails.errors import CairnError, RulesError
from guardrails.fields import NonBlank, Regex
from guardrails.schema import Strict, parse
from guardrails.yamlio import read_yaml

# The languages a corpus may be written in: those the packaged encoder (all-MiniLM-L6-v2) reads.
LANGUAGES = {"en": "English"}
_FIX = (
    "Give 'name', 'description', 'covers' and optional 'language', 'scope' and 'examples' "
    "(see docs/corpus-format.md)."
)


class _Exclusion(Strict):
    pattern: Regex  # a topic outside the corpus (case-insensitive)
    reason: NonBlank  # what the topic is, shown to the user


class _Scope(Strict):
    context: dict[str, str] = Field(default_factory=dict)
    conditions: tuple[str, ...] = ()
    excluded: tuple[_Exclusion, ...] = ()


class _CorpusFile(Strict):
    name: str = Field(min_length=1)
    description: str = ""
    language: str = "en"
    covers: tuple[str, ...] = ()
    scope: _Scope = Field(default_factory=_Scope)
    examples: tuple[str, ...] = ()

    @field_validator("language")
    @classmethod
    def _readable(cls, code: str) -> str:
        if code not in LANGUAGES:
            known = ", ".join(f"{c} ({name})" for c, name in LANGUAGES.items())
            raise ValueError(
                f"language {code!r} is not one Cairn's embedding model reads; it reads {known}"
            )
        return code


@dataclass(frozen=True)
class Exclusion:
    pattern: re.Pattern[str]
    reason: str


@dataclass(frozen=True)
class CorpusInfo:
    name: str
    description: str
    covers: tuple[str, ...]
    context: dict[str, str] = field(default_factory=dict)
    conditions: tuple[str, ...] = ()
    excluded: tuple[Exclusion, ...] = ()
    examples: tuple[str, ...] = ()  # questions the app offers on its empty screen
    language: str = "en"  # ISO 639-1 code; questions in another language get a notice

    @property
    def language_name(self) -> str:
        return LANGUAGES[self.language]

    @classmethod
    def load(cls, path: Path) -> CorpusInfo:
        if not path.is_file():
            raise CairnError(
                f"{path} not found: every corpus describes itself in corpus.yaml.",
                "Create it with 'name', 'description' and 'covers' (see docs/corpus-format.md).",
            )
        try:
            data, text = read_yaml(path)
            spec = parse(_CorpusFile, data or {}, str(path), text=text)
        except RulesError as exc:  # every problem, with the format's documentation
            raise RulesError(exc.problems, _FIX) from exc
        scope = spec.scope
        return cls(
            name=spec.name,
            description=spec.description,
            covers=spec.covers,
            context=dict(scope.context),
            conditions=tuple(c.lower() for c in scope.conditions),
            excluded=tuple(
                Exclusion(re.compile(e.pattern, re.I), e.reason) for e in scope.excluded
            ),
            examples=spec.examples,
            language=spec.language,
        )
