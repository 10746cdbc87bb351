"""The lexicon: every drug, regimen, drug group and clinical term with all the names clinicians
use for it, and a matcher that finds those names in text.

    lexicon = Lexicon.load(Path("corpus/rules/lexicon.yaml"))
    [m.concept_id for m in lexicon.find("Enhertu after THP")]
    # -> ['trastuzumab-deruxtecan', 'thp']
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import Field

from guardrails.errors import RulesError
from guardrails.fields import LexiconId
from guardrails.schema import Issue, Strict, duplicates, format_issues, validate
from guardrails.yamlio import read_yaml


class ConceptKind(StrEnum):
    DRUG = "drug"
    REGIMEN = "regimen"
    GROUP = "group"
    TERM = "term"
    TRIAL = "trial"


@dataclass(frozen=True)
class Concept:
    id: str
    kind: ConceptKind
    generic: str
    names: tuple[str, ...]
    drug_class: str = ""
    components: tuple[str, ...] = ()  # regimens: drug or group ids
    members: tuple[str, ...] = ()  # groups: drug ids
    never_substitute: tuple[str, ...] = ()

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.generic, *self.names)


@dataclass(frozen=True)
class Mention:
    concept_id: str
    kind: ConceptKind
    start: int
    end: int
    text: str
    absent: bool = False  # named as absent: "chemotherapy-free", "trastuzumab-naive"


_SECTIONS = {
    "drugs": ConceptKind.DRUG,
    "regimens": ConceptKind.REGIMEN,
    "groups": ConceptKind.GROUP,
    "terms": ConceptKind.TERM,
    "trials": ConceptKind.TRIAL,
}


_NEGATING_SUFFIX = re.compile(r"-(?:free|naive|naïve)\b", re.IGNORECASE)
# Tokens of names and texts: words, and the symbols that belong to names (HER2+, ER+/PgR+).
_TOKEN = re.compile(r"[A-Za-z0-9]+|[+/()]|\.(?=[a-z])", re.IGNORECASE)
# What may stand between the tokens of one name: spaces, hyphens, commas, or nothing.
_JOIN = re.compile(r"[\s\-,]*")


def _is_case_sensitive(name: str) -> bool:
    # Two-letter capitals (OS, HP, PH, EF) would match ordinary words in lower case; longer
    # abbreviations (THP, PFS) are matched as clinicians type them, in any case.
    return len(name) <= 2 and name.isalpha() and name.isupper()


@dataclass
class Lexicon:
    concepts: dict[str, Concept] = field(default_factory=dict)
    _cache: dict[str, list[Mention]] = field(default_factory=dict, repr=False, compare=False)
    _drugs: dict[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)
    origin: Path | None = field(default=None, repr=False, compare=False)  # the file it came from

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        data, text = read_yaml(path)
        lexicon = cls.from_data(data, str(path), text)
        lexicon.origin = path
        return lexicon

    @classmethod
    def from_data(cls, data: Any, origin: str = "lexicon.yaml", text: str | None = None) -> Lexicon:
        """The lexicon; RulesError naming the file, entry and field of every problem."""
        entries = [e for key in _SECTIONS for e in _listed(data, key)]
        ids = {e["id"] for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)}
        spec, problems = validate(
            _LexiconFile,
            data,
            origin,
            context={"lexicon": ids},
            text=text,
            issues=duplicates(data, *_SECTIONS),
        )
        if spec is None:
            raise RulesError(problems)
        concepts = {
            e.id: Concept(kind=kind, **e.model_dump())
            for key, kind in _SECTIONS.items()
            for e in getattr(spec, key)
        }
        problems = format_issues(_name_clashes(spec), origin, data, text)
        if problems:
            raise RulesError(problems)
        return cls(concepts)

    @cached_property
    def _keys(self) -> tuple[dict[str, list[tuple[str, str]]], int, frozenset[str]]:
        """Each name as the concatenation of its lower-case tokens ('T-DXd' -> 'tdxd'), with
        the concept id and the name; the longest name in tokens; and every prefix of a key,
        so a scan stops as soon as the text can no longer spell a name."""
        keys: dict[str, list[tuple[str, str]]] = {}
        longest = 1
        for concept in self.concepts.values():
            for name in concept.all_names:
                tokens = _TOKEN.findall(name)
                longest = max(longest, len(tokens))
                keys.setdefault("".join(t.lower() for t in tokens), []).append((concept.id, name))
        prefixes = frozenset(key[:n] for key in keys for n in range(1, len(key) + 1))
        return keys, longest, prefixes

    def find(self, text: str) -> list[Mention]:
        """Every name of every concept in `text`, longest match first, left to right.

        Names match token by token: case, spaces and hyphens are ignored ('T-DXd' matches
        'TDXd' and 't dxd'), except that two-letter capitals (OS, HP) match only in capitals.
        A name the text marks as absent ("chemotherapy-free") is not a mention of the concept;
        `find_all` returns those too, flagged `absent`."""
        return [m for m in self.find_all(text) if not m.absent]

    def find_all(self, text: str) -> list[Mention]:
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        tokens = list(_TOKEN.finditer(text))
        lowered = [t.group().lower() for t in tokens]
        prefixes = self._keys[2]
        mentions: list[Mention] = []
        after = 0  # the first token not inside a name already found
        for i in [i for i, word in enumerate(lowered) if word in prefixes]:
            if i < after:
                continue
            found = self._longest_at(text, tokens, lowered, i)
            if found is None:
                continue
            concept_id, n = found
            start, end = tokens[i].start(), tokens[i + n - 1].end()
            absent = _NEGATING_SUFFIX.match(text, end)
            if absent:
                end = absent.end()
            kind = self.concepts[concept_id].kind
            mentions.append(Mention(concept_id, kind, start, end, text[start:end], bool(absent)))
            after = i + n
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[text] = mentions
        return mentions

    def _longest_at(
        self, text: str, tokens: list[re.Match[str]], lowered: list[str], i: int
    ) -> tuple[str, int] | None:
        keys, longest, prefixes = self._keys
        spelled, lengths = "", []  # token counts at which the text spells a whole name
        for n in range(1, min(longest, len(tokens) - i) + 1):
            spelled += lowered[i + n - 1]
            if spelled not in prefixes:
                break
            if spelled in keys:
                lengths.append(n)
        for n in reversed(lengths):
            window = tokens[i : i + n]
            if any(
                not _JOIN.fullmatch(text, a.end(), b.start()) for a, b in itertools.pairwise(window)
            ):
                continue  # names do not run across punctuation other than listed separators
            for concept_id, name in keys["".join(lowered[i : i + n])]:
                surface = text[window[0].start() : window[-1].end()]
                if not _is_case_sensitive(name) or surface.replace(" ", "") == name:
                    return concept_id, n
        return None

    def get(self, concept_id: str) -> Concept | None:
        return self.concepts.get(concept_id)

    def drugs_of(self, concept_id: str) -> frozenset[str]:
        """The drug ids a concept stands for (a regimen's components, a group's members)."""
        drugs = self._drugs.get(concept_id)
        if drugs is None:  # the review asks this thousands of times per answer: work it out once
            drugs = self._drugs[concept_id] = frozenset(self._expand(concept_id))
        return drugs

    def _expand(self, concept_id: str) -> set[str]:
        concept = self.concepts.get(concept_id)
        if concept is None:
            return set()
        if concept.kind is ConceptKind.DRUG:
            return {concept.id}
        found: set[str] = set()
        for part in (*concept.components, *concept.members):
            found |= self._expand(part)
        return found

    def drug_list(self, concept_id: str) -> list[str]:
        """The drugs of a concept in the order the lexicon lists them (regimen parts in order)."""
        concept = self.concepts.get(concept_id)
        if concept is None:
            return []
        if concept.kind is ConceptKind.DRUG:
            return [concept.id]
        ordered: list[str] = []
        for part in (*concept.components, *concept.members):
            ordered.extend(d for d in self.drug_list(part) if d not in ordered)
        return ordered

    def kind_of(self, concept_id: str) -> ConceptKind | None:
        concept = self.concepts.get(concept_id)
        return concept.kind if concept else None

    def label(self, concept_id: str) -> str:
        concept = self.concepts.get(concept_id)
        return concept.generic if concept else concept_id


class _Entry(Strict):
    """A concept as lexicon.yaml writes it; `components`, `members` and `never_substitute`
    name other ids of the file."""

    id: str = Field(min_length=1)
    generic: str = Field(min_length=1)
    names: tuple[str, ...] = ()
    drug_class: str = Field("", alias="class")
    components: tuple[LexiconId, ...] = ()
    members: tuple[LexiconId, ...] = ()
    never_substitute: tuple[LexiconId, ...] = ()


class _LexiconFile(Strict):
    drugs: tuple[_Entry, ...] = ()
    regimens: tuple[_Entry, ...] = ()
    groups: tuple[_Entry, ...] = ()
    terms: tuple[_Entry, ...] = ()
    trials: tuple[_Entry, ...] = ()


def _listed(data: Any, key: str) -> list[Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def _name_clashes(spec: _LexiconFile) -> list[Issue]:
    """A name (ignoring case, spaces and hyphens) that two concepts claim."""
    issues = []
    owner: dict[str, str] = {}
    for section in _SECTIONS:
        for i, entry in enumerate(getattr(spec, section)):
            for name in (entry.generic, *entry.names):
                key = re.sub(r"[\s-]+", " ", name.lower()).strip()
                if key in owner and owner[key] != entry.id:
                    message = (
                        f"the name '{name}' maps to two concepts: '{owner[key]}' and '{entry.id}'"
                    )
                    issues.append(Issue((section, i, "names"), message))
                owner.setdefault(key, entry.id)
    return issues
