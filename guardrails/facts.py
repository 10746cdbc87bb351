"""The patient facts a corpus declares (`corpus/rules/facts.yaml`): each fact's id, type, how
it is read from text, its label in the app and how an answer describes it.

    schema = FactSchema.load(Path("corpus/rules/facts.yaml"), lexicon)
    schema.get("lvef").label        # "LVEF (%)"
    schema.ids                      # ("her2", "hr", ..., "bsa_m2")

The code knows no fact by name: the context extraction, the `--context` keys, the app's fields,
the pathway's conditions and the follow-up description all read this schema. A fact may play a
`role` the engine works with: the line of therapy (`line`), the therapies given (`given`) and
progressed on (`progressed`), the relapse interval that decides an early relapse
(`relapse_interval`), and the body sizes of dose arithmetic (`weight`, `height`,
`surface_area`).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from guardrails.errors import RulesError
from guardrails.lexicon import Lexicon
from guardrails.schema import parse
from guardrails.yamlio import read_yaml

FactType = Literal["enum", "boolean", "number", "interval", "therapies"]
Role = Literal[
    "line", "given", "progressed", "relapse_interval", "weight", "height", "surface_area"
]
RESERVED = frozenset({"facts", "therapies", "roles"})  # the context's own fields


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ValuePattern(_Strict):
    """A regular expression (case-insensitive) and the value a match gives."""

    pattern: str
    value: str | bool | None = None


class Interval(_Strict):
    """Months from the end of an event (adjuvant therapy) to now, as the text states them."""

    event: str = Field(description="words that name the event")
    during: str = Field("", description="words that place the relapse during the event (0)")
    interval_names: str = Field("", description="words that name the interval itself")
    never: str = Field("", description="words that say the event never happened")


class Near(_Strict):
    """A number written beside a concept's stated mention ("grade 2 pneumonitis"): the
    highest one."""

    before: str = Field(description="ends right before the mention; group 1 is the number")
    after: str = Field(description="starts right after the mention; group 1 is the number")
    window: tuple[int, int] = Field((30, 15), description="characters before and after")


class Plus(_Strict):
    """A value worked out from another fact read earlier in the same turn: its value plus the
    number the pattern finds ("LVEF 47% after an 18-point fall": a baseline of 65%)."""

    fact: str
    pattern: str


class Reading(_Strict):
    """How a fact is read from a user's words."""

    patterns: tuple[ValuePattern, ...] = Field(
        (), description="tried in order; a number's value is the first group that matched"
    )
    negated: Literal["skip", "keep", "ignore", "stated"] = Field(
        "skip",
        description="a negated match: skipped (the next pattern is tried), kept with the "
        "status negated, or read as stated; 'stated' skips uncertain matches too",
    )
    requires: str | None = Field(None, description="words the text must hold to read the fact")
    concept: str | None = Field(None, description="a lexicon id whose mentions are this fact")
    attributed: bool = Field(
        True, description="a concept counts only when the text gives it to the patient"
    )
    qualifiers: tuple[ValuePattern, ...] = Field(
        (), description="an enum read from a concept: words near the mention give the value"
    )
    negated_value: str | None = Field(None, description="the value of a negated mention")
    last: bool = Field(False, description="a number: the last value the text states")
    units: dict[str, float] = Field(
        default_factory=dict, description="unit words (by prefix) -> factor to the fact's unit"
    )
    round: int | None = Field(None, description="decimals a converted number keeps")
    interval: Interval | None = None
    near: Near | None = None
    plus: Plus | None = None


class FactSpec(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: FactType
    label: str = Field(min_length=1, description="the app's field label")
    values: tuple[str, ...] = Field((), description="an enum's values, in the app's order")
    unit: str = ""
    bounds: tuple[int | float, int | float] | None = Field(
        None, description="a number's allowed range"
    )
    integer: bool = False
    choices: tuple[str, ...] = Field((), description="a number's choices in the app")
    role: Role | None = None
    ui: bool = Field(True, description="shown as an editable field in the app")
    read: Reading = Field(default_factory=Reading)
    describe: str | dict[str, str] = Field(
        "",
        description="how an answer describes the fact: a template with {value}, or templates "
        "by value (true/false for a boolean) or by status (stated, negated)",
    )
    population: dict[str, str] = Field(
        default_factory=dict,
        description="lexicon ids of the population the fact implies, by value or 'stated'",
    )

    @model_validator(mode="after")
    def _consistent(self) -> FactSpec:
        if self.id in RESERVED:
            raise ValueError(f"'{self.id}' is reserved; name the fact otherwise")
        if self.type == "enum" and not self.values:
            raise ValueError("an enum lists its 'values'")
        if self.type != "enum" and self.values:
            raise ValueError("only an enum has 'values'")
        if self.type in ("number", "interval") and self.bounds is None:
            raise ValueError(f"a {self.type} has 'bounds' (lowest, highest)")
        if self.type == "therapies" and self.role not in ("given", "progressed"):
            raise ValueError("a list of therapies has the role 'given' or 'progressed'")
        if self.type == "interval" and self.read.interval is None and self.role is None:
            raise ValueError("an interval is read by 'read.interval'")
        extra = [p for p in (self.read.requires, self.read.plus and self.read.plus.pattern) if p]
        if self.read.near is not None:
            extra += [self.read.near.before, self.read.near.after]
        for item in (
            *self.read.patterns,
            *self.read.qualifiers,
            *(ValuePattern(pattern=p) for p in extra),
        ):
            try:
                re.compile(item.pattern)
            except re.error as exc:
                raise ValueError(f"pattern {item.pattern!r} is invalid ({exc})") from exc
        values = [i.value for i in (*self.read.patterns, *self.read.qualifiers)]
        if self.read.negated_value is not None:
            values.append(self.read.negated_value)
        for value in values if self.type == "enum" else ():
            if value not in self.values:
                raise ValueError(f"value {value!r} is not one of {', '.join(self.values)}")
        return self


class _Spec(_Strict):
    facts: tuple[FactSpec, ...] = ()


class FactSchema:
    """The corpus's patient facts, in the order the answer describes them."""

    def __init__(self, facts: tuple[FactSpec, ...] = ()) -> None:
        self.facts = facts
        self._by_id = {f.id: f for f in facts}
        self.roles: dict[str, str] = {f.role: f.id for f in facts if f.role}

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._by_id)

    @property
    def measured(self) -> tuple[str, ...]:
        """The facts that are measured numbers (not the line of therapy)."""
        return tuple(f.id for f in self.facts if f.type == "number" and f.role != "line")

    def get(self, fact_id: str) -> FactSpec | None:
        return self._by_id.get(fact_id)

    def role(self, role: str) -> FactSpec | None:
        fact_id = self.roles.get(role)
        return None if fact_id is None else self._by_id[fact_id]

    @classmethod
    def load(cls, path: Path, lexicon: Lexicon | None = None) -> FactSchema:
        """The corpus's fact schema; a corpus without the file declares no facts."""
        if not path.is_file():
            return cls()
        data, text = read_yaml(path)
        return cls.from_data(data or {}, lexicon, str(path), text)

    @classmethod
    def from_data(
        cls,
        data: Any,
        lexicon: Lexicon | None = None,
        origin: str = "facts.yaml",
        text: str | None = None,
    ) -> FactSchema:
        spec = parse(_Spec, data, origin, text=text)
        problems = _cross_problems(spec.facts, lexicon, origin)
        if problems:
            raise RulesError(problems)
        return cls(spec.facts)


def _cross_problems(facts: tuple[FactSpec, ...], lexicon: Lexicon | None, origin: str) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    roles: set[str] = set()
    for i, fact in enumerate(facts):
        where = f"{origin}: facts[{i}] ('{fact.id}')"
        if fact.id in seen:
            problems.append(f"{where}: id '{fact.id}' is used twice; give each fact its own id")
        seen.add(fact.id)
        if fact.role and fact.role in roles:
            problems.append(f"{where}: role '{fact.role}' is taken by another fact; keep one")
        roles.add(fact.role or "")
        if lexicon is None:
            continue
        plus = fact.read.plus
        if plus is not None and plus.fact not in seen:
            problems.append(
                f"{where}: read.plus.fact '{plus.fact}' is not a fact declared before it"
            )
        concepts = [fact.read.concept, *fact.population.values()]
        for concept in (c for c in concepts if c):
            if lexicon.get(concept) is None:
                problems.append(
                    f"{where}: '{concept}' is not an id in lexicon.yaml; add it there or fix it"
                )
    return problems


def schema_of(lexicon: Lexicon) -> FactSchema:
    """The fact schema of the rule folder a lexicon was loaded from (none for a lexicon built
    from data): for callers that hold only the lexicon."""
    if lexicon.origin is None:
        return FactSchema()
    path = lexicon.origin.resolve().parent / "facts.yaml"
    return _beside(path, path.stat().st_mtime_ns if path.is_file() else 0)


@cache
def _beside(path: Path, mtime: int) -> FactSchema:  # a new version of the file is read again
    return FactSchema.load(path)
