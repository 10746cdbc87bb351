"""The pathway operators of the mutation suite (`evals/mutations.py`).

    cases = [*pathway_cases(rules), *pitfall_cases(rules, MutationSpec.load().pitfalls, rng)]

Regimens the pathway rules out for a patient, presented as the recommendation, in a patient
context built from each rule's `when`; the pathway's own statements, which must pass; and advice
a pitfall rule exists to catch, in the wordings of evals/mutations.yaml.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from typing import Any

from evals.mutation_cases import Case, capital, clean, fault
from evals.mutation_spec import PitfallSpec
from guardrails.facts import FactSchema, FactSpec
from guardrails.rules import RuleBook


def pathway_cases(rules: RuleBook) -> Iterator[Case]:
    """Regimens the pathway rules out for a patient, presented as the recommendation; and the
    pathway's own statements, which must pass."""
    label = rules.lexicon.label
    pathway = rules.pathway
    for rule in pathway.contraindications:
        context = _overrides(rule.when, rules.facts)
        for drug in rule.drugs:
            text = f"{capital(label(drug))} is recommended for this patient."
            yield fault("contraindicated drug recommended", "pathway", text, context=context)
    for situation in pathway.situations:
        context = _overrides(situation.when, rules.facts)
        yield clean("pathway statement", situation.statement, context=context)
        for regimen in situation.first_line_regimens:
            text = f"The recommended treatment now is {label(regimen)}."
            yield fault("regimen of the wrong line", "pathway", text, context=context)
        for regimen in situation.not_preferred:
            text = f"{capital(label(regimen))} is the preferred treatment here."
            yield fault("not-preferred regimen as preferred", "pathway", text, context=context)
        for drug in situation.preferred:
            roles = rules.facts.roles
            given = (
                *context,
                *((roles[r], label(drug)) for r in ("given", "progressed") if r in roles),
            )
            text = f"The recommended next treatment is {label(drug)}."
            yield fault("regimen already given offered again", "pathway", text, context=given)


def pitfall_cases(
    rules: RuleBook, specs: Sequence[PitfallSpec], rng: random.Random
) -> Iterator[Case]:
    """Advice a pattern rule exists to catch, its slots filled with the lexicon's names."""
    known = {p.id for p in rules.pathway.pitfalls}
    for spec in (s for s in specs if s.rule in known):  # another corpus has other pitfalls
        wordings = [(t, True) for t in spec.templates] + [(t, False) for t in spec.clean]
        for template, faulty in wordings:
            for _ in range(4):
                values: dict[str, str] = {}
                for slot, concepts in spec.slots.items():
                    concept = rules.lexicon.get(rng.choice(concepts))
                    name = rng.choice(concept.all_names) if concept else slot
                    values[slot], values[slot.capitalize()] = name, capital(name)
                text = template.format(**values)
                if faulty:
                    yield fault(f"pitfall: {spec.rule}", "pathway", text)
                else:
                    yield clean("correct advice on a pitfall's therapies", text)


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
