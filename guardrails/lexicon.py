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

from guardrails.errors import RulesError
from guardrails.yamlio import load_yaml, require, unknown_fields


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
        data = load_yaml(path)
        lexicon = cls.from_data(data, str(path))
        lexicon.origin = path
        return lexicon

    @classmethod
    def from_data(cls, data: Any, origin: str = "lexicon.yaml") -> Lexicon:
        problems: list[str] = []
        concepts: dict[str, Concept] = {}
        if not isinstance(data, dict):
            raise RulesError([f"{origin}: expected a mapping with keys {', '.join(_SECTIONS)}"])
        for section, kind in _SECTIONS.items():
            for i, entry in enumerate(data.get(section) or []):
                where = f"{origin}: {section}[{i}]"
                concept = _parse_concept(entry, kind, where, problems)
                if concept is None:
                    continue
                if concept.id in concepts:
                    problems.append(f"{where}: id '{concept.id}' is used twice")
                concepts[concept.id] = concept
        lexicon = cls(concepts)
        problems.extend(lexicon._cross_problems(origin))
        if problems:
            raise RulesError(problems)
        return lexicon

    def _cross_problems(self, origin: str) -> list[str]:
        problems = []
        owner: dict[str, str] = {}
        for concept in self.concepts.values():
            for name in concept.all_names:
                key = re.sub(r"[\s-]+", " ", name.lower()).strip()
                if key in owner and owner[key] != concept.id:
                    problems.append(
                        f"{origin}: the name '{name}' maps to two concepts: "
                        f"'{owner[key]}' and '{concept.id}'"
                    )
                owner[key] = concept.id
            refs = [*concept.components, *concept.members, *concept.never_substitute]
            for ref in refs:
                if ref not in self.concepts:
                    problems.append(f"{origin}: '{concept.id}' refers to unknown id '{ref}'")
        return problems

    @cached_property
    def _keys(self) -> tuple[dict[str, list[tuple[str, str]]], int]:
        """Each name as the concatenation of its lower-case tokens ('T-DXd' -> 'tdxd'), with
        the concept id and the name; and the longest name in tokens."""
        keys: dict[str, list[tuple[str, str]]] = {}
        longest = 1
        for concept in self.concepts.values():
            for name in concept.all_names:
                tokens = _TOKEN.findall(name)
                longest = max(longest, len(tokens))
                keys.setdefault("".join(t.lower() for t in tokens), []).append((concept.id, name))
        return keys, longest

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
        keys, longest = self._keys
        tokens = list(_TOKEN.finditer(text))
        lowered = [t.group().lower() for t in tokens]
        mentions: list[Mention] = []
        i = 0
        while i < len(tokens):
            found = self._longest_at(text, tokens, lowered, i, keys, longest)
            if found is None:
                i += 1
                continue
            concept_id, n = found
            start, end = tokens[i].start(), tokens[i + n - 1].end()
            absent = _NEGATING_SUFFIX.match(text, end)
            if absent:
                end = absent.end()
            kind = self.concepts[concept_id].kind
            mentions.append(Mention(concept_id, kind, start, end, text[start:end], bool(absent)))
            i += n
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[text] = mentions
        return mentions

    def _longest_at(
        self,
        text: str,
        tokens: list[re.Match[str]],
        lowered: list[str],
        i: int,
        keys: dict[str, list[tuple[str, str]]],
        longest: int,
    ) -> tuple[str, int] | None:
        for n in range(min(longest, len(tokens) - i), 0, -1):
            named = keys.get("".join(lowered[i : i + n]))
            if not named:
                continue
            window = tokens[i : i + n]
            if any(
                not _JOIN.fullmatch(text, a.end(), b.start()) for a, b in itertools.pairwise(window)
            ):
                continue  # names do not run across punctuation other than listed separators
            for concept_id, name in named:
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


def _parse_concept(
    entry: Any, kind: ConceptKind, where: str, problems: list[str]
) -> Concept | None:
    if not isinstance(entry, dict):
        problems.append(f"{where}: expected a mapping with at least 'id' and 'generic'")
        return None
    before = len(problems)
    concept_id = require(entry, "id", str, where, problems)
    generic = require(entry, "generic", str, where, problems)
    if len(problems) > before:
        return None
    allowed = ("id", "generic", "names", "class", "components", "members", "never_substitute")
    problems += unknown_fields(entry, allowed, where)

    def strings(key: str) -> tuple[str, ...]:
        value = entry.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"{where} ('{concept_id}'): '{key}' must be a list of strings")
            return ()
        return tuple(value)

    return Concept(
        id=str(concept_id),
        kind=kind,
        generic=str(generic),
        names=strings("names"),
        drug_class=str(entry.get("class", "")),
        components=strings("components"),
        members=strings("members"),
        never_substitute=strings("never_substitute"),
    )
