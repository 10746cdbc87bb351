"""The regression gate: thresholds from evals/gate.yaml on one run, and compare() between runs."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml

from evals.gate import Gate, below_targets, compare, gate_failures
from evals.runner import _metrics
from guardrails.errors import RulesError
from tests.evals.conftest import EVALS_DIR

GATE_FILE = EVALS_DIR / "gate.yaml"


@pytest.fixture(scope="module")
def gate() -> Gate:
    return Gate.load(GATE_FILE)


def run(
    recall_at_5: float = 1.0,
    key_fact_coverage: float = 1.0,
    catch_rate: float = 1.0,
    false_positive_rate: float = 0.0,
    faulty: int = 10,
    naive: float | None = None,
    **metrics: float,
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "metrics": {
            "recall_at_5": recall_at_5,
            "key_fact_coverage": key_fact_coverage,
            "guardrails": {
                "faulty": faulty,
                "clean": 10,
                "catch_rate": catch_rate,
                "false_positive_rate": false_positive_rate,
            },
            **metrics,
        },
        "baselines": {} if naive is None else {"naive_rag": {"recall_at_5": naive}},
        "cases": [],
    }
    return result


# --- thresholds -------------------------------------------------------------------------------


def test_every_threshold_in_gate_yaml_is_read(gate: Gate) -> None:
    written = yaml.safe_load(GATE_FILE.read_text(encoding="utf-8"))
    targets = written.pop("targets", {})
    floors = written.pop("category_floors", {})
    checks = written.pop("check_floors", {})
    assert set(written) <= {f.name for f in dataclasses.fields(Gate)}, "unknown key in gate.yaml"
    assert {k: getattr(gate, k) for k in written} == {k: float(v) for k, v in written.items()}
    assert gate.targets == {k: float(v) for k, v in targets.items()}
    assert gate.category_floors == {
        c: {k: float(v) for k, v in f.items()} for c, f in floors.items()
    }
    assert gate.check_floors == {c: {k: float(v) for k, v in f.items()} for c, f in checks.items()}


def _guard(**rows: tuple[int, float, int, float]) -> dict[str, Any]:
    """Adversarial results per file: (faulty, catch rate, clean, false-positive rate)."""
    per_check = {
        name: {"faulty": f, "catch_rate": c, "clean": k, "false_positive_rate": fp}
        for name, (f, c, k, fp) in rows.items()
    }
    return {"metrics": {"golden_answerable": 0, "guardrails": {**_pooled_rows(per_check),
                                                              "per_check": per_check}}}  # fmt: skip


def _pooled_rows(per_check: dict[str, dict[str, Any]]) -> dict[str, Any]:
    faulty = sum(r["faulty"] for r in per_check.values())
    caught = sum(r["faulty"] * r["catch_rate"] for r in per_check.values())
    clean = sum(r["clean"] for r in per_check.values())
    flagged = sum(r["clean"] * r["false_positive_rate"] for r in per_check.values())
    return {"faulty": faulty, "catch_rate": caught / faulty, "clean": clean,
            "false_positive_rate": flagged / clean}  # fmt: skip


def test_a_blind_adversarial_file_is_held_to_its_own_floor_and_the_rest_to_the_gate() -> None:
    gate = Gate(check_floors={"blind": {"catch_rate": 0.5, "false_positive_rate_max": 0.0}})
    assert gate_failures(_guard(doses=(10, 1.0, 10, 0.0), blind=(10, 0.6, 10, 0.0)), gate) == []
    assert gate_failures(_guard(doses=(10, 0.9, 10, 0.0), blind=(10, 0.6, 10, 0.0)), gate) == [
        "guardrail catch rate 0.900 is below 1.0"
    ]
    assert gate_failures(_guard(doses=(10, 1.0, 10, 0.0), blind=(10, 0.4, 10, 0.1)), gate) == [
        "guardrail 'blind' catch rate 0.400 is below 0.5",
        "guardrail 'blind' false-positive rate 0.100 is above 0.0",
    ]
    assert gate_failures(_guard(doses=(10, 1.0, 10, 0.0), blind=(10, 0.6, 10, 0.0)), Gate()) == [
        "guardrail catch rate 0.800 is below 1.0"
    ]


def test_a_missing_gate_file_falls_back_to_the_defaults(tmp_path: Path) -> None:
    assert Gate.load(tmp_path / "gate.yaml") == Gate()


def test_a_gate_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "gate.yaml"
    path.write_text("recall_at_5: 0.5\n", encoding="utf-8")
    assert Gate.load(path) == dataclasses.replace(Gate(), recall_at_5=0.5)


def test_a_misspelt_or_unreadable_threshold_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gate.yaml"
    path.write_text("recal_at_5: 0.5\ncategory_floors: {first line: {recall_at_5: high}}\n")
    with pytest.raises(RulesError) as error:
        Gate.load(path)
    problems = error.value.problems
    assert problems[0].startswith(
        f"{path}:1: unknown field 'recal_at_5'; did you mean 'recall_at_5'? (allowed: "
    )
    assert problems[1] == (
        f"{path}:2: field 'category_floors.first line.recall_at_5': must be a number, not 'high'"
    )


def test_a_run_at_every_threshold_passes(gate: Gate) -> None:
    at_limits = run(
        recall_at_5=gate.recall_at_5,
        key_fact_coverage=gate.key_fact_coverage,
        catch_rate=gate.catch_rate,
        false_positive_rate=gate.false_positive_rate_max,
        naive=gate.recall_at_5 - gate.recall_at_5_over_naive - 0.01,
    )
    assert gate_failures(at_limits, gate) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"recall_at_5": 0.80}, "recall@5 0.800 is below 0.93"),
        ({"key_fact_coverage": 0.80}, "key-fact coverage 0.800 is below 0.89"),
        ({"catch_rate": 0.9}, "guardrail catch rate 0.900 is below 1.0"),
        ({"false_positive_rate": 0.05}, "guardrail false-positive rate 0.050 is above 0.02"),
        ({"naive": 0.95}, "recall@5 1.000 is less than 0.1 above the naive baseline (0.950)"),
    ],
)
def test_a_metric_past_its_threshold_fails_the_gate(
    gate: Gate, changes: dict[str, Any], message: str
) -> None:
    assert gate_failures(run(**changes), gate) == [message]


def test_every_failing_threshold_is_listed(gate: Gate) -> None:
    failures = gate_failures(
        run(recall_at_5=0.5, key_fact_coverage=0.5, catch_rate=0.5, false_positive_rate=0.5), gate
    )
    assert len(failures) == 4


def test_the_catch_rate_is_not_held_against_a_run_without_faulty_answers(gate: Gate) -> None:
    assert gate_failures(run(catch_rate=0.0, faulty=0), gate) == []


def test_an_adversarial_only_run_is_not_failed_on_retrieval(gate: Gate) -> None:
    adversarial = [
        {
            "suite": "adversarial",
            "check": "doses",
            "expect": ["doses.wrong-amount"],
            "passed": True,
        },
        {"suite": "adversarial", "check": "doses", "expect": [], "passed": True},
    ]
    assert gate_failures({"metrics": _metrics([], adversarial)}, gate) == []


# --- comparing two runs -----------------------------------------------------------------------


def golden(case_id: str, **fields: Any) -> dict[str, Any]:
    case = {
        "id": case_id,
        "suite": "golden",
        "passed": True,
        "verdict": "pass",
        "key_facts": {"5\\.4 ?mg/kg": True, "every 3 weeks": True},
        "retrieved_sources": ["label-a", "trial-b", "guideline-c", "review-d", "topic-e", "x"],
        "answer": "T-DXd 5.4 mg/kg every 3 weeks [1].",
    }
    return {**case, **fields}


def adversarial(case_id: str, raised: list[str], passed: bool = True) -> dict[str, Any]:
    return {
        "id": case_id,
        "suite": "adversarial",
        "passed": passed,
        "verdict": "block" if raised else "pass",
        "raised": raised,
    }


def with_cases(result: dict[str, Any], *cases: dict[str, Any]) -> dict[str, Any]:
    return {**result, "cases": list(cases)}


BASE = run(recall_at_1=0.6, mrr=0.8, pass_rate=0.9, forbidden_claim_rate=0.0)


def test_identical_runs_have_no_changes_or_regressions() -> None:
    previous = with_cases(BASE, golden("g-1"), adversarial("a-1", ["doses.wrong-amount"]))
    assert compare(previous, copy.deepcopy(previous), 0.01) == ([], [])


def test_compare_lists_each_changed_case_with_what_changed() -> None:
    previous = with_cases(
        BASE,
        golden("g-1"),
        golden("g-2"),
        golden("g-3"),
        golden("gone"),
        adversarial("a-1", ["doses.wrong-amount"]),
        adversarial("a-2", []),
    )
    current = with_cases(
        BASE,
        golden(
            "g-1",
            passed=False,
            verdict="warn",
            key_facts={"5\\.4 ?mg/kg": False, "every 3 weeks": True, "q3w": True},
        ),
        golden("g-2", retrieved_sources=["trial-b", "label-a", "guideline-c", "review-d", "x"]),
        golden("g-3", answer="T-DXd 5.4 mg/kg every three weeks [1]."),
        golden("new", passed=False),
        adversarial("a-1", [], passed=False),
        adversarial("a-2", []),
    )
    changes, regressions = compare(previous, current, 0.01)
    assert changes == [
        "g-1: now fails; verdict pass -> warn; lost key fact /5\\.4 ?mg/kg/; gained key fact /q3w/",
        "g-2: top-5 sources ['label-a', 'trial-b', 'guideline-c', 'review-d', 'topic-e'] -> "
        "['trial-b', 'label-a', 'guideline-c', 'review-d', 'x']",
        "g-3: answer text changed",
        "new: new case (fail)",
        "a-1: now fails; verdict block -> pass; raised ['doses.wrong-amount'] -> []",
        "gone: no longer in the suite",
    ]
    assert regressions == []


def test_a_change_beyond_the_top_five_sources_is_not_listed() -> None:
    previous = with_cases(BASE, golden("g-1"))
    moved = [*golden("g-1")["retrieved_sources"][:5], "y"]
    assert (
        compare(previous, with_cases(BASE, golden("g-1", retrieved_sources=moved)), 0.01)[0] == []
    )


def test_an_adversarial_case_that_raises_other_rules_is_listed() -> None:
    previous = with_cases(BASE, adversarial("a-1", ["doses.wrong-amount"]))
    current = with_cases(BASE, adversarial("a-1", ["doses.wrong-amount", "doses.wrong-unit"]))
    assert compare(previous, current, 0.01)[0] == [
        "a-1: raised ['doses.wrong-amount'] -> ['doses.wrong-amount', 'doses.wrong-unit']"
    ]


def test_a_metric_falling_by_more_than_the_tolerance_is_a_regression() -> None:
    current = run(recall_at_1=0.55, mrr=0.795, pass_rate=0.9, forbidden_claim_rate=0.0)
    assert compare(BASE, current, 0.01)[1] == ["recall_at_1 fell from 0.600 to 0.550"]


def test_the_tolerance_decides_what_counts_as_a_regression() -> None:
    current = run(recall_at_1=0.55, mrr=0.8, pass_rate=0.9, forbidden_claim_rate=0.0)
    assert compare(BASE, current, 0.1)[1] == []
    assert compare(BASE, current, 0.0)[1] == ["recall_at_1 fell from 0.600 to 0.550"]


def test_a_metric_that_improves_is_not_a_regression() -> None:
    current = run(recall_at_1=0.9, mrr=1.0, pass_rate=1.0, forbidden_claim_rate=0.0)
    assert compare(BASE, current, 0.0)[1] == []


def test_a_metric_missing_from_the_previous_run_is_not_compared() -> None:
    previous = run(pass_rate=0.9)
    assert compare(previous, run(pass_rate=0.9, mrr=0.1), 0.01)[1] == []


def test_guardrail_regressions_are_reported_in_both_directions() -> None:
    current = run(catch_rate=0.9, false_positive_rate=0.1)
    assert compare(BASE, current, 0.01)[1] == [
        "guardrail catch rate fell from 1.000 to 0.900",
        "guardrail false-positive rate rose from 0.000 to 0.100",
    ]


def test_more_forbidden_claims_are_a_regression() -> None:
    current = run(recall_at_1=0.6, mrr=0.8, pass_rate=0.9, forbidden_claim_rate=0.2)
    assert compare(BASE, current, 0.01)[1] == ["forbidden_claim_rate rose from 0.000 to 0.200"]


def test_a_run_without_answerable_questions_is_not_compared_on_retrieval() -> None:
    adversarial_only = run(recall_at_1=0.0, mrr=0.0, pass_rate=0.0)
    adversarial_only["metrics"]["golden_answerable"] = 0
    assert compare(BASE, adversarial_only, 0.01)[1] == []


def test_targets_are_reported_but_do_not_fail_the_gate(tmp_path: Path) -> None:
    path = tmp_path / "gate.yaml"
    path.write_text("recall_at_5: 0.9\ntargets:\n  recall_at_5: 0.95\n", encoding="utf-8")
    gate = Gate.load(path)
    result = run(recall_at_5=0.93)
    assert gate_failures(result, gate) == []
    assert below_targets(result, gate) == ["recall_at_5 0.930 is below its target of 0.95"]
    assert below_targets(run(recall_at_5=0.96), gate) == []


def test_a_category_with_floors_of_its_own_is_gated_apart() -> None:
    gate = Gate(category_floors={"bedside": {"key_fact_coverage": 0.6}})

    def case(category: str, facts: list[bool]) -> dict[str, object]:
        return {
            "suite": "golden", "category": category, "expected_covered": True,
            "recall": {"5": 1.0}, "key_facts": {str(i): f for i, f in enumerate(facts)},
            "baselines": {},
        }  # fmt: skip

    result = run(recall_at_5=1.0, key_fact_coverage=0.75, naive=0.5)
    result["cases"] = [case("first line", [True, True]), case("bedside", [True, False, False])]
    assert gate_failures(result, gate) == [
        "bedside: key_fact_coverage 0.333 is below its floor 0.6"
    ]
    result["cases"][1] = case("bedside", [True, True, False])
    assert gate_failures(result, gate) == []
