"""The treatment pathway (`corpus/rules/pathway.yaml`): from a patient context to what the
guideline recommends for this patient.

    pathway = load_pathway(Path("corpus/rules/pathway.yaml"), lexicon)  # guardrails.pathway_rules
    recommendation = pathway.recommend(context)   # None when no situation applies
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from guardrails.facts import FactSchema
from guardrails.fields import LexiconId, NonBlank
from guardrails.overrides import USER
from guardrails.pathway_when import When
from guardrails.records import Fact, FactStatus, PatientContext, Recommendation
from guardrails.relations import Relation
from guardrails.schema import Strict
from guardrails.screen import Screened


def _one_line(text: str) -> str:
    return " ".join(text.split())


Ids = tuple[LexiconId, ...]  # checked against the lexicon given as validation context
Sources = tuple[str, ...]


class Situation(Strict):
    """A patient situation and what the guideline recommends in it (`situations:`)."""

    id: NonBlank
    situation: str = Field("", description="how an answer names it; by default the id")
    when: When = Field(default_factory=dict)
    statement: NonBlank
    preferred: Ids = ()
    acceptable: Ids = ()
    not_preferred: Ids = ()
    first_line_regimens: Ids = ()
    no_preference: bool = False
    notes: tuple[str, ...] = ()
    sources: Sources = Field(min_length=1)
    differ: bool = False  # the sources disagree here: a first-line regimen is shown, not faulted

    @model_validator(mode="before")
    @classmethod
    def _named(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("situation") and data.get("id"):
            return {**data, "situation": data["id"]}
        return data


class Contraindication(Strict):
    """Drugs to avoid when a condition holds (`contraindications:`)."""

    id: NonBlank
    drugs: Ids = Field(min_length=1)
    when: When = Field(min_length=1)
    severity: Literal["warn", "block"] = "block"
    message: Annotated[str, AfterValidator(_one_line), Field(min_length=1)]
    sources: Sources = Field(min_length=1)
    superseded_by: tuple[str, ...] = Field(
        (), description="ids of stricter rules that, when they apply, make this one redundant"
    )


@dataclass(frozen=True)
class PatternRule:
    """A pitfall or an emergency: text patterns with a message and sources."""

    id: str
    message: str
    patterns: tuple[Screened, ...]
    sources: tuple[str, ...]
    recommendation_only: bool = False
    relation: Relation | None = None  # a structural rule beside the patterns


@dataclass(frozen=True)
class Pathway:
    early_relapse_months: float
    early_relapse_sources: tuple[str, ...]
    later_line_after: frozenset[str]
    second_line_after: frozenset[str]
    situations: tuple[Situation, ...]
    contraindications: tuple[Contraindication, ...]
    pitfalls: tuple[PatternRule, ...]
    emergencies: tuple[PatternRule, ...]
    facts: FactSchema = field(default_factory=FactSchema)  # the `when` keys and their roles

    def _key(self, role: str) -> str | None:
        return self.facts.roles.get(role)

    def _therapies(self, context: PatientContext, role: str) -> tuple[str, ...]:
        return context.therapies.get(self._key(role) or "", ())

    def line_of(self, context: PatientContext) -> int | None:
        """The line of metastatic therapy the question is about: an early relapse counts as
        second line; otherwise the stated line, else the line implied by prior therapy. A line
        the user set (`--context line=3`, the app's field) is a correction and always wins."""
        stated = context.fact(self._key("line"))
        line = stated.value if stated.status is FactStatus.STATED else None
        if line and stated.evidence == USER:
            return min(int(line), 3)
        months = context.fact(self._key("relapse_interval"))
        prior = self._therapies(context, "given")
        if months.status is FactStatus.STATED and months.value is not None and not prior:
            return 2 if months.value <= self.early_relapse_months else 1
        if line:
            return min(int(line), 3)
        given = set(prior) | set(self._therapies(context, "progressed"))
        if given & self.later_line_after:
            return 3
        if given & self.second_line_after:
            return 2
        if months.status is FactStatus.NEGATED:  # de novo metastatic disease, nothing given yet
            return 1
        return None

    def situation_for(self, context: PatientContext) -> Situation | None:
        line = self.line_of(context)
        for situation in self.situations:
            if all(
                self._holds(key, expected, context, line)
                for key, expected in situation.when.items()
            ):
                return situation
        return None

    def contraindications_for(self, context: PatientContext) -> list[Contraindication]:
        """The rules that apply, less those a stricter applying rule supersedes."""
        line = self.line_of(context)
        found = [
            c
            for c in self.contraindications
            if all(self._holds(key, expected, context, line) for key, expected in c.when.items())
        ]
        applying = {c.id for c in found}
        return [c for c in found if not applying.intersection(c.superseded_by)]

    def recommend(self, context: PatientContext) -> Recommendation | None:
        situation = self.situation_for(context)
        if situation is None:
            return None
        avoid = [d for c in self.contraindications_for(context) for d in c.drugs]
        return Recommendation(
            rule_id=f"pathway.{situation.id}",
            situation=situation.situation,
            statement=" ".join(situation.statement.split()),
            preferred=tuple(p for p in situation.preferred if p not in avoid),
            acceptable=tuple(a for a in situation.acceptable if a not in avoid),
            avoid=tuple(dict.fromkeys(avoid)),
            notes=tuple(" ".join(n.split()) for n in situation.notes),
            source_ids=situation.sources,
        )

    def _holds(self, key: str, expected: Any, context: PatientContext, line: int | None) -> bool:
        if key == self._key("line"):
            return line is not None and (
                line in expected if isinstance(expected, list) else line == expected
            )
        if key in context.therapies or (
            (spec := self.facts.get(key)) is not None and spec.type == "therapies"
        ):
            return bool(set(context.therapies.get(key, ())) & set(expected))
        return holds(context.fact(key), expected, context)


def holds(fact: Fact[Any], expected: Any, context: PatientContext) -> bool:
    """A fact meets a `when` condition: `true` needs it stated, `false` negated or stated
    false; a list is any of; `{min, max}` an inclusive range, with `fall: {from: <fact>, min,
    max}` a fall from another fact's value as well; otherwise equal."""
    if isinstance(expected, bool):
        if expected:
            return fact.is_true
        return fact.status is FactStatus.NEGATED or (
            fact.status is FactStatus.STATED and not fact.value
        )
    if fact.status is not FactStatus.STATED or fact.value is None:
        return False
    value = fact.value
    if isinstance(expected, dict):
        fall = expected.get("fall")
        if fall is not None and not _falls(value, fall, context):
            return False
        return _within(value, expected)
    if isinstance(expected, list):
        return value in expected
    return bool(value == expected)


def _within(value: Any, bounds: dict[str, Any]) -> bool:
    low, high = bounds.get("min"), bounds.get("max")
    return (low is None or value >= low) and (high is None or value <= high)


def _falls(value: Any, fall: dict[str, Any], context: PatientContext) -> bool:
    """A fall from an earlier value of another fact (`{from: <fact>, min: 10}`): holds when that
    fact is stated and the difference is in range; an unknown earlier value never holds."""
    earlier = context.fact(fall["from"])
    if earlier.status is not FactStatus.STATED or earlier.value is None:
        return False
    return _within(earlier.value - value, fall)
