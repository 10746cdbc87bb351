"""Food instructions of oral drugs: what an answer says about meals, against the dose table's
`food` of the drug's rows (fasting: on an empty stomach; fed: with food; any: either).

    check_food(sentences, question, table, lexicon)
    # "Take lapatinib with a meal" -> doses.food (the label: 1 hour before or after a meal)

A phrase is read as fasting ("on an empty stomach", "without food", "1 hour before or after a
meal"), either ("with or without food") or fed ("with food", "after a meal"), in that order, so
the longer phrase decides; a negated phrase ("not with food") is not read. Each phrase belongs
to the drug named last before it in the sentence, not counting one named as a partner ("with
lapatinib"), or else to the question's one drug: "lapatinib 1 hour before a meal, while
capecitabine is taken with food" judges each drug by its own rule.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from guardrails.answer import AnswerSentence
from guardrails.dose_conditions import Question
from guardrails.dose_findings import sentence_block
from guardrails.dose_table import DoseTable
from guardrails.lexicon import ConceptKind, Lexicon
from guardrails.negation import status_of
from guardrails.records import FactStatus, Finding

_MEAL = r"(?:food|(?:a |the )?meals?|eating|breakfast)"
_PHRASES = [  # (what it says, pattern): the first that matches a span decides it
    ("any", re.compile(rf"\bwith or without {_MEAL}", re.I)),
    (
        "fasting",
        re.compile(
            rf"\bempty stomach|\bwithout {_MEAL}|\bfasting\b|\bbefore or (?:\d+ hours? )?after "
            rf"{_MEAL}|\b(?:at least )?\d+ hours? (?:before|after) {_MEAL}",
            re.I,
        ),
    ),
    ("fed", re.compile(rf"\bwith {_MEAL}|\b(?:after|following) {_MEAL}", re.I)),
]
# A drug named as another's partner ("capecitabine with lapatinib ... with food") is not the
# one a food phrase after it is about.
_PARTNER = re.compile(r"\b(?:with|plus|and)\s+(?:the\s+)?$|\+\s*$", re.I)
_CHEAP = re.compile(r"food|meal|stomach|fasting|eating|breakfast", re.I)
_SAYS = {"fasting": "on an empty stomach", "fed": "with food", "any": "with or without food"}


def check_food(
    sentences: Sequence[AnswerSentence], asked: Question, table: DoseTable, lexicon: Lexicon
) -> list[Finding]:
    rules = _rules(table)
    findings: list[Finding] = []
    for sentence in sentences:
        text = sentence.claim
        if not _CHEAP.search(text):
            continue
        drugs = [
            m
            for m in lexicon.find(text)
            if m.kind is ConceptKind.DRUG and not m.absent and m.concept_id in rules
        ]
        asked_drugs = [d for d in asked.drugs if d in rules]
        for says, start, _ in _phrases(text):
            before = [m for m in drugs if m.end <= start and not _PARTNER.search(text[: m.start])]
            drug = before[-1].concept_id if before else None
            if drug is None and not drugs and len(asked_drugs) == 1:
                drug = asked_drugs[0]
            wanted = rules.get(drug or "")
            if drug and wanted and "any" not in (says, wanted) and says != wanted:
                findings.append(_finding(sentence, lexicon.label(drug), says, wanted, table, drug))
    return findings


def _rules(table: DoseTable) -> dict[str, str]:
    """Each drug's food rule, when its rows agree on one."""
    found: dict[str, set[str]] = {}
    for row in table.rows:
        if row.food and not row.other_indication:
            found.setdefault(row.drug, set()).add(row.food)
    return {drug: rules.pop() for drug, rules in found.items() if len(rules) == 1}


def _phrases(text: str) -> list[tuple[str, int, int]]:
    """The food phrases of a text that it states (not negated), longer readings first."""
    taken: list[tuple[str, int, int]] = []
    for says, pattern in _PHRASES:
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for _, s, e in taken):
                continue
            if status_of(text, match.start(), match.end()) is FactStatus.STATED:
                taken.append((says, match.start(), match.end()))
    return sorted(taken, key=lambda t: t[1])


def _finding(
    sentence: AnswerSentence, name: str, says: str, wanted: str, table: DoseTable, drug: str
) -> Finding:
    sources = (s for r in table.rows_for(drug) if r.food for s in r.sources)
    message = (
        f"{name[:1].upper()}{name[1:]} is taken {_SAYS[wanted]} (the label), not {_SAYS[says]}."
    )
    return sentence_block(sentence, "doses.food", message, sources)
