"""Find dose mentions in text: drug, amount(s), unit, schedule, route, loading or maintenance.

[m.describe() for m in find_doses(parse_answer(text), lexicon, vocabulary)]
# "8 mg/kg then 6 mg/kg every 3 weeks" -> 8 mg/kg (loading), 6 mg/kg every 3 weeks (maintenance)

Which drug an amount belongs to is `dose_attribution.py`; the words around it that describe it
(schedule, route, phase, cycle, partners) are read through `dose_window.py`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from guardrails import dose_patterns as p
from guardrails.answer import AnswerSentence
from guardrails.dose_attribution import (
    Amount,
    Attributed,
    DoseVocabulary,
    attribute,
    find_amounts,
    merge_product_parts,
    regimen_drugs,
)
from guardrails.dose_window import Window
from guardrails.lexicon import ConceptKind, Lexicon, Mention


@dataclass(frozen=True)
class DoseMention:
    drug: str | None  # a lexicon drug id; None when no known drug is named
    drug_text: str
    amounts: tuple[float, ...]  # several for "1,200 mg/600 mg/30,000 units"
    units: tuple[str, ...]
    low: float | None  # "75-100 mg/m2": the low end
    per_day: bool
    schedule: str | None
    route: str | None
    phase: str  # loading | maintenance | unspecified
    reduced: bool
    upper_bound: bool
    negated: bool
    partners: frozenset[str]  # drugs and regimens in the same clause
    with_partners: frozenset[str]  # given "with" the dose: "750 mg/m2 twice daily with X"
    text: str
    sentence: AnswerSentence
    start: int  # offsets in the whole answer
    end: int
    basis: float | None = None  # an absolute dose's per-kg or per-m2 dose stated before it
    cycle_days: frozenset[int] | None = None  # "on days 1-14": the days of the cycle stated
    cycle_length: int | None = None  # "of each 21-day cycle"
    continuous: bool = False  # "continuously", "without a break"

    @property
    def amount(self) -> float:
        return self.amounts[0]

    @property
    def unit(self) -> str:
        return self.units[0]

    def describe(self) -> str:
        parts = [
            self.text,
            self.schedule or "",
            f"({self.phase})" if self.phase != "unspecified" else "",
        ]
        return " ".join(x for x in parts if x)


def find_doses(
    sentences: Sequence[AnswerSentence],
    lexicon: Lexicon,
    vocabulary: DoseVocabulary | None = None,
    subject: str | None = None,
) -> list[DoseMention]:
    """Every dose in the sentences. The vocabulary helps attribute amounts: after a fixed-dose
    product they belong to it ('Phesgo ... 600 mg trastuzumab'), and among several drugs to
    the one dosed in that unit. `subject` is the drug the question asks about: an amount in
    an answer that names no drug before it is that drug's ("840 mg loading, then ...")."""
    vocabulary = vocabulary or DoseVocabulary()
    mentions: list[DoseMention] = []
    previous_drug: Mention | None = None
    if subject is not None:
        concept = lexicon.get(subject)
        name = concept.generic if concept else subject
        previous_drug = Mention(subject, ConceptKind.DRUG, -10_000, -10_000, name)
    for sentence in sentences:
        text = sentence.text
        concepts = lexicon.find(text)
        drugs = [m for m in concepts if m.kind is ConceptKind.DRUG] or regimen_drugs(
            concepts, lexicon
        )
        attributed: list[Attributed] = []
        last: Mention | None = None
        for amount in find_amounts(text):
            since = attributed[-1][0].end if attributed else 0
            drug, unknown = attribute(text, amount, drugs, vocabulary, since, last)
            if (
                attributed
                and not attributed[-1][1]
                and attributed[-1][2]
                and (not any(since <= d.start < amount.start for d in drugs))
            ):
                # "dexamethasone 16 mg per day (8 mg twice daily)": still the unknown drug
                drug, unknown = None, attributed[-1][2]
            last = drug
            if drug is None and not unknown and not drugs:
                drug = previous_drug  # "T-DXd is an ADC. The dose is 5.4 mg/kg."
            attributed = merge_product_parts(text, attributed, (amount, drug, unknown), vocabulary)
        bases: dict[str, float] = {}
        for i, (amount, drug, unknown) in enumerate(attributed):
            since = attributed[i - 1][0].end if i else 0
            following = attributed[i + 1][0].start if i + 1 < len(attributed) else len(text)
            window = Window(text, amount, since, following, drug, drugs)
            mention = _mention(sentence, amount, window, drug, unknown, concepts, lexicon)
            if mention.drug and mention.unit in ("mg/kg", "mg/m2") and len(mention.amounts) == 1:
                bases[mention.drug] = mention.amount
            elif mention.drug and mention.unit == "mg" and mention.drug in bases:
                mention = replace(mention, basis=bases[mention.drug])
            mentions.append(mention)
        mentions[len(mentions) - len(attributed) :] = _shared_cycle(
            mentions[len(mentions) - len(attributed) :]
        )
        if drugs:
            previous_drug = drugs[-1]
    return mentions


def _shared_cycle(mentions: list[DoseMention]) -> list[DoseMention]:
    """'reduced from 1.4 mg/m2 to 1.1 and then 0.7 mg/m2 on days 1 and 8 of each 21-day
    cycle': cycle days stated once in a sentence hold for every dose of that drug in it."""
    stated = {m.drug: m for m in mentions if m.cycle_days or m.continuous}
    return [
        replace(
            m,
            cycle_days=stated[m.drug].cycle_days,
            cycle_length=stated[m.drug].cycle_length,
            continuous=stated[m.drug].continuous,
        )
        if m.drug in stated and not (m.cycle_days or m.continuous)
        else m
        for m in mentions
    ]


def weight_in(text: str) -> float | None:
    """A body weight written in the text ('a 70 kg patient'), if any."""
    match = p.WEIGHT.search(text)
    return float(match.group(1)) if match else None


def _mention(
    sentence: AnswerSentence,
    amount: Amount,
    window: Window,
    drug: Mention | None,
    unknown: str,
    concepts: list[Mention],
    lexicon: Lexicon,
) -> DoseMention:
    text, start, end = sentence.text, amount.start, amount.end
    after, before, near = window.after(), window.before(), window.near()
    drug_id = drug.concept_id if drug else None
    clause = _clause(text, start)
    partners = frozenset(
        c
        for m in concepts
        if clause[0] <= m.start < clause[1]
        for c in (m.concept_id, *lexicon.drugs_of(m.concept_id))
        if c != drug_id
    )
    linked = {c for d in window.with_partners() for c in (d, *lexicon.drugs_of(d))} - {drug_id}
    cycle_days, cycle_length, continuous = p.cycle_of(window.described())
    return DoseMention(
        drug=drug_id,
        drug_text=drug.text if drug else unknown or _word_before(text, start),
        amounts=amount.values,
        units=amount.units,
        low=amount.low,
        per_day=amount.per_day,
        schedule=p.first_of(p.SCHEDULES, after) or p.first_of(p.SCHEDULES, near, last=True),
        route=p.first_of(p.ROUTES, after) or p.first_of(p.ROUTES, near, last=True),
        phase=p.phase_of(before[-40:], after, text[end : window.following]),
        reduced=bool(p.REDUCED.search(text)),
        upper_bound=bool(p.UPPER.search(before[-30:])),
        negated=bool(p.NEGATION.search(before)),
        partners=partners,
        with_partners=frozenset(c for c in linked if c is not None),
        text=text[start:end],
        sentence=sentence,
        start=sentence.start + start,
        end=sentence.start + end,
        cycle_days=cycle_days,
        cycle_length=cycle_length,
        continuous=continuous,
    )


def _clause(text: str, position: int) -> tuple[int, int]:
    """The span of the ';'-delimited clause around `position`."""
    start = text.rfind(";", 0, position) + 1
    end = text.find(";", position)
    return start, end if end != -1 else len(text)


def _word_before(text: str, start: int) -> str:
    words = re.findall(r"[A-Za-z][\w-]*", text[:start])
    return words[-1] if words else ""
