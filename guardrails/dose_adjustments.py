"""Dose adjustments: the dose an answer gives under a condition the label adjusts for (hepatic
or renal impairment, an interacting drug), against `adjustments` in doses.yaml.

    check_adjustments(sentences, question, table, lexicon, measures)
    # "Child-Pugh C" + "start tucatinib at 150 mg twice daily" -> doses.adjustment (200 mg)

When the question or a sentence meets an adjustment's condition (`dose_conditions.py`) and the
adjustment's action names doses (or a percentage of the dose), an answer that gives the drug's
dose in that unit and never the adjusted one is blocked. A row whose `taking` drugs the question
or sentence names (a member of its class: "carbamazepine") is met as well; one whose `when` the
patient's stated facts contradict (another Child-Pugh class, a clearance outside its range) is not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from guardrails.answer import AnswerSentence
from guardrails.dose_attribution import find_amounts
from guardrails.dose_conditions import Question, Situation, discussed
from guardrails.dose_findings import sentence_block
from guardrails.dose_mentions import DoseMention
from guardrails.dose_rules import Adjustment
from guardrails.dose_table import DoseTable
from guardrails.lexicon import Lexicon
from guardrails.measures import Measures
from guardrails.pathway import holds
from guardrails.records import FactStatus, Finding, PatientContext

_DIGIT = re.compile(r"\d")  # a sentence without a number gives no dose (a cheap test first)
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_FROM = re.compile(r"\bfrom\s*$", re.IGNORECASE)
# What says a dose is the one for the condition, read before the amount: changed ('is reduced
# to', 'start at') or kept ('stays at', 'remains at', 'is kept at': no adjustment, a claim too).
_CHANGED = re.compile(
    r"\b(?:reduc\w*|lower\w*|decreas\w*|adjust\w*|start(?:s|ed|ing)?\s+(?:it\s+)?at"
    r"|(?:stay\w*|remain\w*|kept|keep\w*|left|leave\w*)\s+(?:\w+\s+){0,2}at)\b",
    re.IGNORECASE,
)

Amount = tuple[float, str]  # a value and its unit ('%' for a percentage of the dose)


def check_adjustments(
    sentences: Sequence[AnswerSentence],
    asked: Question,
    table: DoseTable,
    lexicon: Lexicon,
    measures: Measures,
    mentions: Sequence[DoseMention] = (),
    context: PatientContext | None = None,
) -> list[Finding]:
    """`mentions` (the review's dose mentions) give the drug of each amount in a sentence that
    names several drugs: 'lapatinib with capecitabine is reduced to 1,000 mg'. With the
    patient's `context`, a row whose `when` the patient's stated facts contradict is not met,
    whatever words it shares ('Child-Pugh B' is not the Child-Pugh A row's 'hepatic
    impairment'), except in a sentence that states its own condition ('if ...': a quoted
    rule, judged by its words)."""
    drugs = {a.drug for a in table.adjustments}
    stated: dict[str, list[tuple[AnswerSentence, list[Adjustment], set[Amount]]]] = {}
    read = list(discussed(sentences, asked, drugs, lexicon, measures, worth=_given))
    read += _shared(mentions, {id(s) for s, *_ in read}, drugs, asked, measures)
    for sentence, amounts, drug, situation in read:
        named = _named(sentence.claim, asked, lexicon)
        met = [
            a
            for a in table.adjustments
            if a.drug == drug and (situation.match(a.condition) or _taken(a, named, lexicon))
        ]
        met = _with_partner(met, named)
        if context is not None and not situation.alone:  # a quoted rule ('if ...') is its own
            met = [a for a in met if not _contradicted(a, context)]
        if met:
            stated.setdefault(drug, []).append((sentence, met, amounts))
    findings: list[Finding] = []
    for drug, said in stated.items():
        allowed = {x for _, met, _ in said for a in met for x in _amounts(a.action)}
        if any(amounts & allowed for _, _, amounts in said) or any(
            m.drug == drug and (m.amount, m.unit) in allowed for m in mentions
        ):
            continue  # the answer gives the adjusted dose somewhere, alone or beside partners
        units = {u for _, u in allowed}
        for sentence, met, amounts in said:
            wrong = sorted(a for a in amounts if a[1] in units)
            if wrong:
                findings.append(_finding(sentence, lexicon.label(drug), wrong, met, allowed))
    return findings


def _shared(
    mentions: Sequence[DoseMention],
    read: set[int],
    drugs: set[str],
    asked: Question,
    measures: Measures,
) -> list[tuple[AnswerSentence, set[Amount], str, Situation]]:
    """The amounts of the sentences `discussed` left (several drugs named), by the drug each
    amount was attributed to, where the sentence says the dose is changed ('reduced to') and
    not an amount it starts 'from'."""
    found: list[tuple[AnswerSentence, set[Amount], str, Situation]] = []
    for m in mentions:
        sentence = m.sentence
        if id(sentence) in read or m.drug not in drugs or m.negated or len(m.amounts) != 1:
            continue
        before = sentence.claim[: max(0, m.start - sentence.start)]
        if _FROM.search(before) or not _CHANGED.search(before):
            continue  # a standard dose stated beside its partner's is no adjusted-dose claim
        situation = Situation.of(asked, sentence.claim, measures)
        found.append((sentence, {(m.amount, m.unit)}, m.drug, situation))
    return found


def _taken(adjustment: Adjustment, named: set[str], lexicon: Lexicon) -> bool:
    """The question or sentence names a drug of the row's `taking`, or a member of one of its
    classes ('carbamazepine' for the strong CYP3A4 inducers)."""
    for wanted in adjustment.taking:
        concept = lexicon.get(wanted)
        if wanted in named or (concept is not None and set(concept.members) & named):
            return True
    return False


def _contradicted(adjustment: Adjustment, context: PatientContext) -> bool:
    """A fact of the row's `when` that the patient's context states with another value."""
    for key, expected in adjustment.when.items():
        fact = context.fact(key)
        if fact.status is FactStatus.STATED and not holds(fact, expected, context):
            return True
    return False


def _named(claim: str, asked: Question, lexicon: Lexicon) -> set[str]:
    """The drugs the sentence and the question name, a regimen standing for its drugs."""
    ids = {m.concept_id for m in lexicon.find(claim)} | set(asked.drugs)
    return ids | {d for c in ids for d in lexicon.drugs_of(c)}


def _with_partner(met: list[Adjustment], named: set[str]) -> list[Adjustment]:
    """The adjustments for the partner the answer or question names ('with capecitabine':
    750 mg, not the 1,000 mg given with another partner); all of them when none is named."""
    chosen = [a for a in met if set(a.partners) & named]
    if not chosen:
        return met
    return [a for a in met if not a.partners] + chosen


def _given(text: str) -> set[Amount]:
    """The amounts of a sentence that has a number (a cheap test first)."""
    return _amounts(text) if _DIGIT.search(text) else set()


def _amounts(text: str) -> set[Amount]:
    """The doses a text gives (not those it starts 'from'), and its percentages."""
    found = {
        (a.values[0], a.units[0])
        for a in find_amounts(text)
        if len(a.values) == 1 and not _FROM.search(text[: a.start])
    }
    return found | {(float(p), "%") for p in _PERCENT.findall(text)}


def _finding(
    sentence: AnswerSentence,
    name: str,
    wrong: list[Amount],
    met: list[Adjustment],
    allowed: set[Amount],
) -> Finding:
    said = ", ".join(f"{v:g} {u}".replace(" %", "%") for v, u in wrong)
    conditions = "; ".join(dict.fromkeys(f"{a.condition}: {a.action}" for a in met))
    message = f"{said} is not the {name} dose the label gives for this condition ({conditions})."
    return sentence_block(
        sentence, "doses.adjustment", message, (s for a in met for s in a.sources)
    )
