"""The guardrails' records: the patient context, findings and the review verdict."""

from __future__ import annotations

from enum import StrEnum
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

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


class BrainMets(StrEnum):
    NONE = "none"
    STABLE = "stable"
    ACTIVE = "active"
    CNS_PREDOMINANT = "cns_predominant"


class PatientContext(BaseModel):
    """The clinical facts that change a recommendation, extracted from the question and history."""

    model_config = ConfigDict(frozen=True)

    her2: Fact[str] = Field(default_factory=Fact, description="positive | negative | low")
    hr: Fact[str] = Field(default_factory=Fact, description="positive | negative")
    setting: Fact[str] = Field(default_factory=Fact, description="metastatic | early")
    line: Fact[int] = Field(
        default_factory=Fact, description="Line of metastatic therapy asked about"
    )
    prior_therapies: tuple[str, ...] = Field(
        (), description="Concept ids given for metastatic disease"
    )
    progressed_on: tuple[str, ...] = Field((), description="Concept ids the disease progressed on")
    months_since_adjuvant: Fact[float] = Field(
        default_factory=Fact,
        description="Months from the end of (neo)adjuvant HER2 therapy to relapse",
    )
    brain_mets: Fact[BrainMets] = Field(default_factory=Fact)
    extracranial_progression: Fact[bool] = Field(
        default_factory=Fact,
        description="Disease outside the brain progressing (negated: stable or controlled)",
    )
    ild_history: Fact[bool] = Field(default_factory=Fact)
    ild_grade: Fact[float] = Field(
        default_factory=Fact, description="Highest grade of ILD/pneumonitis stated (1-5)"
    )
    lvef: Fact[float] = Field(default_factory=Fact, description="Percent")
    lvef_baseline: Fact[float] = Field(
        default_factory=Fact, description="Percent, the pre-treatment value a fall is measured from"
    )
    heart_failure: Fact[bool] = Field(default_factory=Fact)
    pregnant: Fact[bool] = Field(default_factory=Fact)
    weight_kg: Fact[float] = Field(default_factory=Fact)
    height_cm: Fact[float] = Field(default_factory=Fact)
    bsa_m2: Fact[float] = Field(default_factory=Fact)

    def known_facts(self) -> dict[str, Fact[object]]:
        facts: dict[str, Fact[object]] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, Fact) and value.status is not FactStatus.UNKNOWN:
                facts[name] = value
        return facts


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
