"""The dose adjustments that apply to this patient: where the question states what an
adjustment row of the dose table is for (its `when` patient facts: "Child-Pugh C", "CrCl
38 mL/min"; or its `taking` drugs: "on itraconazole", a member of the strong CYP3A4
inhibitors), the row's action for a drug the answer doses is Cairn's own line, cited to the
passages of the row's sources that best back it.

    add_adjustment_lines(plan, analysis, retriever, rules)
    # "tykerb + xeloda, she needs itraconazole. lapatinib dose?" -> "For this patient (strong
    #   CYP3A4 inhibitors: itraconazole): lapatinib: avoid; if unavoidable reduce to 500 mg
    #   once daily." [n]

A row without `when` or `taking` is never applied this way (the review still reads it); a row
for some partners applies only when the question names one of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.retrieve.backing import backing_for
from assistant.retrieve.plan import Line, Plan
from assistant.retrieve.retrieval import Retriever
from assistant.understand.analysis import QuestionAnalysis
from guardrails.dose_rules import Adjustment
from guardrails.lexicon import Lexicon
from guardrails.pathway import holds
from guardrails.records import FactStatus, PatientContext
from guardrails.rules import RuleBook

MAX_LINES = 3
_EXAMPLES = re.compile(r"\s*\([^)]*\)")  # "(e.g. ketoconazole, ...)": not shown in the line


def add_adjustment_lines(
    plan: Plan, analysis: QuestionAnalysis, retriever: Retriever, rules: RuleBook
) -> None:
    """A lead line for each adjustment row this patient meets, for the drugs the plan doses or
    the question names."""
    lexicon = rules.lexicon
    named = {m.concept_id for m in analysis.mentions if m.status is not FactStatus.NEGATED}
    drugs = [f.concept_id for f in plan.facets if f.kind == "dose"]
    drugs += [d for c in named for d in lexicon.drug_list(c) if rules.doses.rows_for(d)]
    added = 0
    for drug in dict.fromkeys(drugs):
        for adjustment in rules.doses.adjustments:
            if added == MAX_LINES or adjustment.drug != drug:
                continue
            taken = _taken(adjustment, named, lexicon)
            if not _applies(adjustment, analysis.context, named, taken, lexicon):
                continue
            text = _line(adjustment, lexicon.label(drug), taken, lexicon)
            numbers = backing_for(plan, retriever, text, adjustment.sources)
            if numbers:
                plan.lead.append(Line(text, numbers, patient=True))
                added += 1


def _applies(
    adjustment: Adjustment,
    context: PatientContext,
    named: set[str],
    taken: list[str],
    lexicon: Lexicon,
) -> bool:
    if not adjustment.when and not adjustment.taking:
        return False
    if adjustment.taking and not taken:
        return False
    if not all(holds(context.fact(k), v, context) for k, v in adjustment.when.items()):
        return False
    partners = {p for c in adjustment.partners for p in (c, *lexicon.drugs_of(c))}
    return not partners or bool(partners & _with_drugs(named, lexicon))


def _taken(adjustment: Adjustment, named: set[str], lexicon: Lexicon) -> list[str]:
    """The concepts the question names that the row's `taking` lists, or a class of it has as
    members ("itraconazole" for the strong CYP3A4 inhibitors)."""
    found = []
    for wanted in adjustment.taking:
        concept = lexicon.get(wanted)
        members = set(concept.members) if concept else set()
        found += [c for c in sorted(named) if c == wanted or c in members]
    return list(dict.fromkeys(found))


def _with_drugs(named: Iterable[str], lexicon: Lexicon) -> set[str]:
    return {d for c in named for d in (c, *lexicon.drugs_of(c))}


def _line(adjustment: Adjustment, label: str, taken: list[str], lexicon: Lexicon) -> str:
    """'For this patient (severe hepatic impairment, Child-Pugh C): tucatinib: start at 200 mg
    orally twice daily.'"""
    condition = " ".join(adjustment.condition.split())
    if taken:  # the class as the row names it, and the drug the question names
        shown = _EXAMPLES.sub("", condition).strip() or condition
        condition = f"{shown}: {', '.join(lexicon.label(c) for c in taken)}"
    else:  # "severe hepatic impairment (Child-Pugh C)" -> "..., Child-Pugh C"
        condition = _EXAMPLES.sub(
            lambda m: ", " + m.group()[m.group().index("(") + 1 : -1], condition
        )
    action = " ".join(adjustment.action.split()).rstrip(".")
    return f"For this patient ({condition}): {label}: {action}."
