"""The named features of a candidate sentence: what the extractive generator's score is made of.

    asked = Asked(weights={"c:zorbatinib": 0.5, "dose": 0.5}, focus=frozenset({"c:zorbatinib"}))
    record = feature_record(sentence, asked)  # {"query_overlap": 1.0, "subject_absent": 0.0, ...}

Each feature is one small function of a sentence (`Sentence`, read once from its passage) and of
what the question asks (`Asked`, read once per question), with a value in [0, 1]. Their weights,
and a sentence on what each measures, are in `weights.yaml`; `weights.py` combines them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.understand.intent import Role

LONG_SENTENCE = 400  # characters: a sentence this long usually packs several statements


@dataclass(frozen=True)
class Asked:
    """What the question asks, as the features read it (built once per question)."""

    weights: dict[str, float] = field(default_factory=dict)  # question terms, summing to 1
    focus: frozenset[str] = frozenset()  # the drugs, trials and terms it names ("c:<id>")
    population_focus: frozenset[str] = frozenset()  # the populations among them
    partners: frozenset[str] | None = None  # a dose question's drugs; None when not one
    topic: frozenset[str] = frozenset()  # its topic concepts: lexicon terms that are not focus
    roles: frozenset[Role] = frozenset()  # the sentence roles it asks for
    line: int | None = None  # the line of therapy asked about
    patient_line: bool = False  # that line is the patient's, from the pathway
    populations: frozenset[str] = frozenset()  # populations named or implied by the patient
    wants_history: bool = False  # asks about past versions of a source
    wants_subgroup: bool = False  # asks about a subgroup


@dataclass(frozen=True)
class Sentence:
    """A candidate sentence as the features read it (built once per sentence)."""

    text: str
    terms: frozenset[str]
    roles: frozenset[Role]
    rank_weight: float  # 1 for the first passage, falling with its rank
    summary: bool = False  # from a summary section
    superseded: bool = False  # from a superseded source
    lines: frozenset[int] = frozenset()  # the lines of therapy it is about
    populations: frozenset[str] = frozenset()  # the populations it names
    drugs: frozenset[str] = frozenset()  # the drugs it names that some regimen combines
    fit: bool | None = None  # its thresholds include the question's measured value (None: none)
    other_measure: bool = False  # its thresholds are for another measurement than the question's
    subgroup_words: bool = False  # it speaks of a subgroup, subset or exploratory result


def query_overlap(s: Sentence, q: Asked) -> float:
    return sum(w for t, w in q.weights.items() if t in s.terms)


def passage_rank(s: Sentence, q: Asked) -> float:
    return s.rank_weight


def role_asked(s: Sentence, q: Asked) -> float:
    return float(bool(s.roles & q.roles))


def summary_section(s: Sentence, q: Asked) -> float:
    return float(s.summary)


def topic_concept(s: Sentence, q: Asked) -> float:
    if not q.topic:
        return 0.0
    return len(q.topic & s.terms) / len(q.topic)


def subject_absent(s: Sentence, q: Asked) -> float:
    return float(bool(q.focus) and not q.focus <= q.population_focus and not q.focus & s.terms)


def asked_population_absent(s: Sentence, q: Asked) -> float:
    return float(bool(q.focus) and q.focus <= q.population_focus and not q.focus & s.terms)


def other_partner(s: Sentence, q: Asked) -> float:
    present = not q.focus or bool(q.focus & s.terms)
    return float(present and q.partners is not None and bool(s.drugs - q.partners))


def other_line(s: Sentence, q: Asked) -> float:
    return float(q.line is not None and bool(s.lines) and q.line not in s.lines)


def other_patient_line(s: Sentence, q: Asked) -> float:
    return other_line(s, q) if q.patient_line else 0.0


def other_population(s: Sentence, q: Asked) -> float:
    return float(bool(s.populations - q.populations))


def subgroup(s: Sentence, q: Asked) -> float:
    return float(s.subgroup_words and not q.wants_subgroup and not other_population(s, q))


def value_fit(s: Sentence, q: Asked) -> float:
    return float(s.fit is True)


def value_misfit(s: Sentence, q: Asked) -> float:
    return float(s.fit is False)


def other_measure(s: Sentence, q: Asked) -> float:
    return float(s.other_measure)


def superseded(s: Sentence, q: Asked) -> float:
    return float(s.superseded and not q.wants_history)


def long_sentence(s: Sentence, q: Asked) -> float:
    return float(len(s.text) > LONG_SENTENCE)


FEATURES: dict[str, Callable[[Sentence, Asked], float]] = {
    f.__name__: f
    for f in (
        query_overlap,
        passage_rank,
        role_asked,
        summary_section,
        topic_concept,
        subject_absent,
        asked_population_absent,
        other_partner,
        other_line,
        other_patient_line,
        other_population,
        subgroup,
        value_fit,
        value_misfit,
        other_measure,
        superseded,
        long_sentence,
    )
}


def feature_record(sentence: Sentence, asked: Asked) -> dict[str, float]:
    """Every feature's value for one sentence, by name, in the order of `FEATURES`."""
    return {name: compute(sentence, asked) for name, compute in FEATURES.items()}
