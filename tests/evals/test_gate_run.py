"""The regression gate of `make test`: every suite through the real pipeline, beside both
baselines, held to evals/gate.yaml; and the same run twice gives the same results."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from assistant.pipeline import Cairn
from evals.baselines import Baseline, Bm25Only, NaiveRag
from evals.gate import Gate, gate_failures
from evals.runner import run_eval
from evals.suites import load_suites
from tests.conftest import ROOT

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def full_run(real_cairn: Cairn, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    sources = real_cairn.settings.corpus.sources_dir
    suites = load_suites(ROOT / "evals", set(real_cairn.retriever.snapshot.sources))
    baselines: list[Baseline] = [
        NaiveRag.build(sources, tmp_path_factory.mktemp("naive")),
        Bm25Only.build(sources),
    ]
    return run_eval(real_cairn, suites, baselines)


def test_every_suite_passes_the_gate(full_run: dict[str, Any]) -> None:
    gate = Gate.load(ROOT / "evals" / "gate.yaml")
    assert gate_failures(full_run, gate) == []
    guardrails = full_run["metrics"]["guardrails"]
    written = {c: r for c, r in guardrails["per_check"].items() if c not in gate.check_floors}
    # the hand-written files are caught whole (a blind batch has a floor of its own)
    assert {c: (r["catch_rate"], r["false_positive_rate"]) for c, r in written.items()} == {
        c: (1.0, 0.0) for c in written
    }
    assert guardrails["false_positive_rate"] == 0.0
    assert {"naive_rag", "bm25"} <= set(full_run["baselines"])
    assert full_run["n_golden"] >= 80 and full_run["metrics"]["guardrails"]["faulty"] >= 100


def _without_timings(result: dict[str, Any]) -> dict[str, Any]:
    stable = copy.deepcopy(result)
    stable.pop("created")
    stable["metrics"].pop("latency_ms")
    stable.pop("baselines")
    for case in stable["cases"]:
        case.pop("timings", None)
        case.pop("baselines", None)
    return stable


def test_two_runs_give_identical_results(real_cairn: Cairn, full_run: dict[str, Any]) -> None:
    suites = load_suites(ROOT / "evals", set(real_cairn.retriever.snapshot.sources))
    again = run_eval(real_cairn, suites, [])
    assert _without_timings(again) == _without_timings(full_run)
