"""The evaluation suites: golden questions and adversarial answers, validated on load.

golden, adversarial = load_suites(Path("evals"))
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.settings import load_settings
from guardrails.errors import CairnError
from guardrails.facts import FactSchema
from guardrails.overrides import parse_override
from guardrails.yamlio import unknown_fields

# Golden files written blind to the system: heldout-<category>.yaml (the first batch),
# heldout2-<category>.yaml (the second); `heldout` selects every batch, `heldout2` one.
HELD_OUT = "heldout"
VERDICTS = ("pass", "warn", "block")


class SuiteError(CairnError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "The evaluation suites have problems:\n" + "\n".join(f"  - {p}" for p in problems),
            "Correct the files named above (format: docs/evals.md).",
        )


@dataclass(frozen=True)
class GoldenCase:
    id: str
    category: str
    question: str
    history: tuple[tuple[str, str], ...]
    context: dict[str, str]
    must_state: tuple[re.Pattern[str], ...]
    must_not_state: tuple[re.Pattern[str], ...]
    sources: tuple[str, ...]
    verdict: str
    covered: bool
    path: str


@dataclass(frozen=True)
class AdversarialCase:
    id: str
    check: str
    question: str
    answer: str
    context: dict[str, str]
    expect: tuple[str, ...]
    path: str

    @property
    def clean(self) -> bool:
        return not self.expect


@dataclass
class Suites:
    golden: list[GoldenCase] = field(default_factory=list)
    adversarial: list[AdversarialCase] = field(default_factory=list)

    def select(self, names: list[str]) -> Suites:
        """Keep the suites named: 'golden', 'adversarial', 'heldout' (every held-out golden
        file) or one held-out batch ('heldout2'), a category or a file stem."""
        if not names:
            return self
        wanted = {n.lower() for n in names}

        def keep(path: str, *labels: str) -> bool:
            stem = Path(path).stem.lower()
            parent = Path(path).parent.name.lower()
            batch = stem.split("-")[0]
            held_out = {HELD_OUT, batch} if batch.startswith(HELD_OUT) else set()
            return bool(wanted & {stem, parent, *held_out, *(label.lower() for label in labels)})

        return Suites(
            [c for c in self.golden if keep(c.path, c.category)],
            [c for c in self.adversarial if keep(c.path, c.check)],
        )


def load_suites(
    folder: Path, source_ids: set[str] | None = None, facts: FactSchema | None = None
) -> Suites:
    """Load evals/golden/*.yaml and evals/adversarial/*.yaml; raise SuiteError on any problem.
    A case's context is checked against the fact schema (by default, of the configured corpus)."""
    if facts is None:
        facts = FactSchema.load(load_settings().corpus.rules_dir / "facts.yaml")
    problems: list[str] = []
    suites = Suites()
    for path in sorted((folder / "golden").glob("*.yaml")):
        suites.golden.extend(_golden_file(path, problems, source_ids, facts))
    for path in sorted((folder / "adversarial").glob("*.yaml")):
        suites.adversarial.extend(_adversarial_file(path, problems, facts))
    ids = [c.id for c in suites.golden] + [c.id for c in suites.adversarial]
    problems.extend(
        f"case id '{i}' is used more than once"
        for i in sorted({i for i in ids if ids.count(i) > 1})
    )
    if problems:
        raise SuiteError(problems)
    return suites


def _read(path: Path, problems: list[str]) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        problems.append(f"{path}: not valid YAML ({exc})".replace("\n", " "))
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        problems.append(f"{path}: expected a mapping with a list under 'cases'")
        return {}
    return data


def _patterns(
    value: Any, where: str, field_name: str, problems: list[str]
) -> tuple[re.Pattern[str], ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}: '{field_name}' must be a list of regular expressions")
        return ()
    compiled = []
    for raw in value:
        try:
            compiled.append(re.compile(raw, re.IGNORECASE))
        except re.error as exc:
            problems.append(f"{where}: '{field_name}' pattern {raw!r} is invalid ({exc})")
    return tuple(compiled)


def _context(value: Any, where: str, problems: list[str], facts: FactSchema) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(f"{where}: 'context' must be a mapping of patient facts")
        return {}
    for key, raw in value.items():
        if facts.get(str(key)) is None:
            known = ", ".join(facts.ids) or "none: rules/facts.yaml declares no facts"
            problems.append(f"{where}: unknown context key '{key}' (use {known})")
            continue
        try:  # the value as `--context` would take it (drug lists are checked when run)
            parse_override(str(key), str(raw), None, facts)
        except CairnError as exc:
            problems.append(f"{where}: context {key}: {exc}")
    return {str(k): str(v) for k, v in value.items()}


def _golden_file(
    path: Path, problems: list[str], source_ids: set[str] | None, facts: FactSchema
) -> list[GoldenCase]:
    data = _read(path, problems)
    category = data.get("category")
    if data and not (isinstance(category, str) and category.strip()):
        problems.append(f"{path}: 'category' must name the file's category, e.g. 'first line'")
    cases = []
    for entry, where in _cases(data, path, _GOLDEN_FIELDS, problems):
        if not isinstance(entry.get("question"), str) or not entry["question"].strip():
            problems.append(f"{where}: missing 'question'")
        history = []
        for turn in entry.get("history") or []:
            if not (isinstance(turn, dict) and turn.get("role") in ("user", "assistant")):
                problems.append(f"{where}: each history turn needs role user|assistant and content")
                continue
            history.append((str(turn["role"]), str(turn.get("content", ""))))
        sources = _string_list(entry.get("sources"), "sources", where, problems)
        if source_ids is not None:
            problems.extend(
                f"{where}: source '{s}' is not in the corpus"
                for s in sources
                if s not in source_ids
            )
        covered = entry.get("covered", True)
        if not isinstance(covered, bool):
            problems.append(f"{where}: 'covered' must be true or false, not {covered!r}")
            covered = True
        verdict = entry.get("verdict", "pass")
        if verdict not in VERDICTS:
            problems.append(f"{where}: 'verdict' must be one of {', '.join(VERDICTS)}")
        cases.append(
            GoldenCase(
                id=entry["id"],
                category=str(category),
                question=str(entry.get("question", "")),
                history=tuple(history),
                context=_context(entry.get("context"), where, problems, facts),
                must_state=_patterns(entry.get("must_state"), where, "must_state", problems),
                must_not_state=_patterns(
                    entry.get("must_not_state"), where, "must_not_state", problems
                ),
                sources=sources,
                verdict=str(verdict),
                covered=covered,
                path=str(path),
            )
        )
    return cases


def _cases(
    data: dict[str, Any], path: Path, allowed: frozenset[str], problems: list[str]
) -> Iterator[tuple[dict[str, Any], str]]:
    """Each case of a suite file that has an id, with where it is; id and field problems noted."""
    for i, entry in enumerate(data.get("cases") or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            problems.append(f"{path}: cases[{i}]: each case needs an 'id'")
            continue
        where = f"{path}: case '{entry['id']}'"
        problems.extend(unknown_fields(entry, allowed, where))
        yield entry, where


def _adversarial_file(path: Path, problems: list[str], facts: FactSchema) -> list[AdversarialCase]:
    data = _read(path, problems)
    check = str(data.get("check", path.stem))
    cases = []
    for entry, where in _cases(data, path, _ADVERSARIAL_FIELDS, problems):
        for key in ("question", "answer"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                problems.append(f"{where}: missing '{key}'")
        expect = entry.get("expect")
        if not isinstance(expect, list) or not all(isinstance(e, str) for e in expect):
            problems.append(f"{where}: 'expect' must be a list of rule ids ([] for a clean answer)")
            expect = []
        cases.append(
            AdversarialCase(
                id=entry["id"],
                check=check,
                question=str(entry.get("question", "")),
                answer=str(entry.get("answer", "")),
                context=_context(entry.get("context"), where, problems, facts),
                expect=tuple(expect),
                path=str(path),
            )
        )
    return cases


_GOLDEN_FIELDS = frozenset(
    "id question history context must_state must_not_state sources verdict covered".split()
)
_ADVERSARIAL_FIELDS = frozenset("id question answer expect context".split())


def _string_list(value: Any, field: str, where: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}: '{field}' must be a list of ids, like [{field}-id]")
        return ()
    return tuple(value)
