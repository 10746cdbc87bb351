"""Which drug each amount of a sentence belongs to.

    [(a.values, a.units) for a in find_amounts("Pertuzumab 840 mg, then 420 mg")]
    # [((840.0,), ('mg',)), ((420.0,), ('mg',))]
    attribute(text, amount, drugs, vocabulary, since=0, last=None)  # (Mention | None, unknown)

The dose table's `DoseVocabulary` (each drug's units and amounts, the fixed-dose products)
decides between several drugs of one sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from guardrails import dose_patterns as p
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
class Amount:
    """An amount's span in its sentence, with its value(s) and unit(s)."""

    start: int
    end: int
    values: tuple[float, ...]
    units: tuple[str, ...]
    low: float | None
    per_day: bool


Attributed = tuple[Amount, Mention | None, str]  # the amount, its drug, or an unknown drug word


def find_amounts(text: str) -> list[Amount]:
    """Amount spans; runs joined by '/' merge into one compound amount; tablet strengths skip."""
    found: list[Amount] = []
    for match in p.AMOUNT.finditer(text):
        if p.STRENGTH.match(text[match.end() :]):
            continue
        value, unit = p.number(match.group("num")), p.unit_of(match.group("unit"))
        per_day = bool(match.group("perday"))
        if found and p.COMPOUND_GAP.match(text[found[-1].end : match.start()]):
            last = found[-1]
            merged = (*last.values, value), (*last.units, unit)
            found[-1] = Amount(last.start, match.end(), *merged, None, per_day)
            continue
        low = p.number(match.group("low")) if match.group("low") else None
        found.append(Amount(match.start(), match.end(), (value,), (unit,), low, per_day))
    return found


def regimen_drugs(concepts: list[Mention], lexicon: Lexicon) -> list[Mention]:
    """'With neratinib, capecitabine is 750 mg/m2': a sentence whose drugs are read as one
    regimen's name; each drug of the regimen stands at the regimen's place, and the unit
    decides which one an amount belongs to."""
    return [
        Mention(drug, ConceptKind.DRUG, m.start, m.end, m.text)
        for m in concepts
        if m.kind is ConceptKind.REGIMEN
        for drug in lexicon.drug_list(m.concept_id)
    ]


def merge_product_parts(
    text: str,
    attributed: list[Attributed],
    item: Attributed,
    vocabulary: DoseVocabulary,
) -> list[Attributed]:
    """'Phesgo 1,200 mg pertuzumab, 600 mg trastuzumab and 30,000 units hyaluronidase' is one
    compound dose of the product, as '1,200 mg/600 mg/30,000 units' is."""
    amount, drug, unknown = item
    if attributed and drug is not None and drug.concept_id in vocabulary.products:
        previous, previous_drug, _ = attributed[-1]
        gap = text[previous.end : amount.start]
        if previous_drug is drug and p.PRODUCT_PART_GAP.fullmatch(gap):
            merged = Amount(
                previous.start,
                amount.end,
                (*previous.values, *amount.values),
                (*previous.units, *amount.units),
                None,
                amount.per_day,
            )
            return [*attributed[:-1], (merged, drug, unknown)]
    return [*attributed, item]


def attribute(
    text: str,
    amount: Amount,
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
    return _by_unit(amount, window, before, after, since, vocabulary)


def _by_unit(
    amount: Amount,
    window: list[Mention],
    before: list[Mention],
    after: list[Mention],
    since: int,
    vocabulary: DoseVocabulary,
) -> tuple[Mention | None, str]:
    """Among the drugs named before the amount, the one dosed in its unit and, among several,
    the one whose table has that amount."""
    unit = amount.units[0]
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
