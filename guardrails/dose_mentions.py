"""Find dose mentions in text: drug, amount(s), unit, schedule, route, loading or maintenance.

[m.describe() for m in find_doses(parse_answer(text), lexicon, vocabulary)]
# "8 mg/kg then 6 mg/kg every 3 weeks" -> 8 mg/kg (loading), 6 mg/kg every 3 weeks (maintenance)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from guardrails import dose_patterns as p
from guardrails.answer import AnswerSentence
from guardrails.lexicon import ConceptKind, Lexicon, Mention


@dataclass(frozen=True)
class DoseVocabulary:
    """What the dose table tells the parser: fixed-dose products, each drug's units, and the
    amounts (with their unit) the table knows for each drug."""

    products: frozenset[str] = frozenset()
    units: dict[str, frozenset[str]] = field(default_factory=dict)
    amounts: dict[str, frozenset[tuple[float, str]]] = field(default_factory=dict)

    def dosable(self, drug: str, unit: str) -> bool:
        """Whether an amount in `unit` can be a dose of `drug`, directly or as the absolute
        total of a per-kg or per-m2 dose."""
        units = self.units.get(drug, frozenset())
        return unit in units or (unit == "mg" and bool(units & {"mg/kg", "mg/m2"}))

    def has(self, drug: str, amount: float, unit: str) -> bool:
        return any(
            abs(a - amount) < 1e-6 and u == unit for a, u in self.amounts.get(drug, frozenset())
        )


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


@dataclass(frozen=True)
class _Amount:
    start: int
    end: int
    values: tuple[float, ...]
    units: tuple[str, ...]
    low: float | None
    per_day: bool


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
        drugs = [m for m in concepts if m.kind is ConceptKind.DRUG] or _regimen_drugs(
            concepts, lexicon
        )
        attributed: list[tuple[_Amount, Mention | None, str]] = []
        last: Mention | None = None
        for amount in _amounts(text):
            since = attributed[-1][0].end if attributed else 0
            drug, unknown = _attribute(text, amount, drugs, vocabulary, since, last)
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
            attributed = _merge_product_parts(text, attributed, (amount, drug, unknown), vocabulary)
        bases: dict[str, float] = {}
        for i, (amount, drug, unknown) in enumerate(attributed):
            since = attributed[i - 1][0].end if i else 0
            following = attributed[i + 1][0].start if i + 1 < len(attributed) else len(text)
            window = _Window(text, amount, since, following, drug, drugs)
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


def _regimen_drugs(concepts: list[Mention], lexicon: Lexicon) -> list[Mention]:
    """'With neratinib, capecitabine is 750 mg/m2': a sentence whose drugs are read as one
    regimen's name; each drug of the regimen stands at the regimen's place, and the unit
    decides which one an amount belongs to."""
    return [
        Mention(drug, ConceptKind.DRUG, m.start, m.end, m.text)
        for m in concepts
        if m.kind is ConceptKind.REGIMEN
        for drug in lexicon.drug_list(m.concept_id)
    ]


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


def _merge_product_parts(
    text: str,
    attributed: list[tuple[_Amount, Mention | None, str]],
    item: tuple[_Amount, Mention | None, str],
    vocabulary: DoseVocabulary,
) -> list[tuple[_Amount, Mention | None, str]]:
    """'Phesgo 1,200 mg pertuzumab, 600 mg trastuzumab and 30,000 units hyaluronidase' is one
    compound dose of the product, as '1,200 mg/600 mg/30,000 units' is."""
    amount, drug, unknown = item
    if attributed and drug is not None and drug.concept_id in vocabulary.products:
        previous, previous_drug, _ = attributed[-1]
        gap = text[previous.end : amount.start]
        if previous_drug is drug and p.PRODUCT_PART_GAP.fullmatch(gap):
            merged = _Amount(
                previous.start,
                amount.end,
                (*previous.values, *amount.values),
                (*previous.units, *amount.units),
                None,
                amount.per_day,
            )
            return [*attributed[:-1], (merged, drug, unknown)]
    return [*attributed, item]


def weight_in(text: str) -> float | None:
    """A body weight written in the text ('a 70 kg patient'), if any."""
    match = p.WEIGHT.search(text)
    return float(match.group(1)) if match else None


def _amounts(text: str) -> list[_Amount]:
    """Amount spans; runs joined by '/' merge into one compound amount; tablet strengths skip."""
    found: list[_Amount] = []
    for match in p.AMOUNT.finditer(text):
        if p.STRENGTH.match(text[match.end() :]):
            continue
        value, unit = p.number(match.group("num")), p.unit_of(match.group("unit"))
        per_day = bool(match.group("perday"))
        if found and p.COMPOUND_GAP.match(text[found[-1].end : match.start()]):
            last = found[-1]
            merged = (*last.values, value), (*last.units, unit)
            found[-1] = _Amount(last.start, match.end(), *merged, None, per_day)
            continue
        low = p.number(match.group("low")) if match.group("low") else None
        found.append(_Amount(match.start(), match.end(), (value,), (unit,), low, per_day))
    return found


def _attribute(
    text: str,
    amount: _Amount,
    drugs: list[Mention],
    vocabulary: DoseVocabulary,
    since: int,
    last: Mention | None,
) -> tuple[Mention | None, str]:
    """The drug an amount belongs to, or the unknown drug word it follows.

    In order: the fixed-dose product it follows; the subject of 'DRUG with PARTNER ... is
    given at X'; the drug it directly follows ('pertuzumab 840
    mg', 'capecitabine is given at 1,000 mg'); 'X mg (of) DRUG'; an unknown drug name right
    before it ('dexamethasone 16 mg'); the previous amount's drug when no drug is named since
    ('8 mg/kg then 6 mg/kg', '1,000 mg/m2 ... comes to 1,800 mg'); among the drugs dosed in
    that unit, one whose table has that amount, else the nearest; the nearest drug before it;
    the first drug after it."""
    start, end, unit = amount.start, amount.end, amount.units[0]
    before = [d for d in drugs if d.end <= start]
    after = [d for d in drugs if d.start >= end]
    for product in (d for d in reversed(before) if d.concept_id in vocabulary.products):
        if not re.search(r"[.;]", text[product.end : start]):
            return product, ""
    window = [d for d in before if d.start >= since]
    subject = window[0] if window else None
    if (
        subject is not None
        and unit in vocabulary.units.get(subject.concept_id, frozenset())
        and p.SUBJECT_LINK.search(text[subject.end : start])
    ):
        return subject, ""  # 'lapatinib with capecitabine is dosed at 1,250 mg'
    if before and p.DOSING_PREDICATE.fullmatch(text[before[-1].end : start]):
        return before[-1], ""
    if after and re.fullmatch(r"\s*(?:of\s+)?", text[end : after[0].start]):
        return after[0], ""
    unknown = p.UNKNOWN_DRUG.search(text[max([since, *(d.end for d in before)]) : start])
    if unknown:
        return None, unknown.group(1)
    continues = not window or p.TOTAL_OF.search(text[since:start])
    if continues and last is not None and vocabulary.dosable(last.concept_id, unit):
        return last, ""  # the same drug as the amount before ("... comes to 1,800 mg")
    candidates = [*reversed(window), *reversed([d for d in before if d.start < since])]
    compatible = [d for d in candidates if unit in vocabulary.units.get(d.concept_id, frozenset())]
    having = [d for d in compatible if vocabulary.has(d.concept_id, amount.values[0], unit)]
    if having and compatible and having[0] is not compatible[0]:
        return having[0], ""  # 'loperamide with the first neratinib dose at 4 mg'
    if compatible:
        return compatible[0], ""
    dosed = [d for d in candidates if d.concept_id in vocabulary.units]
    if dosed:
        return dosed[0], ""  # no drug uses that unit: the nearest one Cairn doses, to check it
    if before:
        return before[-1], ""
    return (after[0], "") if after else (None, "")


@dataclass
class _Window:
    """The text around an amount that describes it."""

    text: str
    amount: _Amount
    since: int
    following: int
    drug: Mention | None
    drugs: list[Mention]

    def after(self) -> str:
        """Up to the next amount, the next drug or a clause break."""
        end = self.amount.end
        breaks = [m.start() for m in p.CLAUSE_BREAK.finditer(self.text, end)]
        breaks += [m.start() for m in p.NEXT_PHASE.finditer(self.text, end)]
        next_drugs = [d.start for d in self.drugs if d.start >= end]
        stop = min([self.following, *next_drugs, *breaks, len(self.text)])
        return self.text[end:stop]

    def described(self) -> str:
        """What describes the amount's schedule: up to the next amount or clause break (a
        partner named in between, 'with tucatinib', does not end the description)."""
        end = self.amount.end
        breaks = [m.start() for m in p.CLAUSE_BREAK.finditer(self.text, end)]
        stop = min([self.following, *breaks, len(self.text)])
        return self.text[end:stop]

    def before(self) -> str:
        """From the clause start; after a previous amount, from the first separator on (what
        comes before it is that amount's own descriptor)."""
        start = self.amount.start
        breaks = [m.end() for m in p.CLAUSE_BREAK.finditer(self.text, 0, start)]
        clause = max([0, *breaks])
        if self.since > clause:
            separator = p.SEPARATOR.search(self.text, self.since, start)
            return self.text[separator.start() if separator else start : start]
        return self.text[clause:start]

    def near(self) -> str:
        """Schedule and route words before an amount count only next to its own drug
        ('weekly paclitaxel 80 mg/m2'), never across a long gap."""
        before, drug, start = self.before(), self.drug, self.amount.start
        reach = min(len(before), 40)
        if drug is not None and drug.end <= start and drug.start >= start - reach:
            lead = self.text[max(start - reach, drug.start - 25) : drug.start]
            return p.LEAD_IN_BREAK.split(lead)[-1] + self.text[drug.start : start]
        return before[-40:]

    def with_partners(self) -> list[str]:
        """Drugs the dose is given 'with': right after it, linked by with/plus/and."""
        end = self.amount.end
        following = [d for d in self.drugs if d.start >= end and d.start <= self.following]
        if following and p.PARTNER_LINK.match(self.text[end : following[0].start]):
            return [d.concept_id for d in following]
        return []


def _mention(
    sentence: AnswerSentence,
    amount: _Amount,
    window: _Window,
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
