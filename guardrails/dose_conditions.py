"""Which rows of a label's dose-modification and adjustment tables a situation meets.

    situation = Situation.of(Question.read(question, lexicon, measures), sentence, measures)
    situation.meets("platelets <25,000/mm3 (grade 4)")  # True for "Platelets 20,000 on T-DM1"
    read = discussed(sentences, asked, drugs, lexicon, measures, worth=CUE.search)
    for sentence, cue, drug, situation in read: ...  # sentences with a cue, about one drug

A criterion with thresholds (a measured value, a toxicity grade) is met when the situation's
values fit them (`Measures.fits`); a grade alone also needs a word of the criterion's topic
("grade 3 diarrhea" is not "grade 3 neuropathy"); a criterion with neither is met when most of
its words are there ("symptomatic congestive heart failure" and "symptomatic CHF ... heart
failure"). Words in parentheses are examples or notes and are not required.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from guardrails.answer import AnswerSentence
from guardrails.dose_intervals import Interval, intervals
from guardrails.lexicon import Lexicon
from guardrails.measures import Measures

# Words of a criterion that say nothing about which reaction or condition it is.
_GENERIC = frozenset(
    "with without from than more less over under above below between after before during "
    "grade grades points point absolute baseline value values level levels dose doses "
    "treatment patients patient reported label when that this their other only least".split()
)
_WORD = re.compile(r"[a-z][a-z0-9-]{2,}")
# Words of a reaction that name no reaction of their own ('any adverse reaction', 'other
# toxicity'): a sentence sharing only these is not about the row's reaction.
_UNSPECIFIC = frozenset(
    "any adverse reaction toxicity toxicitie other non severe related treatment "
    "event events day dose doses consecutive held except not for and the".split()
)
_PARTNER = re.compile(r"\b(?:with|plus|and)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
# British spellings read as American ones ('diarrhoea', 'anaemia', 'oedema'), on both sides.
_US_SPELLING = re.compile(r"(?<=[a-z])[ao]e(?=[a-z])|\b[ao]e(?=d)")
_ALTERNATIVES = re.compile(r"\s*(?:/|,|;|\bor\b)\s*")
# A change from baseline in a criterion ("absolute fall from baseline 10 to 20 points") and in a
# situation ("down 12 points", "a 15-point drop"): read apart from the measure's own value.
_CHANGE = re.compile(
    r"\b(?:absolute\s+)?(?:fall|decrease|decline|drop)\w*\b[^;,]*?\bpoints?\b", re.IGNORECASE
)
_STATED_CHANGE = re.compile(
    r"(?:\b(?:fall|decrease|decline|drop|down)\w*\b\D{0,25}?(\d+(?:\.\d+)?)[- ]?"
    r"(?:percentage[- ])?points?\b)|(?:\b(\d+(?:\.\d+)?)[- ](?:percentage[- ])?points?\s+"
    r"(?:absolute\s+)?(?:fall|decrease|decline|drop))",
    re.IGNORECASE,
)
# What a hold waits for ("until it recovers to grade 1 or less", "recovers to 75,000/mm3").
_TARGET = re.compile(r"\b(?:until|recover\w*\s+to|resolve[sd]?\s+to)\b[^.;,]*", re.I)
# A sentence that states the condition it applies to: "if ...", "for grade 3 ...", "when ...".
_CONDITION = re.compile(r"\b(?:if|when|whenever|unless)\b|\bfor\s+(?:a\s+|an\s+)?grade\b", re.I)
_BOUND = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:to|-)\s*(\d+(?:\.\d+)?)"
    r"|(?:under|below|less than|<)\s*(\d+(?:\.\d+)?)"
    r"|(?:over|above|more than|greater than|>)\s*(\d+(?:\.\d+)?)"
    r"|(\d+(?:\.\d+)?)\s*(?:or more|or greater|or higher)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Question:
    """What the question states, read once per review: its drugs, values, words and change."""

    drugs: tuple[str, ...]
    values: dict[str, float]
    words: frozenset[str]
    change: float | None
    intervals: tuple[Interval, ...] = ()  # since the last dose, past due, to resolve

    @classmethod
    def read(cls, question: str, lexicon: Lexicon, measures: Measures) -> Question:
        stated = _STATED_CHANGE.search(question)
        return cls(
            drugs=tuple(dict.fromkeys(m.concept_id for m in lexicon.find(question))),
            values=measures.values(question),
            words=frozenset(_stems(question)),
            change=float(stated.group(1) or stated.group(2)) if stated else None,
            intervals=tuple(intervals(question)),
        )


@dataclass(frozen=True)
class Situation:
    """The measured values and words of a question and one answer sentence."""

    values: dict[str, float]
    grade: dict[str, float]
    words: frozenset[str]
    measures: Measures
    change: float | None = None  # a change from baseline the question states, in points
    alone: bool = False  # the sentence states its own condition: a rule, not this patient
    said: frozenset[str] = frozenset()  # the sentence's own words

    @classmethod
    def of(cls, question: Question, sentence: str, measures: Measures) -> Situation:
        """A sentence that states its own condition ('for grade 4 ..., discontinue') is read
        alone: it states a rule, which is checked against the rows for that condition.
        Otherwise values come from the question (the answer's numbers are often targets,
        'recovers to 75,000'), and words from both."""
        grades = {m.measure.id for m in measures.compiled if m.measure.kind == "grade"}
        stated_here = _TARGET.sub(" ", sentence)  # "until grade 1 or less" is a target
        own = measures.values(stated_here)
        alone = any(k in grades for k in own) or bool(_CONDITION.search(stated_here))
        values = (not alone and question.values) or own
        stated = _STATED_CHANGE.search(sentence)
        change = float(stated.group(1) or stated.group(2)) if stated else None
        words = frozenset(_stems(sentence))
        return cls(
            values={k: v for k, v in values.items() if k not in grades},
            grade={k: v for k, v in values.items() if k in grades},
            words=words if alone else words | question.words,
            measures=measures,
            change=change if alone or question.change is None else question.change,
            alone=alone,
            said=words,
        )

    def match(self, criterion: str) -> bool | None:
        """True or False; None when the criterion's change from baseline decides and the
        situation does not state one."""
        parts = _change_of(criterion)
        if parts is None:
            return self.meets(criterion)
        if not self.shares(criterion):
            return False
        rest, change, either = parts
        base = self.meets(rest)
        if self.change is None:
            return None if base or either else False
        moved = _within(self.change, change)
        return (base or moved) if either else (base and moved)

    def measured(self, criterion: str) -> bool:
        """Whether a value the patient has (not a grade or a word) fits the criterion."""
        values = self._values_for(criterion)
        return bool(values) and self.measures.fits(values, criterion) is True

    def graded(self, criterion: str, reaction: str) -> bool:
        """Whether the toxicity grade the situation states fits the criterion's grades and the
        sentence itself names the row's reaction ('for grade 3 neutropenia, ...'; 'hold until
        the diarrhea recovers' after 'grade 3 diarrhea'), not only a word of its criterion."""
        if not self.grade or self.measures.fits(self.grade, criterion) is not True:
            return False
        return names_reaction(reaction, self.said)

    def shares(self, criterion: str) -> bool:
        """Whether the situation names a word of the criterion ('LVEF'): its topic."""
        return bool(_topic(criterion) & self.words)

    def meets(self, criterion: str) -> bool:
        # A measure whose values count only with their unit ('LVEF 48%') is fitted only to a
        # criterion that writes the unit: 'LVEF decline for more than 8 weeks' is no threshold.
        values = self._values_for(criterion)
        valued = self.measures.fits(values, criterion) if values else None
        graded = self.measures.fits(self.grade, criterion) if self.grade else None
        if valued is False or graded is False:
            return False
        if valued:  # and no threshold of a measure the situation has no value for
            return not self._unknown_measure(criterion)
        topic = _topic(criterion)
        if graded:
            return bool(topic & self.words)
        if len(topic) < 2:
            return False
        return 3 * len(topic & self.words) >= 2 * len(topic)

    def _unknown_measure(self, criterion: str) -> bool:
        """Whether the criterion also sets a threshold on a measure the situation gives no
        value for: "transaminases over 3 x ULN with total bilirubin over 2 x ULN" is not met
        by "AST 4x ULN, bili normal" (the second condition is unknown, not met)."""
        rule = _outside_parentheses(criterion)
        for c in self.measures.compiled:
            if c.measure.kind == "grade" or c.measure.id in self.values:
                continue
            named = c.names.search(rule)
            if named and _BOUND.search(rule, named.end()):
                return True
        return False

    def _values_for(self, criterion: str) -> dict[str, float]:
        return {
            c.measure.id: self.values[c.measure.id]
            for c in self.measures.compiled
            if c.measure.id in self.values
            and (not c.measure.unit_required or c.measure.unit in criterion)
        }


def names_reaction(reaction: str, words: frozenset[str]) -> bool:
    """Whether `words` name a reaction: at least half the specific words of one of its
    alternatives ('interstitial lung disease / pneumonitis': 'pneumonitis', or 'lung disease',
    but not 'disease' alone, which a sentence on 'disease progression' also has)."""
    for alternative in _ALTERNATIVES.split(_outside_parentheses(reaction)):
        specific = _topic(alternative) - _UNSPECIFIC
        if specific and 2 * len(specific & words) >= len(specific):
            return True
    return False


def _within(value: float, text: str) -> bool:
    bound = _BOUND.search(text)
    if bound is None:
        return False
    low, high, under, over, least = bound.groups()
    if low is not None:
        return float(low) <= value <= float(high)
    if under is not None:
        return value < float(under)
    if over is not None:
        return value > float(over)
    return value >= float(least)


def _outside_parentheses(text: str) -> str:
    return re.sub(r"\([^)]*\)", " ", text)


@lru_cache(maxsize=4096)
def _topic(criterion: str) -> frozenset[str]:
    """A criterion's content words outside parentheses (criteria recur: read once)."""
    return frozenset(_stems(_outside_parentheses(criterion)))


@lru_cache(maxsize=4096)
def _change_of(criterion: str) -> tuple[str, str, bool] | None:
    """A criterion's change from baseline: (the rest, the change's words, joined by 'or')."""
    change = _CHANGE.search(criterion)
    if change is None:
        return None
    rest = criterion[: change.start()] + criterion[change.end() :]
    return rest, change.group(0), bool(re.search(r"\bor\s*$", criterion[: change.start()]))


def _stems(text: str) -> list[str]:
    """Content words, lower-cased, a plural 's' dropped ('inhibitors' is 'inhibitor')."""
    words = _WORD.findall(_US_SPELLING.sub("e", text.lower().replace("/", " ")))
    return [w[:-1] if w.endswith("s") and len(w) > 4 else w for w in words if w not in _GENERIC]


def discussed_drug(
    claim: str, question: Question, drugs: set[str], lexicon: Lexicon, subject: bool = False
) -> str | None:
    """The one drug of `drugs` a sentence is about: the one it names, or, when it names no
    drug at all, the one the question names. With `subject`, a sentence naming several is
    about the first one no 'with', 'plus' or 'and' introduces ('restart X at ... with Y')."""
    found = lexicon.find(claim)
    named = list(dict.fromkeys(m.concept_id for m in found))
    own = [c for c in named if c in drugs]
    if len(own) > 1 and subject:
        heads = [m.concept_id for m in found if not _PARTNER.search(claim[: m.start])]
        own = [c for c in dict.fromkeys(heads) if c in drugs][:1]
    if own:
        return own[0] if len(own) == 1 else None
    if named:
        return None
    asked = [c for c in question.drugs if c in drugs]
    return asked[0] if len(asked) == 1 else None


_Found = TypeVar("_Found")  # what a check looks for first in a sentence


def discussed(
    sentences: Sequence[AnswerSentence],
    asked: Question,
    drugs: set[str],
    lexicon: Lexicon,
    measures: Measures,
    worth: Callable[[str], _Found],
    subject: bool = False,
) -> Iterator[tuple[AnswerSentence, _Found, str, Situation]]:
    """The sentences worth reading (`worth` of the claim is truthy: a cue, the amounts it
    gives) that are about one drug of `drugs`: each with what `worth` found, the drug and its
    situation. `worth` runs first because it is cheaper than finding the drug."""
    for sentence in sentences:
        found = worth(sentence.claim)
        if not found:
            continue
        drug = discussed_drug(sentence.claim, asked, drugs, lexicon, subject)
        if drug is not None:
            yield sentence, found, drug, Situation.of(asked, sentence.claim, measures)
