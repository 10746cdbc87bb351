"""The guardrails' records: the patient context, findings and the review verdict."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Generic, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

T = TypeVar("T")


class FactStatus(StrEnum):
    UNKNOWN = "unknown"
    STATED = "stated"
    NEGATED = "negated"
    UNCERTAIN = "uncertain"


class Fact(BaseModel, Generic[T]):
    """One clinical fact: its value, whether it was stated, negated or uncertain, and the words
    it came from (or 'set by user' when corrected in the UI or given with --context)."""

    model_config = ConfigDict(frozen=True)

    value: T | None = None
    status: FactStatus = FactStatus.UNKNOWN
    evidence: str = ""
    turn: int | None = None

    @property
    def known(self) -> bool:
        return self.status in (FactStatus.STATED, FactStatus.NEGATED)

    @property
    def is_true(self) -> bool:
        """Stated and truthy: a negated or uncertain fact is never acted on as true."""
        return self.status is FactStatus.STATED and bool(self.value)


class PatientContext(BaseModel):
    """The patient facts that change a recommendation, keyed by the ids of the corpus's fact
    schema (`corpus/rules/facts.yaml`): `facts` holds one `Fact` per fact, `therapies` the
    lists of therapies (lexicon ids), and `roles` which fact plays a role the engine works with
    (the line of therapy, the therapies progressed on, ...).

        context.fact("lvef").value      # 45.0, or None when unknown
        context.role_therapies("progressed")  # ("thp",)

    It is written flat, one key per fact (`{"lvef": {...}, "progressed_on": [...]}`), and a
    fact can be read as an attribute (`context.lvef`)."""

    model_config = ConfigDict(frozen=True)

    facts: dict[str, Fact[Any]] = Field(default_factory=dict)
    therapies: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    roles: dict[str, str] = Field(default_factory=dict, description="role -> fact id")

    @model_validator(mode="before")
    @classmethod
    def _flat(cls, data: Any) -> Any:
        """`PatientContext(lvef=Fact(...), progressed_on=("thp",))`: one keyword per fact."""
        if not isinstance(data, dict) or not set(data) - {"facts", "therapies", "roles"}:
            return data
        facts = dict(data.get("facts") or {})
        therapies = dict(data.get("therapies") or {})
        for key, value in data.items():
            if key in ("facts", "therapies", "roles"):
                continue
            if isinstance(value, list | tuple):
                therapies[key] = tuple(value)
            else:
                facts[key] = value
        return {"facts": facts, "therapies": therapies, "roles": data.get("roles") or {}}

    @model_serializer(mode="wrap")
    def _write_flat(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data = handler(self)
        return {**data.get("facts", {}), **data.get("therapies", {})}

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("_"):
            facts = self.__dict__.get("facts") or {}
            therapies = self.__dict__.get("therapies") or {}
            if name in facts:
                return facts[name]
            if name in therapies:
                return therapies[name]
        return super().__getattr__(name)  # type: ignore[misc]

    def fact(self, fact_id: str | None) -> Fact[Any]:
        """The fact of that id; an unknown fact when the context has none."""
        return self.facts.get(fact_id or "") or Fact()

    def role(self, role: str) -> Fact[Any]:
        """The fact that plays a role ('line', 'weight', ...)."""
        return self.fact(self.roles.get(role))

    def role_therapies(self, role: str) -> tuple[str, ...]:
        """The therapies of the fact playing 'given' or 'progressed'."""
        return self.therapies.get(self.roles.get(role, ""), ())

    def known_facts(self) -> dict[str, Fact[object]]:
        return {k: v for k, v in self.facts.items() if v.status is not FactStatus.UNKNOWN}

    def replaced(self, facts: dict[str, Any]) -> PatientContext:
        """A copy with some facts (a `Fact`) or therapy lists (a tuple) replaced."""
        new_facts, new_therapies = dict(self.facts), dict(self.therapies)
        for key, value in facts.items():
            if isinstance(value, tuple):
                new_therapies[key] = value
            else:
                new_facts[key] = value
        return PatientContext(facts=new_facts, therapies=new_therapies, roles=self.roles)


class Severity(StrEnum):
    INFO = "info"
    WARN = "warn"
    BLOCK = "block"


class Verdict(StrEnum):
    PASS = "pass"
    WARN = "warn"
    BLOCK = "block"


class Finding(BaseModel):
    """One problem (or note) about an answer, with the rule and sources behind it."""

    model_config = ConfigDict(frozen=True)

    rule_id: str
    severity: Severity
    message: str
    check: str = Field(description="doses | arithmetic | pathway | grounding | scope | safety")
    span: str = Field("", description="The part of the answer it concerns")
    start: int | None = None
    end: int | None = None
    source_ids: tuple[str, ...] = ()


class Review(BaseModel):
    model_config = ConfigDict(frozen=True)

    verdict: Verdict
    findings: tuple[Finding, ...] = ()

    @classmethod
    def of(cls, findings: list[Finding]) -> Review:
        severities = {f.severity for f in findings}
        if Severity.BLOCK in severities:
            verdict = Verdict.BLOCK
        elif Severity.WARN in severities:
            verdict = Verdict.WARN
        else:
            verdict = Verdict.PASS
        return cls(verdict=verdict, findings=tuple(findings))


class Passage(BaseModel):
    """A piece of evidence as the guardrails see it: a numbered passage from a source."""

    model_config = ConfigDict(frozen=True)

    n: int | None = Field(None, description="Citation number in the answer; None if uncited")
    source_id: str
    text: str
    section: str = ""


class Recommendation(BaseModel):
    """What the pathway recommends for one patient context, in the corpus's own words."""

    model_config = ConfigDict(frozen=True)

    rule_id: str
    situation: str = Field(description="The situation the rule matched, e.g. 'second line'")
    statement: str = Field(description="The recommendation as a sentence a clinician reads")
    preferred: tuple[str, ...] = Field((), description="Concept ids of preferred regimens")
    acceptable: tuple[str, ...] = Field((), description="Concept ids of acceptable alternatives")
    avoid: tuple[str, ...] = Field((), description="Concept ids contraindicated for this patient")
    notes: tuple[str, ...] = Field((), description="Cautions and where guidelines differ")
    source_ids: tuple[str, ...] = ()
