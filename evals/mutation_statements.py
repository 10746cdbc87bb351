"""The correct dose statements of the mutation suite, and their rewordings that must pass.

    bases = [*dose_bases(rules, wordings), *corpus_dose_sentences(rules, sources)]
    cleans = [case for base in bases for case in variants(base, rules, rng)]

Statements come from every single-amount row of the dose table (rendered in the wordings of
evals/mutations.yaml) and from every source sentence with one dose the table knows that passes
review. The operators of evals/mutation_ops.py change them.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence

from evals.mutation_cases import Base, Case, allowed, as_written, capital, clean, fmt
from guardrails.answer import parse_answer
from guardrails.dose_mentions import find_doses
from guardrails.dose_table import DoseRow
from guardrails.lexicon import ConceptKind
from guardrails.records import PatientContext
from guardrails.review import review
from guardrails.rules import RuleBook
from ingest.chunking import sections
from ingest.sources import LoadedSource

ROUTE_WORDS = {"iv": "intravenously", "sc": "subcutaneously", "oral": "orally"}
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
    text = wording.format(Name=capital(name), name=name, dose=marker, rest=rest)
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


def variants(base: Base, rules: RuleBook, rng: random.Random) -> Iterator[Case]:
    """Rewordings of a correct statement that must pass."""
    if base.row is None:
        yield clean("corpus sentence", base.text)
        return
    row = base.row
    concept = rules.lexicon.get(row.drug)
    names = [n for n in (concept.names if concept else ()) if n.lower() != base.name.lower()]
    for name in rng.sample(names, min(3, len(names))):
        rendered = render(row, rules, name)
        if rendered is not None:
            yield clean("brand name or abbreviation", rendered.text)
    amount_text = base.text[base.span[0] : base.span[1]]
    rest = base.text[base.span[1] :].rstrip(".")
    yield clean("paraphrase", f"The recommended dose of {base.name} is {amount_text}{rest}.")
    yield clean(
        "paraphrase", f"{base.text[: base.span[0]].strip()} is given at {amount_text}{rest}."
    )
    for written in _unit_spellings(amount_text):
        yield clean("units written differently", base.with_amount(written))
    given = _other_therapies(row, rules)
    if len(given) >= 2 and row.phase != "loading":
        before = f"{', '.join(given[:-1])} and {given[-1]}"
        yield clean(
            "therapies already given in the sentence",
            f"After progression on {before}, {base.text[0].lower()}{base.text[1:]}",
        )
    yield from _negations(base, row, rules)
    if row.low is None and row.reductions and row.phase != "loading":
        levels = [fmt(x) for x in (base.amount, *row.reductions)]
        cycle = f" {row.describe_cycle()}" if row.intermittent else ""
        yield clean(
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


def _other_therapies(row: DoseRow, rules: RuleBook) -> list[str]:
    """The labels of up to three therapies the pathway knows as given before second line, none
    the row's drug or partner, none with 'and' or a comma (they are listed in one sentence)."""
    return [
        label
        for d in sorted(rules.pathway.second_line_after)
        if row.drug not in rules.lexicon.drugs_of(d) | {d}
        and not set(row.partners) & (rules.lexicon.drugs_of(d) | {d})
        and " and " not in (label := rules.lexicon.label(d))
        and "," not in label
    ][:3]


def _negations(base: Base, row: DoseRow, rules: RuleBook) -> Iterator[Case]:
    """Statements that name a wrong dose or a forbidden step only to rule it out."""
    wrong = base.amount * 2
    if not allowed(rules, row.drug, as_written(wrong), row.unit):
        yield clean("negated statement", f"{base.name} is never given at {fmt(wrong)} {row.unit}.")
    if row.maximum is not None:
        yield clean(
            "negated statement", f"Do not exceed {fmt(row.maximum)} {row.unit} of {base.name}."
        )
    if not row.reescalation:
        yield clean(
            "negated statement", f"{base.name} is never re-escalated after a dose reduction."
        )
