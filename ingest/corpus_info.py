"""The corpus description (corpus/corpus.yaml): its name, the language it is written in, what it
covers, its scope and the example questions the app offers.

    info = CorpusInfo.load(Path("corpus/corpus.yaml"))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from guardrails.errors import CairnError
from guardrails.yamlio import unknown_fields

_KEYS = ("name", "description", "language", "covers", "scope", "examples")
# The languages a corpus may be written in: those the packaged encoder (all-MiniLM-L6-v2) reads.
LANGUAGES = {"en": "English"}
_SCOPE = ("context", "conditions", "excluded")


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
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            scope: dict[str, Any] = data.get("scope") or {}
            unknown = unknown_fields(data, _KEYS, "") + unknown_fields(scope, _SCOPE, "scope")
            if unknown:
                raise KeyError(unknown[0].lstrip(": "))
            excluded = tuple(
                Exclusion(re.compile(str(e["pattern"]), re.I), str(e["reason"]))
                for e in scope.get("excluded") or []
            )
            return cls(
                name=str(data["name"]),
                description=str(data.get("description", "")),
                covers=tuple(str(c) for c in data.get("covers") or ()),
                context={str(k): str(v) for k, v in (scope.get("context") or {}).items()},
                conditions=tuple(str(c).lower() for c in scope.get("conditions") or ()),
                excluded=excluded,
                examples=tuple(str(q) for q in data.get("examples") or ()),
                language=_language(data.get("language", "en")),
            )
        except (yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError, re.error) as exc:
            raise CairnError(
                f"{path} is not a valid corpus description ({exc}).",
                "Give 'name', 'description', 'covers' and optional 'language', 'scope' and "
                "'examples' (see docs/corpus-format.md).",
            ) from exc


def _language(code: object) -> str:
    if code not in LANGUAGES:
        known = ", ".join(f"{c} ({name})" for c, name in LANGUAGES.items())
        raise ValueError(
            f"language {code!r} is not one Cairn's embedding model reads; it reads {known}"
        )
    return str(code)
