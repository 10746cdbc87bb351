"""The mutation suite: faults generated from what the corpus states, not written by hand.

    cases = generate(rules, sources, seed=7, size=3000)
    result = run_mutations(cases, rules)

Correct statements come from the dose table (every row, rendered as a sentence) and from the
corpus itself (every source sentence with a dose the table knows, every trial sentence with a
result; `evals/mutation_statements.py`). Operators change one thing each: the amount, the
unit, the schedule, the cycle days, the route, the phase (`evals/mutation_ops.py`), the line,
the patient (`evals/mutation_pathway.py`), a result (`evals/mutation_evidence.py`). Clean
variants change only the wording and must pass. A faulty case is caught when the review raises
a warning or a block; a clean case is a false positive when it does.
"""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from evals.mutation_cases import Base, Case
from evals.mutation_evidence import evidence_cases
from evals.mutation_ops import mutate_dose
from evals.mutation_pathway import pathway_cases, pitfall_cases
from evals.mutation_spec import MutationSpec
from evals.mutation_statements import corpus_dose_sentences, dose_bases, variants
from guardrails.context import apply_overrides
from guardrails.records import PatientContext, Severity
from guardrails.review import review
from guardrails.rules import RuleBook
from ingest.sources import LoadedSource

DEFAULT_SIZE = 3000
DEFAULT_SEED = 7


@dataclass
class MutationResult:
    """Catch rate per operator and false-positive rate per clean variant kind."""

    operators: dict[str, dict[str, Any]] = field(default_factory=dict)
    clean: dict[str, dict[str, Any]] = field(default_factory=dict)
    missed: list[dict[str, Any]] = field(default_factory=list)
    false_positives: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        faulty = sum(o["cases"] for o in self.operators.values())
        caught = sum(o["caught"] for o in self.operators.values())
        clean = sum(c["cases"] for c in self.clean.values())
        flagged = sum(c["flagged"] for c in self.clean.values())
        return {
            "faulty": faulty,
            "catch_rate": round(caught / faulty, 4) if faulty else None,
            "clean": clean,
            "false_positive_rate": round(flagged / clean, 4) if clean else None,
            "operators": self.operators,
            "clean_kinds": self.clean,
            "missed": self.missed[:50],
            "false_positives": self.false_positives[:50],
            "seconds": round(self.seconds, 1),
        }


def generate(
    rules: RuleBook, sources: Sequence[LoadedSource], seed: int = DEFAULT_SEED, size: int = 0
) -> list[Case]:
    """Every mutant and clean variant, then (with `size`) a seeded sample of that many that
    keeps every operator and variant kind represented."""
    rng = random.Random(seed)
    spec = MutationSpec.load()
    bases: list[Base] = [
        *dose_bases(rules, spec.dose_wordings),
        *corpus_dose_sentences(rules, sources),
    ]
    cases: list[Case] = []
    for base in bases:
        cases.extend(mutate_dose(base, rules, rng))
        cases.extend(variants(base, rules, rng))
    cases.extend(pathway_cases(rules))
    cases.extend(pitfall_cases(rules, spec.pitfalls, rng))
    cases.extend(evidence_cases(sources, rng))
    if not size or size >= len(cases):
        return cases
    return _sample(cases, size, rng)


def _sample(cases: list[Case], size: int, rng: random.Random) -> list[Case]:
    by_kind: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        by_kind[case.operator].append(case)
    share = max(1, size // len(by_kind))
    chosen: list[Case] = []
    for group in by_kind.values():
        chosen.extend(rng.sample(group, min(share, len(group))))
    rest = [c for c in cases if c not in set(chosen)] if len(chosen) < size else []
    chosen.extend(rng.sample(rest, min(size - len(chosen), len(rest))))
    return chosen


def run_mutations(cases: Sequence[Case], rules: RuleBook) -> MutationResult:
    start = time.perf_counter()
    result = MutationResult()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for case in cases:
        context = apply_overrides(PatientContext(), dict(case.context), rules.lexicon, rules.facts)
        verdict = review(
            case.text, case.question, context, case.passages, rules, grounded=case.grounded
        )
        raised = [
            f"{f.severity.value}: {f.rule_id}"
            for f in verdict.findings
            if f.severity in (Severity.WARN, Severity.BLOCK)
        ]
        tally = counts[case.operator]
        tally["cases"] += 1
        record = {"operator": case.operator, "text": case.text, "context": dict(case.context)}
        if case.faulty:
            tally["caught"] += bool(raised)
            tally["blocked"] += verdict.verdict.value == "block"
            if not raised:
                result.missed.append(record)
        else:
            tally["flagged"] += bool(raised)
            if raised:
                result.false_positives.append({**record, "raised": raised})
    families = {c.operator: c.family for c in cases}
    for operator, tally in sorted(counts.items()):
        n = tally["cases"]
        if families[operator] == "clean":
            result.clean[operator] = {
                "cases": n,
                "flagged": tally["flagged"],
                "false_positive_rate": round(tally["flagged"] / n, 4),
            }
        else:
            result.operators[operator] = {
                "family": families[operator],
                "cases": n,
                "caught": tally["caught"],
                "blocked": tally["blocked"],
                "catch_rate": round(tally["caught"] / n, 4),
            }
    result.seconds = time.perf_counter() - start
    return result


def table_lines(summary: dict[str, Any]) -> list[str]:
    """The per-operator and per-clean-kind table, as printed by `cairn eval mutations`."""
    lines = [
        f"Mutation suite: {summary['faulty']} faulty, {summary['clean']} clean "
        f"({summary['seconds']} s): catch {summary['catch_rate']}, "
        f"false positives {summary['false_positive_rate']}",
        f"  {'operator':<40} {'family':<9} {'cases':>6} {'caught':>7} {'blocked':>8} {'rate':>7}",
    ]
    for name, row in summary["operators"].items():
        lines.append(
            f"  {name:<40} {row['family']:<9} {row['cases']:>6} {row['caught']:>7} "
            f"{row['blocked']:>8} {row['catch_rate']:>7.3f}"
        )
    lines.append(f"  {'clean variant':<40} {'':<9} {'cases':>6} {'flagged':>7} {'':>8} {'rate':>7}")
    for name, row in summary["clean_kinds"].items():
        lines.append(
            f"  {name:<40} {'clean':<9} {row['cases']:>6} {row['flagged']:>7} {'':>8} "
            f"{row['false_positive_rate']:>7.3f}"
        )
    return lines
