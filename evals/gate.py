"""The regression gate: thresholds on one run, and what changed between two runs.

failures = gate_failures(result, Gate.load(Path("evals/gate.yaml")))
changes, regressions = compare(previous, result, gate.tolerance)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ConfigDict

from guardrails.schema import parse
from guardrails.yamlio import read_yaml

# Metrics where a higher value is better, and where a lower one is (the guardrail rates are
# compared on their own below).
_LOWER_IS_BETTER = ("forbidden_claim_rate", "duplicate_claim_rate")
_HIGHER_IS_BETTER = (
    "recall_at_1", "recall_at_3", "recall_at_5", "recall_at_10", "mrr", "evidence_precision",
    "key_fact_coverage", "citation_validity", "numeric_grounding_rate", "not_covered_accuracy",
    "near_miss_accuracy", "answered_in_scope", "verdict_accuracy", "pass_rate",
    "first_line_key_fact",
)  # fmt: skip


@dataclass(frozen=True)
class Gate:
    """The floors of `evals/gate.yaml` (a key the class does not have is refused)."""

    __pydantic_config__ = ConfigDict(extra="forbid")
    recall_at_5: float = 0.95
    recall_at_5_over_naive: float = 0.10
    key_fact_coverage: float = 0.95
    catch_rate: float = 1.0
    false_positive_rate_max: float = 0.02
    tolerance: float = 0.01
    # Categories gated on floors of their own; the floors above cover the other categories.
    category_floors: dict[str, dict[str, float]] = field(default_factory=dict)
    # Adversarial files (checks) gated on floors of their own (catch_rate,
    # false_positive_rate_max): a blind batch measures what the review cannot do yet.
    check_floors: dict[str, dict[str, float]] = field(default_factory=dict)
    mutation_catch_rate: float = 0.99  # every dose, schedule and pathway operator
    mutation_false_positive_rate_max: float = 0.01  # over all clean variants
    redaction_recall: float = 0.95  # identifiers removed, each file of evals/redaction
    redaction_false_rate_max: float = 0.03  # clean questions changed by the redaction
    targets: dict[str, float] = field(default_factory=dict)  # reported, not enforced

    @classmethod
    def load(cls, path: Path) -> Gate:
        if not path.is_file():
            return cls()
        data, text = read_yaml(path)
        return parse(cls, data or {}, str(path), text=text)


GATED_FAMILIES = ("dose", "schedule", "pathway")


def mutation_failures(summary: dict[str, Any], gate: Gate) -> list[str]:
    """The mutation suite's floors: each gated operator's catch rate, and the false-positive
    rate over the clean variants."""
    failures = [
        f"mutation operator '{name}' catch rate {row['catch_rate']:.3f} is below "
        f"{gate.mutation_catch_rate}"
        for name, row in summary["operators"].items()
        if row["family"] in GATED_FAMILIES and row["catch_rate"] < gate.mutation_catch_rate
    ]
    rate = summary["false_positive_rate"]
    if rate is not None and rate > gate.mutation_false_positive_rate_max:
        failures.append(
            f"mutation false-positive rate {rate:.3f} is above "
            f"{gate.mutation_false_positive_rate_max}"
        )
    return failures


def redaction_failures(results: dict[str, Any], gate: Gate) -> list[str]:
    """The redaction suite's floors, for each file of evals/redaction (`as_dict()` of each)."""
    failures = []
    for name, result in results.items():
        if result["recall"] < gate.redaction_recall:
            failures.append(
                f"redaction recall on {name} {result['recall']:.3f} is below "
                f"{gate.redaction_recall}"
            )
        if result["false_redaction_rate"] > gate.redaction_false_rate_max:
            failures.append(
                f"redaction false-redaction rate on {name} {result['false_redaction_rate']:.3f} "
                f"is above {gate.redaction_false_rate_max}"
            )
    return failures


def below_targets(result: dict[str, Any], gate: Gate) -> list[str]:
    """The product targets a run has not reached yet (the gate's floors are what fails it)."""
    metrics = result["metrics"]
    return [
        f"{name} {metrics[name]:.3f} is below its target of {target}"
        for name, target in gate.targets.items()
        if name in metrics and metrics[name] < target
    ]


def gate_failures(result: dict[str, Any], gate: Gate) -> list[str]:
    metrics = result["metrics"]
    failures: list[str] = []
    if metrics.get("golden_answerable", 1):
        failures += _answer_failures(result, gate)
    return failures + _guardrail_failures(metrics["guardrails"], gate)


def answer_metrics(cases: list[dict[str, Any]]) -> dict[str, float]:
    """recall@5, key-fact coverage and the naive baseline's recall@5 over some golden cases."""
    covered = [c for c in cases if c.get("suite") == "golden" and c["expected_covered"]]
    facts = [v for c in covered for v in c["key_facts"].values()]
    naive = [c["baselines"]["naive_rag"]["recall"]["5"] for c in covered if c.get("baselines")]
    return {
        "golden_answerable": len(covered),
        "recall_at_5": sum(c["recall"]["5"] for c in covered) / len(covered) if covered else 1.0,
        "key_fact_coverage": sum(facts) / len(facts) if facts else 1.0,
        "naive_recall_at_5": sum(naive) / len(naive) if naive else -1.0,
    }


def _answer_failures(result: dict[str, Any], gate: Gate) -> list[str]:
    """Retrieval and key-fact thresholds (skipped for a run without answerable questions):
    the main floors over the categories without floors of their own, then those categories."""
    own = set(gate.category_floors)
    cases = result.get("cases", [])
    failures = []
    for category, floors in gate.category_floors.items():
        scored = answer_metrics([c for c in cases if c.get("category") == category])
        if not scored["golden_answerable"]:
            continue
        failures += [
            f"{category}: {name} {scored[name]:.3f} is below its floor {floor}"
            for name, floor in floors.items()
            if scored.get(name, 1.0) < floor
        ]
    if not cases:
        return failures + _floor_failures(result["metrics"], result, gate)
    rest = answer_metrics([c for c in cases if c.get("category") not in own])
    if not rest["golden_answerable"]:
        return failures
    return failures + _floor_failures(rest, result, gate)


def _floor_failures(metrics: dict[str, Any], result: dict[str, Any], gate: Gate) -> list[str]:
    failures = []
    if metrics["recall_at_5"] < gate.recall_at_5:
        failures.append(f"recall@5 {metrics['recall_at_5']:.3f} is below {gate.recall_at_5}")
    naive = metrics.get("naive_recall_at_5", -1.0)
    if naive < 0:
        naive = result.get("baselines", {}).get("naive_rag", {}).get("recall_at_5", -1.0)
    if naive >= 0 and metrics["recall_at_5"] - naive < gate.recall_at_5_over_naive:
        failures.append(
            f"recall@5 {metrics['recall_at_5']:.3f} is less than {gate.recall_at_5_over_naive} "
            f"above the naive baseline ({naive:.3f})"
        )
    if metrics["key_fact_coverage"] < gate.key_fact_coverage:
        failures.append(
            f"key-fact coverage {metrics['key_fact_coverage']:.3f} is below "
            f"{gate.key_fact_coverage}"
        )
    return failures


def _guardrail_failures(guard: dict[str, Any], gate: Gate) -> list[str]:
    """The adversarial files with floors of their own against those; every other file
    together against `catch_rate` and `false_positive_rate_max`."""
    per_check = guard.get("per_check", {})
    own = {c: f for c, f in gate.check_floors.items() if c in per_check}
    failures = []
    for check, floors in own.items():
        failures += _check_failures(per_check[check], floors, f"'{check}' ")
    rest = guard
    if own:
        rest = _pooled([row for check, row in per_check.items() if check not in own])
    defaults = {
        "catch_rate": gate.catch_rate,
        "false_positive_rate_max": gate.false_positive_rate_max,
    }
    return failures + _check_failures(rest, defaults, "")


def _check_failures(row: dict[str, Any], floors: dict[str, float], name: str) -> list[str]:
    failures = []
    catch = floors.get("catch_rate")
    if catch is not None and row["faulty"] and row["catch_rate"] < catch:
        failures.append(f"guardrail {name}catch rate {row['catch_rate']:.3f} is below {catch}")
    most = floors.get("false_positive_rate_max")
    if most is not None and row["false_positive_rate"] > most:
        failures.append(
            f"guardrail {name}false-positive rate {row['false_positive_rate']:.3f} is above {most}"
        )
    return failures


def _pooled(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Catch and false-positive rates over several files' rows."""
    faulty, clean = sum(r["faulty"] for r in rows), sum(r["clean"] for r in rows)
    caught = sum(round(r["catch_rate"] * r["faulty"]) for r in rows)
    flagged = sum(round(r["false_positive_rate"] * r["clean"]) for r in rows)
    return {
        "faulty": faulty,
        "clean": clean,
        "catch_rate": caught / faulty if faulty else 1.0,
        "false_positive_rate": flagged / clean if clean else 0.0,
    }


def compare(
    previous: dict[str, Any], current: dict[str, Any], tolerance: float
) -> tuple[list[str], list[str]]:
    """Every case whose result changed, and the metrics that regressed beyond `tolerance`."""
    before = {c["id"]: c for c in previous.get("cases", [])}
    changes = []
    for case in current.get("cases", []):
        old = before.get(case["id"])
        if old is None:
            changes.append(f"{case['id']}: new case ({'pass' if case['passed'] else 'fail'})")
            continue
        notes = _case_changes(old, case)
        if notes:
            changes.append(f"{case['id']}: " + "; ".join(notes))
    for case_id in sorted(set(before) - {c["id"] for c in current.get("cases", [])}):
        changes.append(f"{case_id}: no longer in the suite")
    regressions = []
    before_metrics, now = previous.get("metrics", {}), current["metrics"]
    if before_metrics.get("golden_answerable", 1) and now.get("golden_answerable", 1):
        regressions += _metric_regressions(before_metrics, now, tolerance)
    old_guard = previous.get("metrics", {}).get("guardrails", {})
    new_guard = current["metrics"]["guardrails"]
    if old_guard and new_guard["catch_rate"] < old_guard.get("catch_rate", 0) - tolerance:
        regressions.append(
            f"guardrail catch rate fell from {old_guard['catch_rate']:.3f} to "
            f"{new_guard['catch_rate']:.3f}"
        )
    if (
        old_guard
        and new_guard["false_positive_rate"] > old_guard.get("false_positive_rate", 1) + tolerance
    ):
        regressions.append(
            f"guardrail false-positive rate rose from {old_guard['false_positive_rate']:.3f} to "
            f"{new_guard['false_positive_rate']:.3f}"
        )
    return changes, regressions


def _metric_regressions(before: dict[str, Any], now: dict[str, Any], tolerance: float) -> list[str]:
    """Golden-question metrics that moved the wrong way (skipped when either run had no
    answerable questions: an adversarial-only run measures no retrieval)."""
    found = []
    for name in _HIGHER_IS_BETTER:
        old, new = before.get(name), now.get(name)
        if old is not None and new is not None and new < old - tolerance:
            found.append(f"{name} fell from {old:.3f} to {new:.3f}")
    for name in _LOWER_IS_BETTER:
        old, new = before.get(name), now.get(name)
        if old is not None and new is not None and new > old + tolerance:
            found.append(f"{name} rose from {old:.3f} to {new:.3f}")
    return found


def _case_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    notes = []
    if old["passed"] != new["passed"]:
        notes.append("now passes" if new["passed"] else "now fails")
    if old.get("verdict") != new.get("verdict"):
        notes.append(f"verdict {old.get('verdict')} -> {new.get('verdict')}")
    if old.get("suite") == "golden":
        lost = [
            p for p, ok in old["key_facts"].items() if ok and not new["key_facts"].get(p, False)
        ]
        won = [p for p, ok in new["key_facts"].items() if ok and not old["key_facts"].get(p, False)]
        notes.extend(f"lost key fact /{p}/" for p in lost)
        notes.extend(f"gained key fact /{p}/" for p in won)
        if old["retrieved_sources"][:5] != new["retrieved_sources"][:5]:
            notes.append(
                f"top-5 sources {old['retrieved_sources'][:5]} -> {new['retrieved_sources'][:5]}"
            )
        if old.get("answer") != new.get("answer") and not notes:
            notes.append("answer text changed")
    elif old.get("raised") != new.get("raised"):
        notes.append(f"raised {old.get('raised')} -> {new.get('raised')}")
    return notes
