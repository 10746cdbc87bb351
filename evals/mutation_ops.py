"""The operators of the mutation suite (`evals/mutations.py`).

Each operator takes one correct statement and changes one thing; every number, drug, schedule
and rule it uses comes from the corpus's rule files and sources, so a second corpus gets its own
mutants with no code. A mutant that the dose table allows after all (x2 of a weekly dose may be
the 3-weekly dose) is not a fault and is dropped.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from guardrails.answer import parse_answer
from guardrails.dose_mentions import find_doses
from guardrails.dose_table import PER_KG, PER_M2, DoseRow, describe_days
from guardrails.facts import FactSchema, FactSpec
from guardrails.lexicon import ConceptKind
from guardrails.records import Passage, PatientContext
from guardrails.review import review
from guardrails.rules import RuleBook
from ingest.chunking import sections
from ingest.records import SourceKind
from ingest.sources import LoadedSource

ROUTE_WORDS = {"iv": "intravenously", "sc": "subcutaneously", "oral": "orally"}
SCHEDULE_SWAPS = ("every 3 weeks", "weekly", "once daily", "twice daily")
SCALES = (0.5, 1.5, 2.0, 10.0)
UNIT_SWAPS = {PER_KG: ("mg/m2", "mg"), PER_M2: ("mg/kg", "mg"), "mg": ("mg/kg", "mg/m2")}


@dataclass(frozen=True)
class Case:
    operator: str  # "dose x2", "clean: brand name", ...
    family: str  # dose | schedule | pathway | evidence | clean
    text: str
    faulty: bool
    question: str = ""
    context: tuple[tuple[str, str], ...] = ()
    passages: tuple[Passage, ...] = ()
    grounded: bool = False


@dataclass(frozen=True)
class Base:
    """A correct dose statement and where its parts are."""

    drug: str
    name: str
    text: str
    amount: float
    unit: str
    span: tuple[int, int]  # the amount and unit
    row: DoseRow | None = None  # set for statements rendered from the table
    origin: str = "table"

    def with_amount(self, amount_text: str) -> str:
        return self.text[: self.span[0]] + amount_text + self.text[self.span[1] :]


def fmt(value: float) -> str:
    if value >= 100:
        return f"{round(value):,}"
    text = f"{value:.1f}" if value % 1 else f"{int(value)}"
    return text


PLAIN = "{Name} {dose} {rest}."


def render(
    row: DoseRow, rules: RuleBook, name: str | None = None, wording: str = PLAIN
) -> Base | None:
    """'Capecitabine 1,000 mg/m2 orally twice daily on days 1-14 of each 21-day cycle with
    tucatinib.' for one single-amount row of the table, in one wording of evals/mutations.yaml."""
    if row.other_indication or (len(row.amounts) > 1 and row.low is None):
        return None
    amount = row.low if row.low is not None else row.amounts[0]
    name = name or rules.lexicon.label(row.drug)
    dose = f"{fmt(amount)} {row.unit}"
    if row.low is not None and row.high is not None:
        dose = f"{fmt(row.low)}-{fmt(row.high)} {row.unit}"
    schedule = "as a loading dose" if row.phase == "loading" else row.schedules[0]
    rest = f"{ROUTE_WORDS[row.route]} {schedule}"
    if row.intermittent:
        rest += f" {row.describe_cycle()}"
    partner = next((p for p in row.partners if rules.lexicon.kind_of(p) is ConceptKind.DRUG), None)
    if partner:
        rest += f" with {rules.lexicon.label(partner)}"
    marker = "\x00"
    text = wording.format(Name=name[0].upper() + name[1:], name=name, dose=marker, rest=rest)
    start = text.index(marker)
    text = text.replace(marker, dose)
    return Base(row.drug, name, text, amount, row.unit, (start, start + len(dose)), row)


def dose_bases(rules: RuleBook, wordings: Sequence[str] = (PLAIN,)) -> list[Base]:
    bases = [render(row, rules, wording=w) for row in rules.doses.rows for w in wordings]
    return [b for b in bases if b is not None]


def corpus_dose_sentences(rules: RuleBook, sources: Sequence[LoadedSource]) -> list[Base]:
    """Every source sentence with one dose of a drug in the table that passes review."""
    bases: list[Base] = []
    for loaded in sources:
        for section in sections(loaded.text):
            for sentence in parse_answer(section.text):
                base = _sentence_base(sentence.claim, rules, loaded.source.id)
                if base is not None:
                    bases.append(base)
    return bases


def _sentence_base(text: str, rules: RuleBook, source_id: str) -> Base | None:
    if text.startswith("#") or len(text) > 400:
        return None
    mentions = find_doses(parse_answer(text), rules.lexicon, rules.dose_vocabulary)
    known = [m for m in mentions if m.drug in rules.doses.drugs and len(m.amounts) == 1]
    if len(mentions) != 1 or not known or known[0].negated or known[0].upper_bound:
        return None
    verdict = review(text, "", PatientContext(), [], rules, grounded=False)
    if verdict.findings:
        return None
    m = known[0]
    span = (m.start, m.end)
    return Base(str(m.drug), m.drug_text, text, m.amount, m.unit, span, None, source_id)


def _allowed(rules: RuleBook, drug: str, amount: float, unit: str) -> bool:
    return any(r.allows(amount, unit, True) for r in rules.doses.rows_for(drug))


def mutate_dose(base: Base, rules: RuleBook, rng: random.Random) -> Iterator[Case]:
    """Dose operators on any statement; schedule, route and phase operators on table rows."""
    for scale in SCALES:
        amount = float(fmt(base.amount * scale).replace(",", ""))
        if not _allowed(rules, base.drug, amount, base.unit):
            yield _fault(f"dose x{scale:g}", "dose", base.with_amount(f"{fmt(amount)} {base.unit}"))
    for unit in UNIT_SWAPS.get(base.unit, ()):
        if not _allowed(rules, base.drug, base.amount, unit):
            text = base.with_amount(f"{fmt(base.amount)} {unit}")
            yield _fault(f"unit {base.unit} -> {unit}", "dose", text)
    other = _other_drug_row(base, rules, rng)
    if other is not None:
        text = base.with_amount(f"{fmt(other.amounts[0])} {other.unit}")
        yield _fault("dose of another drug", "dose", text)
    if base.unit in (PER_KG, PER_M2):
        high = rules.doses.body.span(base.unit)[1]
        total = round(base.amount * high * 1.4, -1)
        yield _fault(
            "absolute dose beyond any body size", "dose", base.with_amount(f"{fmt(total)} mg")
        )
    if base.row is not None:
        yield from _row_operators(base, base.row, rules)


def _other_drug_row(base: Base, rules: RuleBook, rng: random.Random) -> DoseRow | None:
    named = {m.concept_id for m in rules.lexicon.find(base.text)}
    candidates = [
        r
        for r in rules.doses.rows
        if r.drug != base.drug
        and r.drug not in named
        and not r.other_indication
        and len(r.amounts) == 1
        and not _allowed(rules, base.drug, r.amounts[0], r.unit)
    ]
    return rng.choice(candidates) if candidates else None


def _row_operators(base: Base, row: DoseRow, rules: RuleBook) -> Iterator[Case]:
    name, unit = base.name, row.unit
    cap = f"{name[0].upper()}{name[1:]}"
    rows = rules.doses.rows_for(row.drug)
    if row.reductions:
        below = float(fmt(row.reductions[-1] * 0.75))
        if not _allowed(rules, row.drug, below, unit):
            text = f"{cap} can be reduced to {fmt(below)} {unit} {row.schedules[0]}."
            yield _fault("reduction below the last level", "dose", text)
    if row.reductions and not row.reescalation:
        text = (
            f"After a reduction to {fmt(row.reductions[0])} {unit}, {name} is re-escalated to "
            f"{fmt(base.amount)} {unit} {row.schedules[0]}."
        )
        yield _fault("re-escalation", "dose", text)
    if row.phase == "loading":
        repeat = next((s for r in rows if r.phase == "maintenance" for s in r.schedules), None)
        if repeat:
            text = base.text.replace("as a loading dose", f"{repeat} as maintenance")
            yield _fault("loading dose repeated as maintenance", "schedule", text)
        return
    schedule = row.schedules[0]
    for new in SCHEDULE_SWAPS:
        fits = any(new in r.schedules and r.allows(base.amount, unit, True) for r in rows)
        if new != schedule and not fits and f" {schedule}" in base.text:
            text = base.text.replace(f" {schedule}", f" {new}", 1)
            yield _fault(f"schedule {schedule} -> {new}", "schedule", text)
    if row.intermittent:
        cycle = row.describe_cycle()
        yield _fault(
            "cycle days -> continuously", "schedule", base.text.replace(cycle, "continuously")
        )
        yield _fault("cycle days dropped", "schedule", base.text.replace(f" {cycle}", ""))
    for route, word in ROUTE_WORDS.items():
        fits = any(r.route == route and r.allows(base.amount, unit, True) for r in rows)
        if route != row.route and not fits:
            text = base.text.replace(ROUTE_WORDS[row.route], word, 1)
            yield _fault(f"route {row.route} -> {route}", "schedule", text)


def _fault(operator: str, family: str, text: str, **extra: Any) -> Case:
    return Case(operator, family, text, True, **extra)


def _clean(kind: str, text: str, **extra: Any) -> Case:
    return Case(f"clean: {kind}", "clean", text, False, **extra)


def variants(base: Base, rules: RuleBook, rng: random.Random) -> Iterator[Case]:
    """Rewordings of a correct statement that must pass."""
    if base.row is None:
        yield _clean("corpus sentence", base.text)
        return
    row = base.row
    concept = rules.lexicon.get(row.drug)
    names = [n for n in (concept.names if concept else ()) if n.lower() != base.name.lower()]
    for name in rng.sample(names, min(3, len(names))):
        rendered = render(row, rules, name)
        if rendered is not None:
            yield _clean("brand name or abbreviation", rendered.text)
    amount_text = base.text[base.span[0] : base.span[1]]
    rest = base.text[base.span[1] :].rstrip(".")
    yield _clean("paraphrase", f"The recommended dose of {base.name} is {amount_text}{rest}.")
    yield _clean(
        "paraphrase", f"{base.text[: base.span[0]].strip()} is given at {amount_text}{rest}."
    )
    for written in _unit_spellings(amount_text):
        yield _clean("units written differently", base.with_amount(written))
    given = [
        label
        for d in sorted(rules.pathway.second_line_after)
        if row.drug not in rules.lexicon.drugs_of(d) | {d}
        and not set(row.partners) & (rules.lexicon.drugs_of(d) | {d})
        and " and " not in (label := rules.lexicon.label(d))
        and "," not in label
    ][:3]
    if len(given) >= 2 and row.phase != "loading":
        before = f"{', '.join(given[:-1])} and {given[-1]}"
        yield _clean(
            "therapies already given in the sentence",
            f"After progression on {before}, {base.text[0].lower()}{base.text[1:]}",
        )
    wrong = fmt(base.amount * 2)
    if not _allowed(rules, row.drug, float(wrong.replace(",", "")), row.unit):
        yield _clean("negated statement", f"{base.name} is never given at {wrong} {row.unit}.")
    if row.maximum is not None:
        yield _clean(
            "negated statement", f"Do not exceed {fmt(row.maximum)} {row.unit} of {base.name}."
        )
    if not row.reescalation:
        yield _clean(
            "negated statement", f"{base.name} is never re-escalated after a dose reduction."
        )
    if row.low is None and row.reductions and row.phase != "loading":
        levels = [fmt(x) for x in (base.amount, *row.reductions)]
        cycle = f" {row.describe_cycle()}" if row.intermittent else ""
        yield _clean(
            "reduction levels in order",
            f"{base.name} is reduced from {levels[0]} {row.unit} to "
            f"{' and then '.join(levels[1:])} {row.unit} {row.schedules[0]}{cycle}.",
        )


def _unit_spellings(amount_text: str) -> list[str]:
    out = [amount_text.replace(" ", "", 1)]
    if "mg/m2" in amount_text:
        out += [amount_text.replace("mg/m2", "mg/m²"), amount_text.replace("mg/m2", "mg per m2")]
    if "mg/kg" in amount_text:
        out.append(amount_text.replace("mg/kg", "mg per kg"))
    if "," in amount_text:
        out.append(amount_text.replace(",", ""))
    return out


def _overrides(when: dict[str, Any], schema: FactSchema) -> tuple[tuple[str, str], ...]:
    """A patient context in which a rule's `when` holds: a number inside the range (the middle
    of the fact's bounds when the range has none) and, for a fall from another fact's earlier
    value, that earlier value high enough."""
    facts = []
    for key, value in when.items():
        if isinstance(value, dict):
            number = _inside(value.get("min"), value.get("max"), schema.get(key))
            facts.append((key, f"{number:g}"))
            fall = value.get("fall")
            if isinstance(fall, dict):
                facts.append((fall["from"], f"{number + float(fall.get('min') or 0) + 1:g}"))
        elif isinstance(value, list):
            facts.append((key, str(value[0]).lower()))
        elif isinstance(value, bool):
            facts.append((key, "true" if value else "false"))
        else:
            facts.append((key, str(value)))
    return tuple(facts)


def _inside(low: Any, high: Any, spec: FactSpec | None) -> float:
    if high is not None and (low is None or float(high) - 1 >= float(low)):
        return float(high) - 1
    if low is not None:
        return float(low) + 1 if high is None else (float(low) + float(high)) / 2
    bounds = spec.bounds if spec is not None and spec.bounds is not None else (0, 2)
    return (float(bounds[0]) + float(bounds[1])) / 2


def pathway_cases(rules: RuleBook) -> Iterator[Case]:
    """Regimens the pathway rules out for a patient, presented as the recommendation; and the
    pathway's own statements, which must pass."""
    label = rules.lexicon.label
    pathway = rules.pathway
    for rule in pathway.contraindications:
        context = _overrides(rule.when, rules.facts)
        for drug in rule.drugs:
            text = f"{label(drug)[0].upper()}{label(drug)[1:]} is recommended for this patient."
            yield _fault("contraindicated drug recommended", "pathway", text, context=context)
    for situation in pathway.situations:
        context = _overrides(situation.when, rules.facts)
        yield _clean("pathway statement", situation.statement, context=context)
        for regimen in situation.first_line_regimens:
            text = f"The recommended treatment now is {label(regimen)}."
            yield _fault("regimen of the wrong line", "pathway", text, context=context)
        for regimen in situation.not_preferred:
            text = (
                f"{label(regimen)[0].upper()}{label(regimen)[1:]} is the preferred treatment here."
            )
            yield _fault("not-preferred regimen as preferred", "pathway", text, context=context)
        for drug in situation.preferred:
            roles = rules.facts.roles
            given = (
                *context,
                *((roles[r], label(drug)) for r in ("given", "progressed") if r in roles),
            )
            text = f"The recommended next treatment is {label(drug)}."
            yield _fault("regimen already given offered again", "pathway", text, context=given)


def pitfall_cases(
    rules: RuleBook, specs: Sequence[dict[str, Any]], rng: random.Random
) -> Iterator[Case]:
    """Advice a pattern rule exists to catch, its slots filled with the lexicon's names."""
    known = {p.id for p in rules.pathway.pitfalls}
    for spec in (s for s in specs if s["rule"] in known):  # another corpus has other pitfalls
        wordings = [(t, True) for t in spec["templates"]] + [
            (t, False) for t in spec.get("clean", [])
        ]
        for template, faulty in wordings:
            for _ in range(4):
                values: dict[str, str] = {}
                for slot, concepts in spec["slots"].items():
                    concept = rules.lexicon.get(rng.choice(concepts))
                    name = rng.choice(concept.all_names) if concept else slot
                    values[slot], values[slot.capitalize()] = name, name[0].upper() + name[1:]
                text = template.format(**values)
                if faulty:
                    yield _fault(f"pitfall: {spec['rule']}", "pathway", text)
                else:
                    yield _clean("correct advice on a pitfall's therapies", text)


_HR = re.compile(r"\bHR\s*(?:of\s*)?(\d\.\d{2})\b")
_NUMBER = re.compile(r"(?<![\w.])(\d+\.\d+|\d{2,})(?![\w.])")
_SUBGROUP = re.compile(
    r"\b(?:in|among|for)\s+(?:the\s+)?[^,.;]{0,50}?\b(?:subgroup|subset|cohort)\b[^,.;]{0,20}?,\s*",
    re.I,
)


def evidence_cases(sources: Sequence[LoadedSource], rng: random.Random) -> Iterator[Case]:
    """Trial results with one number changed, an HR from another trial, a subgroup figure
    stated for the whole trial; and the correct sentence, cited, which must pass."""
    results = [
        (loaded.source.id, section.text, sentence.claim)
        for loaded in sources
        if loaded.source.kind is SourceKind.TRIAL
        for section in sections(loaded.text)
        for sentence in parse_answer(section.text)
        if _HR.search(sentence.claim) and len(sentence.claim) < 400
    ]
    hazard_ratios = {(sid, m.group(1)) for sid, _, text in results for m in _HR.finditer(text)}
    for source_id, passage_text, text in results:
        passages = (Passage(n=1, source_id=source_id, text=passage_text),)
        cited = replace(
            _clean("cited trial result", f"{text} [1]"), passages=passages, grounded=True
        )
        yield cited
        number = rng.choice(_NUMBER.findall(text) or ["0"])
        changed = _change_digit(number, rng)
        if changed not in passage_text and number in text:
            yield replace(cited, operator="number changed by one digit", family="evidence",
                          faulty=True, text=f"{text.replace(number, changed, 1)} [1]")  # fmt: skip
        own = _HR.search(text)
        foreign = sorted(
            hr for sid, hr in hazard_ratios if sid != source_id and hr not in passage_text
        )
        if own and foreign:
            swapped = text[: own.start(1)] + rng.choice(foreign) + text[own.end(1) :]
            yield replace(cited, operator="hazard ratio from another trial", family="evidence",
                          faulty=True, text=f"{swapped} [1]")  # fmt: skip
        qualifier = _SUBGROUP.search(text)
        if qualifier and qualifier.start() == 0:
            whole = text[qualifier.end() :]
            yield replace(cited, operator="subgroup result as whole-trial result",
                          family="evidence", faulty=True,
                          text=f"{whole[0].upper()}{whole[1:]} [1]")  # fmt: skip


def _change_digit(number: str, rng: random.Random) -> str:
    positions = [i for i, c in enumerate(number) if c.isdigit()]
    i = rng.choice(positions)
    digit = str((int(number[i]) + rng.choice((1, 2, 3, 7))) % 10)
    return number[:i] + digit + number[i + 1 :]


__all__ = [
    "Base",
    "Case",
    "corpus_dose_sentences",
    "describe_days",
    "dose_bases",
    "evidence_cases",
    "mutate_dose",
    "pathway_cases",
    "variants",
]
