"""The evaluation suites: golden questions and adversarial answers, read as typed records;
every problem of every file names the file, the case, the field and the fix.

golden, adversarial = load_suites(Path("evals"))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import AfterValidator, BeforeValidator, Field, StrictBool, ValidationInfo

from assistant.settings import load_settings
from guardrails.errors import CairnError
from guardrails.facts import FactSchema
from guardrails.fields import NonBlank, Regex, SourceId
from guardrails.overrides import parse_override
from guardrails.schema import Strict, validate

# Golden files written blind to the system: heldout-<category>.yaml (the first batch),
# heldout2-<category>.yaml (the second); `heldout` selects every batch, `heldout2` one.
HELD_OUT = "heldout"
Verdict = Literal["pass", "warn", "block"]


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

        def keep(path: str, *labels: str, batches: bool = True) -> bool:
            stem = Path(path).stem.lower()
            parent = Path(path).parent.name.lower()
            batch = stem.split("-")[0]
            held_out = {HELD_OUT, batch} if batches and batch.startswith(HELD_OUT) else set()
            return bool(wanted & {stem, parent, *held_out, *(label.lower() for label in labels)})

        # Held-out batches are golden files; an adversarial file named heldout-* (written blind
        # as well) is selected by its stem or check, never by 'heldout'.
        return Suites(
            [c for c in self.golden if keep(c.path, c.category)],
            [c for c in self.adversarial if keep(c.path, c.check, batches=False)],
        )

    def every(self, k: int) -> Suites:
        """Every k-th golden question of each category, in file order (a sample for a slow
        generator that keeps each category's share); adversarial cases are kept."""
        if k <= 1:
            return self
        seen: dict[str, int] = {}
        kept = []
        for case in self.golden:
            position = seen.get(case.category, 0)
            seen[case.category] = position + 1
            if position % k == 0:
                kept.append(case)
        return Suites(kept, self.adversarial)


def _text(value: Any) -> Any:
    """A context value written without quotes (`lvef: 45`, `pregnant: true`) is its text."""
    return str(value) if isinstance(value, int | float) else value


def _context(value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
    """Each key a fact of the schema, each value one `--context` would take (drug lists are
    checked when run)."""
    facts: FactSchema = (info.context or {}).get("facts") or FactSchema()
    problems = []
    for key, raw in value.items():
        if facts.get(key) is None:
            known = ", ".join(facts.ids) or "none: rules/facts.yaml declares no facts"
            problems.append(f"unknown context key '{key}' (use {known})")
            continue
        try:
            parse_override(key, raw, None, facts)
        except CairnError as exc:
            problems.append(f"{key}: {exc}")
    if problems:
        raise ValueError("; ".join(problems))
    return value


Context = Annotated[dict[str, Annotated[str, BeforeValidator(_text)]], AfterValidator(_context)]


class _Turn(Strict):
    role: Literal["user", "assistant"]
    content: str = ""


class _Golden(Strict):
    id: NonBlank
    question: NonBlank
    history: tuple[_Turn, ...] = ()
    context: Context = Field(default_factory=dict)
    must_state: tuple[Regex, ...] = ()
    must_not_state: tuple[Regex, ...] = ()
    sources: tuple[SourceId, ...] = ()
    verdict: Verdict = "pass"
    covered: StrictBool = True


class _GoldenFile(Strict):
    category: NonBlank = Field(description="the file's category, e.g. 'first line'")
    cases: tuple[_Golden, ...]


class _Adversarial(Strict):
    id: NonBlank
    question: NonBlank
    answer: NonBlank
    expect: tuple[str, ...] = Field(description="rule ids the review must raise; [] when clean")
    context: Context = Field(default_factory=dict)


class _AdversarialFile(Strict):
    check: str = ""
    cases: tuple[_Adversarial, ...]


def load_suites(
    folder: Path, source_ids: set[str] | None = None, facts: FactSchema | None = None
) -> Suites:
    """Load evals/golden/*.yaml and evals/adversarial/*.yaml; raise SuiteError on any problem.
    A case's context is checked against the fact schema (by default, of the configured corpus)."""
    if facts is None:
        facts = FactSchema.load(load_settings().corpus.rules_dir / "facts.yaml")
    context: dict[str, Any] = {"facts": facts}
    if source_ids is not None:
        context["sources"] = source_ids
    problems: list[str] = []
    suites = Suites()
    for path in sorted((folder / "golden").glob("*.yaml")):
        golden = _read(path, _GoldenFile, context, problems)
        if golden is not None:
            suites.golden.extend(_golden(c, golden.category, path) for c in golden.cases)
    for path in sorted((folder / "adversarial").glob("*.yaml")):
        adversarial = _read(path, _AdversarialFile, context, problems)
        if adversarial is not None:
            check = adversarial.check or path.stem
            suites.adversarial.extend(_adversarial(c, check, path) for c in adversarial.cases)
    ids = [c.id for c in suites.golden] + [c.id for c in suites.adversarial]
    problems.extend(
        f"case id '{i}' is used more than once"
        for i in sorted({i for i in ids if ids.count(i) > 1})
    )
    if problems:
        raise SuiteError(problems)
    return suites


F = TypeVar("F", bound=Strict)


def _read(path: Path, model: type[F], context: dict[str, Any], problems: list[str]) -> F | None:
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        problems.append(f"{path}: not valid YAML ({exc})".replace("\n", " "))
        return None
    spec, found = validate(model, data, str(path), context=context, text=text)
    problems.extend(found)
    return spec


def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


def _golden(case: _Golden, category: str, path: Path) -> GoldenCase:
    return GoldenCase(
        id=case.id,
        category=category,
        question=case.question,
        history=tuple((t.role, t.content) for t in case.history),
        context=dict(case.context),
        must_state=_compiled(case.must_state),
        must_not_state=_compiled(case.must_not_state),
        sources=case.sources,
        verdict=case.verdict,
        covered=case.covered,
        path=str(path),
    )


def _adversarial(case: _Adversarial, check: str, path: Path) -> AdversarialCase:
    return AdversarialCase(**case.model_dump(), check=check, path=str(path))
