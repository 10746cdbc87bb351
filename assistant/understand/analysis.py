"""The question analysis: one reading of a turn that every later stage reads.

    analysis = cairn.analyze("Progressed on THP, history of ILD, second line?")
    analysis.line.stated, analysis.context.fact("ild_history").status, analysis.intent

The question and the conversation's user turns are read once per turn
(`assistant.understand.reader`):
the names the lexicon knows (with negation), the intents and the decision asked for, the topic
words, the measured values, the line of therapy, the therapies given and progressed on, the
patient facts carried from earlier turns, the standalone form retrieval searches with, and what
scope judges (conditions, excluded topics, unknown terms, the language). Scope, the search
query, the plan, the generators and their sentence scores read this record, never the
question's text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from assistant.understand.actions import Action
from assistant.understand.intent import Intent, Role
from assistant.understand.language import LanguageReading
from assistant.understand.topic import TopicReading
from guardrails.lexicon import ConceptKind, Lexicon
from guardrails.pathway import PatternRule
from guardrails.records import FactStatus, PatientContext, Recommendation


class Decision(StrEnum):
    """What the clinician must decide, as the question asks it."""

    CHOICE = "choice"  # which therapy to give ("what next?", "which regimen?")
    ACTION = "action"  # hold, stop, continue, resume, reduce ("hold or reduce?")
    DOSE = "dose"  # which dose or schedule
    YES_NO = "yes_no"  # a question answered yes or no ("can she get T-DXd?")
    COMPARISON = "comparison"  # where the sources differ
    INFORMATION = "information"  # anything else: what the sources say


@dataclass(frozen=True)
class Mention:
    """A name the lexicon knows, where the text names it and whether it is negated."""

    concept_id: str
    kind: ConceptKind
    text: str
    start: int
    end: int
    status: FactStatus
    early: bool = False  # named as (neo)adjuvant therapy ("adjuvant trastuzumab")
    on_or_had: bool = False  # a therapy the patient is on or had ("controlled on HP")


@dataclass(frozen=True)
class LineReading:
    """The line of therapy: the one the question states, the one the therapies given and the
    relapse imply, and the one the answer is for (a stated line wins; a line set with
    `--context` wins over both)."""

    line: int | None = None
    stated: int | None = None
    inferred: int | None = None

    @property
    def disagrees(self) -> bool:
        return None not in (self.stated, self.inferred) and self.stated != self.inferred

    @property
    def notice(self) -> str:
        return (
            f"The line of therapy is given as {self.stated}, while the therapies given would "
            f"make it {self.inferred}; this answer is for line {self.line}."
        )


@dataclass(frozen=True)
class QuestionAnalysis:
    question: str  # the user's words, Unicode normalized
    standalone: str  # retrieval's form: a follow-up's carried names and facts, spelling fixed
    search_text: str  # the standalone form without the conditions it rules out ("no ILD")
    follow_up: bool
    mentions: tuple[Mention, ...]  # in the question
    search_mentions: tuple[Mention, ...]  # in `search_text`
    terms: tuple[str, ...]  # the standalone form's lexical terms (concepts as "c:<id>")
    intents: tuple[Intent, ...]  # of the question, main first
    intent: Intent  # the main intent the answer follows (a follow-up's and a choice's too)
    decision: Decision
    action: Action | None  # what a yes/no question asks to do ("Do I hold it?": stop)
    roles: frozenset[Role]  # the sentence roles `search_text` asks for, by the general cues
    asked_roles: frozenset[Role]  # those the standalone form asks for, with the corpus's cues
    question_roles: frozenset[Role]  # those the user's own words ask for, with the same cues
    grade: bool  # `search_text` states one toxicity grade
    values: Mapping[str, float]  # measured values of the standalone form, in their units
    figures: tuple[float, ...]  # the figures of the user's own words, outside names and years
    asks_label: bool
    asks_history: bool  # past versions ("previous", "superseded", "used to")
    asks_subgroup: bool  # subgroup results ("subgroup", "stable", "untreated")
    years: tuple[int, ...]  # years the standalone form writes
    populations: frozenset[str]  # population concepts the standalone form names
    topic: TopicReading
    context: PatientContext  # the conversation's patient facts, overrides applied
    carried: tuple[str, ...]  # facts of earlier turns that still hold, in words
    line: LineReading
    recommendation: Recommendation | None  # the pathway's, for this patient
    emergencies: tuple[PatternRule, ...]  # emergency signs the question states
    pitfalls: tuple[PatternRule, ...]  # errors this turn proposes (with the turn before)
    language: LanguageReading
    conditions: tuple[tuple[str, str], ...]  # (word, phrase) of "<word> cancer"
    excluded: tuple[str, ...]  # the reasons of the corpus's excluded topics it matches
    unknown_names: tuple[str, ...]  # technical words the corpus never uses
    unknown_acronyms: tuple[str, ...]

    @property
    def given(self) -> tuple[str, ...]:
        return self.context.role_therapies("given")

    @property
    def progressed(self) -> tuple[str, ...]:
        return self.context.role_therapies("progressed")

    def named(self, *kinds: ConceptKind) -> list[Mention]:
        """The question's mentions of these kinds."""
        return [m for m in self.mentions if m.kind in kinds]

    @property
    def names_a_subject(self) -> bool:
        """Whether the question names a drug, regimen or drug group the corpus knows."""
        return bool(self.named(ConceptKind.DRUG, ConceptKind.REGIMEN, ConceptKind.GROUP))


def therapies_named(
    mentions: Sequence[Mention], context: PatientContext, lexicon: Lexicon, drugs_only: bool = False
) -> list[str]:
    """The drugs (and regimens) among the mentions, leaving out those the disease progressed on
    and those named as adjuvant therapy ("after adjuvant trastuzumab")."""
    given = {d for c in context.role_therapies("progressed") for d in lexicon.drugs_of(c)}
    kinds = (ConceptKind.DRUG,) if drugs_only else (ConceptKind.DRUG, ConceptKind.REGIMEN)
    return [
        m.concept_id
        for m in mentions
        if m.kind in kinds and not lexicon.drugs_of(m.concept_id) <= given and not m.early
    ]
