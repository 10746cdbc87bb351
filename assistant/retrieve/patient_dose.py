"""The patient's own dose: where the question gives the patient's weight or body surface area
(or height and weight), a per-kg or per-m2 dose of a drug the answer doses is also written in mg
for this patient, as Cairn's own line cited to the passage that states the per-kg or per-m2
dose. The review checks the same arithmetic (`guardrails.arithmetic`).

    add_patient_doses(plan, analysis, retriever, rules)
    # "Enhertu 5.4 mg/kg, wt 62 kg. how many mg?" -> "For this patient (62 kg): trastuzumab
    #   deruxtecan 5.4 mg/kg is 334.8 mg (5.4 mg/kg x 62 kg), every 3 weeks." [1]

Which dose: the per-kg or per-m2 amounts the question states, when the dose table allows them
for the drug (a reduction level included); else the drug's dose when its table rows give one
amount per phase for the partners the question names. Several candidate doses (a weekly and a
3-weekly schedule, an adjusted dose for organ impairment) and no amount stated: no line, since
choosing one would be a guess.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.retrieve.backing import backing_for, dose_text
from assistant.retrieve.plan import Line, Plan
from assistant.retrieve.retrieval import Retriever
from assistant.understand.analysis import QuestionAnalysis
from guardrails.answer import parse_answer
from guardrails.arithmetic import body_surface_area, patient_measures
from guardrails.dose_mentions import DoseMention, find_doses
from guardrails.dose_table import PER_KG, PER_M2, DoseRow
from guardrails.records import PatientContext
from guardrails.rules import RuleBook


def add_patient_doses(
    plan: Plan, analysis: QuestionAnalysis, retriever: Retriever, rules: RuleBook
) -> None:
    """A line per dose of the plan's dose facets, in mg for the patient's size, if known."""
    context, question = analysis.context, analysis.standalone
    weight, bsa = patient_measures(context, question)
    if not weight and not bsa:
        return
    stated = [
        m
        for m in find_doses(parse_answer(question), rules.lexicon)
        if not m.negated and m.units[0] in (PER_KG, PER_M2)
    ]
    named = {m.concept_id for m in analysis.mentions}
    drugs = [f.concept_id for f in plan.facets if f.kind == "dose"]
    for drug in dict.fromkeys(drugs):
        rows = [
            r
            for r in rules.doses.rows_for(drug)
            if not r.other_indication and r.unit in (PER_KG, PER_M2)
        ]
        own = [m for m in stated if m.drug == drug or (m.drug is None and len(drugs) == 1)]
        for row, amount in _doses(rows, own, named):
            measure = weight if row.unit == PER_KG else bsa
            if not measure:
                continue
            text = _line(rules.lexicon.label(drug), row, amount, measure, _size(context, weight))
            numbers = _stating(plan, dose_text(amount, row.unit), row.sources) or backing_for(
                plan, retriever, text, row.sources
            )
            if numbers:
                plan.lead.append(Line(text, numbers, patient=True))


def _doses(
    rows: Sequence[DoseRow], stated: Sequence[DoseMention], named: set[str]
) -> list[tuple[DoseRow, float]]:
    """(row, per-kg or per-m2 amount) to write in mg: those stated, else the one dose per phase."""
    if stated:
        found: list[tuple[DoseRow, float]] = []
        for mention in stated:
            row = next((r for r in rows if r.allows(mention.amount, mention.units[0], True)), None)
            if row is not None and all(mention.amount != a for _, a in found):
                found.append((row, mention.amount))
        return found
    partnered = [r for r in rows if r.partners and set(r.partners) & named]
    chosen = partnered or [r for r in rows if not r.partners]
    single = [r for r in chosen if r.amounts and r.low is None]
    phases = [r.phase for r in single]
    if not single or len(single) != len(chosen) or len(phases) != len(set(phases)):
        return []  # several doses would fit: the question must say which
    return [(r, r.amounts[0]) for r in single]


def _line(label: str, row: DoseRow, amount: float, measure: float, size: str) -> str:
    """'For this patient (62 kg): trastuzumab deruxtecan 5.4 mg/kg is 334.8 mg (5.4 mg/kg x
    62 kg), every 3 weeks.'"""
    if row.unit == PER_M2:
        measure = round(measure, 2)  # the product of the figures the line shows
    total = amount * measure
    basis = f"{_number(measure)} kg" if row.unit == PER_KG else f"{measure:.2f} m2"
    phase = f" {row.phase} dose" if row.phase == "loading" else ""
    if not any(abs(amount - a) < 1e-9 for a in row.amounts):
        phase = " reduced dose"  # a reduction level, named so (the review reads it so)
    schedule = f", {' or '.join(row.schedules)}" if row.phase != "loading" else ""
    if schedule and row.intermittent:
        schedule += f" {row.describe_cycle()}"
    dose = dose_text(amount, row.unit)
    return (
        f"For this patient ({size}): {label}{phase} {dose} is {_number(total)} mg "
        f"({dose} x {basis}){schedule}."
    )


def _size(context: PatientContext, weight: float | None) -> str:
    """How the line names the patient's size: the weight, the stated body surface area, or the
    body surface area computed from height and weight (Mosteller)."""
    stated_bsa, height = context.role("surface_area"), context.role("height")
    parts = [f"{_number(weight)} kg"] if weight else []
    if stated_bsa.is_true and stated_bsa.value:
        parts.append(f"BSA {float(stated_bsa.value):.2f} m2")
    elif weight and height.is_true and height.value:
        bsa = body_surface_area(weight, float(height.value))
        parts.append(f"{_number(float(height.value))} cm, BSA {bsa:.2f} m2 by Mosteller")
    return ", ".join(parts)


def _stating(plan: Plan, dose: str, sources: Sequence[str]) -> tuple[int, ...]:
    """The plan's passages of the row's sources that state the dose as the corpus writes it
    ('5.4 mg/kg')."""
    found = [
        e.n
        for e in plan.evidence
        if e.n and e.source.id in sources and dose in e.chunk.text.lower()
    ]
    return tuple(found[:2])


def _number(value: float) -> str:
    """334.8, 252, 1,800: at most one decimal, as the review's arithmetic rounds."""
    return f"{value:,.1f}".rstrip("0").rstrip(".") if round(value, 1) % 1 else f"{value:,.0f}"
