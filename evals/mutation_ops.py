"""The dose and schedule operators of the mutation suite (`evals/mutations.py`).

    faults = list(mutate_dose(base, rules, rng))   # base: evals/mutation_statements.py

Each operator takes one correct dose statement and changes one thing: the amount, the unit, the
dose of another drug, a reduction level, the schedule, the cycle days, the route, the phase.
Every number, schedule and route comes from the corpus's dose table, so a second corpus gets
its own mutants with no code. A mutant that the dose table allows after all (x2 of a weekly
dose may be the 3-weekly dose) is not a fault and is dropped. The pathway and evidence
operators are in evals/mutation_pathway.py and evals/mutation_evidence.py.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from evals.mutation_cases import Base, Case, allowed, as_written, capital, fault, fmt
from evals.mutation_statements import ROUTE_WORDS
from guardrails.dose_table import PER_KG, PER_M2, DoseRow
from guardrails.rules import RuleBook

SCHEDULE_SWAPS = ("every 3 weeks", "weekly", "once daily", "twice daily")
SCALES = (0.5, 1.5, 2.0, 10.0)
UNIT_SWAPS = {PER_KG: ("mg/m2", "mg"), PER_M2: ("mg/kg", "mg"), "mg": ("mg/kg", "mg/m2")}


def mutate_dose(base: Base, rules: RuleBook, rng: random.Random) -> Iterator[Case]:
    """Dose operators on any statement; reduction, schedule, route and phase operators on
    statements rendered from a table row."""
    for scale in SCALES:
        amount = as_written(base.amount * scale)
        if not allowed(rules, base.drug, amount, base.unit):
            yield fault(f"dose x{scale:g}", "dose", base.with_amount(f"{fmt(amount)} {base.unit}"))
    for unit in UNIT_SWAPS.get(base.unit, ()):
        if not allowed(rules, base.drug, base.amount, unit):
            text = base.with_amount(f"{fmt(base.amount)} {unit}")
            yield fault(f"unit {base.unit} -> {unit}", "dose", text)
    other = _other_drug_row(base, rules, rng)
    if other is not None:
        text = base.with_amount(f"{fmt(other.amounts[0])} {other.unit}")
        yield fault("dose of another drug", "dose", text)
    if base.unit in (PER_KG, PER_M2):
        high = rules.doses.body.span(base.unit)[1]
        total = round(base.amount * high * 1.4, -1)
        yield fault(
            "absolute dose beyond any body size", "dose", base.with_amount(f"{fmt(total)} mg")
        )
    if base.row is not None:
        yield from _reductions(base, base.row, rules)
        yield from _schedules(base, base.row, rules)


def _other_drug_row(base: Base, rules: RuleBook, rng: random.Random) -> DoseRow | None:
    named = {m.concept_id for m in rules.lexicon.find(base.text)}
    candidates = [
        r
        for r in rules.doses.rows
        if r.drug != base.drug
        and r.drug not in named
        and not r.other_indication
        and len(r.amounts) == 1
        and not allowed(rules, base.drug, r.amounts[0], r.unit)
    ]
    return rng.choice(candidates) if candidates else None


def _reductions(base: Base, row: DoseRow, rules: RuleBook) -> Iterator[Case]:
    """A reduction below the last level; re-escalation of a drug that is never re-escalated."""
    unit = row.unit
    if row.reductions:
        below = as_written(row.reductions[-1] * 0.75)
        if not allowed(rules, row.drug, below, unit):
            text = f"{capital(base.name)} can be reduced to {fmt(below)} {unit} {row.schedules[0]}."
            yield fault("reduction below the last level", "dose", text)
    if row.reductions and not row.reescalation:
        text = (
            f"After a reduction to {fmt(row.reductions[0])} {unit}, {base.name} is re-escalated "
            f"to {fmt(base.amount)} {unit} {row.schedules[0]}."
        )
        yield fault("re-escalation", "dose", text)


def _schedules(base: Base, row: DoseRow, rules: RuleBook) -> Iterator[Case]:
    """A loading dose repeated as maintenance; another schedule, cycle or route that no row
    gives this amount."""
    rows = rules.doses.rows_for(row.drug)
    if row.phase == "loading":
        repeat = next((s for r in rows if r.phase == "maintenance" for s in r.schedules), None)
        if repeat:
            text = base.text.replace("as a loading dose", f"{repeat} as maintenance")
            yield fault("loading dose repeated as maintenance", "schedule", text)
        return
    schedule = row.schedules[0]
    for new in SCHEDULE_SWAPS:
        fits = any(new in r.schedules and r.allows(base.amount, row.unit, True) for r in rows)
        if new != schedule and not fits and f" {schedule}" in base.text:
            text = base.text.replace(f" {schedule}", f" {new}", 1)
            yield fault(f"schedule {schedule} -> {new}", "schedule", text)
    if row.intermittent:
        cycle = row.describe_cycle()
        yield fault(
            "cycle days -> continuously", "schedule", base.text.replace(cycle, "continuously")
        )
        yield fault("cycle days dropped", "schedule", base.text.replace(f" {cycle}", ""))
    for route, word in ROUTE_WORDS.items():
        fits = any(r.route == route and r.allows(base.amount, row.unit, True) for r in rows)
        if route != row.route and not fits:
            text = base.text.replace(ROUTE_WORDS[row.route], word, 1)
            yield fault(f"route {row.route} -> {route}", "schedule", text)
