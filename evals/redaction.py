"""The redaction suite: which identifiers a redactor removes, per kind, and how often it alters
a question that holds none.

    suite = RedactionSuite.load(REDACTION_SUITE)
    result = evaluate(redact, suite)
    print("\\n".join(result.table_lines()))

An identifier counts as removed when none of its words is left in the redacted text (beyond
the times that word occurs elsewhere in the question): "Maria [NAME]" and "07700 [PHONE]" are
misses. A clean question is falsely redacted when any character of it changes.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from guardrails.schema import parse
from guardrails.yamlio import read_yaml

REDACTION_DIR = Path(__file__).resolve().parent / "redaction"
REDACTION_SUITE = REDACTION_DIR / "identifiers.yaml"

Kind = Literal[
    "name", "age", "dob", "date", "record", "nhs", "ssn", "phone", "email", "address", "postcode"
]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]


class IdentifierCase(BaseModel):
    """A question with identifiers in it, each named by its kind."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    text: str = Field(min_length=1)
    expect: dict[Kind, list[str]] = Field(min_length=1, description="the identifiers, by kind")
    keep: list[str] = Field(default=[], description="clinical text that must come through")

    @model_validator(mode="after")
    def _spans_are_in_the_text(self) -> IdentifierCase:
        spans = [s for found in self.expect.values() for s in found] + self.keep
        absent = [s for s in spans if s not in self.text]
        if absent:
            raise ValueError(f"{self.id}: not in the text: {absent}")
        return self


class CleanCase(BaseModel):
    """A question with no identifier: it must come through unchanged."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    text: str = Field(min_length=1)


class RedactionSuite(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    identifiers: list[IdentifierCase] = Field(min_length=1)
    clean: list[CleanCase] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_are_unique(self) -> RedactionSuite:
        ids = [c.id for c in self.identifiers] + [c.id for c in self.clean]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"case ids used twice: {twice}")
        return self

    @classmethod
    def load(cls, path: Path = REDACTION_SUITE) -> RedactionSuite:
        data, text = read_yaml(path)
        return parse(cls, data, str(path), text=text)


def load_redaction_suites(folder: Path = REDACTION_DIR) -> dict[str, RedactionSuite]:
    """Every file of evals/redaction, by file stem."""
    return {p.stem: RedactionSuite.load(p) for p in sorted(folder.glob("*.yaml"))}


@dataclass(frozen=True)
class Miss:
    case_id: str
    kind: str
    identifier: str
    redacted: str


@dataclass
class RedactionResult:
    found: dict[str, int] = field(default_factory=dict)  # by kind
    total: dict[str, int] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)
    n_clean: int = 0
    false_redactions: list[tuple[str, str]] = field(default_factory=list)  # (case id, redacted)
    n_keep: int = 0
    lost_keep: list[tuple[str, str]] = field(default_factory=list)  # (case id, clinical text)
    seconds: float = 0.0
    n_sentences: int = 0

    @property
    def recall(self) -> float:
        return sum(self.found.values()) / max(1, sum(self.total.values()))

    @property
    def false_redaction_rate(self) -> float:
        return len(self.false_redactions) / max(1, self.n_clean)

    @property
    def ms_per_sentence(self) -> float:
        return 1000 * self.seconds / max(1, self.n_sentences)

    def recall_of(self, kind: str) -> float:
        return self.found.get(kind, 0) / max(1, self.total.get(kind, 0))

    def as_dict(self) -> dict[str, Any]:
        return {
            "recall": round(self.recall, 4),
            "identifiers": sum(self.total.values()),
            "recall_by_kind": {k: round(self.recall_of(k), 4) for k in self.total},
            "false_redaction_rate": round(self.false_redaction_rate, 4),
            "clean": self.n_clean,
            "clinical_text_kept": round(1 - len(self.lost_keep) / max(1, self.n_keep), 4),
            "ms_per_sentence": round(self.ms_per_sentence, 3),
            "misses": [m.__dict__ for m in self.misses],
            "false_redactions": [{"id": i, "redacted": r} for i, r in self.false_redactions],
            "lost_clinical_text": [{"id": i, "text": t} for i, t in self.lost_keep],
        }

    def table_lines(self) -> list[str]:
        lines = [f"  {'kind':<10} {'found':>7} {'recall':>7}"]
        for kind in self.total:
            found = f"{self.found.get(kind, 0)}/{self.total[kind]}"
            lines.append(f"  {kind:<10} {found:>7} {self.recall_of(kind):>7.3f}")
        lines += [
            f"  {'all':<10} {sum(self.found.values())}/{sum(self.total.values())} "
            f"{self.recall:.3f}",
            f"  false redactions on clean questions: {len(self.false_redactions)}/{self.n_clean}"
            f" ({self.false_redaction_rate:.3f})",
            f"  clinical text kept in questions with identifiers: "
            f"{self.n_keep - len(self.lost_keep)}/{self.n_keep}",
            f"  {self.ms_per_sentence:.3f} ms per question",
        ]
        return lines


def evaluate(redactor: Callable[[str], str], suite: RedactionSuite) -> RedactionResult:
    """Run `redactor` over every question of the suite and score what it left."""
    result = RedactionResult(total={k: 0 for k in KINDS if _any_of(suite, k)})
    start = time.perf_counter()
    texts = {c.id: c.text for c in suite.identifiers} | {c.id: c.text for c in suite.clean}
    redacted = {case_id: redactor(text) for case_id, text in texts.items()}
    result.seconds = time.perf_counter() - start
    result.n_sentences = len(redacted)
    for case in suite.identifiers:
        out = redacted[case.id]
        for kind, identifiers in case.expect.items():
            for identifier in identifiers:
                result.total[kind] += 1
                if leaked(identifier, case.text, out):
                    result.misses.append(Miss(case.id, kind, identifier, out))
                else:
                    result.found[kind] = result.found.get(kind, 0) + 1
        result.n_keep += len(case.keep)
        result.lost_keep += [(case.id, k) for k in case.keep if k not in out]
    result.n_clean = len(suite.clean)
    result.false_redactions = [
        (c.id, redacted[c.id]) for c in suite.clean if redacted[c.id] != c.text
    ]
    return result


def leaked(identifier: str, text: str, redacted: str) -> bool:
    """Whether a word of `identifier` is in `redacted` more often than `text` has it outside
    the identifier."""
    outside = text.replace(identifier, " ")
    return any(
        _count(word, redacted) > _count(word, outside) for word in re.findall(r"\w+", identifier)
    )


def _count(word: str, text: str) -> int:
    return len(re.findall(rf"(?<!\w){re.escape(word)}(?!\w)", text))


def _any_of(suite: RedactionSuite, kind: str) -> bool:
    return any(kind in case.expect for case in suite.identifiers)
