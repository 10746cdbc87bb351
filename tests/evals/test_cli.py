"""`cairn eval` as a user runs it: a subprocess over a copy of the session's index, two small
suites, `--json`, `--report` and `--compare` against a previous run that was better."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from assistant.settings import Settings
from tests.conftest import REAL_CORPUS
from tests.evals.conftest import EVALS_DIR, SMALL, count_cases

pytestmark = pytest.mark.integration

TOLERANCE = 0.01


@dataclass(frozen=True)
class EvalRun:
    returncode: int
    summary: dict[str, Any]
    stderr: str
    data: Path
    report: Path
    previous: dict[str, Any]


@pytest.fixture(scope="module")
def cli_run(
    real_settings: Settings, small_result: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> EvalRun:
    root = tmp_path_factory.mktemp("cli-eval")
    data = root / "var"
    shutil.copytree(real_settings.index.data_dir, data)
    # A previous run of the same suites that had perfect recall@1 and in which the first golden
    # question had the opposite outcome.
    previous = copy.deepcopy(small_result)
    previous["metrics"]["recall_at_1"] = 1.0
    first = next(c for c in previous["cases"] if c["suite"] == "golden")
    first["passed"] = not first["passed"]
    previous_path = root / "previous.json"
    previous_path.write_text(json.dumps(previous), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAIRN_")}
    env.update(
        CAIRN_CORPUS_DIR=str(REAL_CORPUS),
        CAIRN_DATA_DIR=str(data),
        CAIRN_GENERATOR="extractive",
        CAIRN_CONFIG=str(root / "no-such.toml"),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
    )
    cairn = str(Path(sys.executable).parent / "cairn")
    command = [cairn, "eval", *SMALL, "--no-baselines", "--json"]
    command += ["--compare", str(previous_path), "--report", str(root / "report")]
    done = subprocess.run(
        command, env=env, cwd=root, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.stdout.strip(), done.stderr[-2000:]
    return EvalRun(
        done.returncode, json.loads(done.stdout), done.stderr, data, root / "report", previous
    )


def test_json_output_has_the_headline_metrics(cli_run: EvalRun) -> None:
    metrics = cli_run.summary["metrics"]
    for value in (
        metrics["recall_at_5"],
        metrics["key_fact_coverage"],
        metrics["guardrails"]["catch_rate"],
        metrics["guardrails"]["false_positive_rate"],
    ):
        assert isinstance(value, float | int) and 0.0 <= value <= 1.0


def test_the_cli_runs_exactly_the_named_suites(cli_run: EvalRun) -> None:
    assert cli_run.summary["n_golden"] == count_cases(EVALS_DIR / "golden" / "first-line.yaml")
    assert cli_run.summary["n_adversarial"] == count_cases(
        EVALS_DIR / "adversarial" / "arithmetic.yaml"
    )
    assert cli_run.summary["generator"] == "extractive"
    assert cli_run.summary["baselines"] == {}


def test_the_cli_measures_what_the_runner_measures(
    cli_run: EvalRun, small_result: dict[str, Any]
) -> None:
    cli, runner = cli_run.summary["metrics"], small_result["metrics"]
    for key in ("recall_at_5", "mrr", "key_fact_coverage", "pass_rate"):
        assert cli[key] == runner[key], key
    assert cli["guardrails"]["catch_rate"] == runner["guardrails"]["catch_rate"]
    assert cli["guardrails"]["false_positive_rate"] == runner["guardrails"]["false_positive_rate"]


def test_json_cases_leave_out_the_long_answers_but_last_json_keeps_them(cli_run: EvalRun) -> None:
    assert cli_run.summary["cases"]
    assert all("answer" not in c and "findings" not in c for c in cli_run.summary["cases"])
    last = json.loads((cli_run.data / "reports" / "last.json").read_text(encoding="utf-8"))
    assert [c["id"] for c in last["cases"]] == [c["id"] for c in cli_run.summary["cases"]]
    assert all(c["answer"] for c in last["cases"])


def test_compare_exits_non_zero_and_names_the_regression(cli_run: EvalRun) -> None:
    current = cli_run.summary["metrics"]["recall_at_1"]
    assert current < 1.0 - TOLERANCE, "the small suites should not reach perfect recall@1"
    assert cli_run.returncode == 1, cli_run.stderr[-2000:]
    regression = f"recall_at_1 fell from 1.000 to {current:.3f}"
    assert regression in cli_run.summary["comparison"]["regressions"]
    assert f"REGRESSION: {regression}" in cli_run.stderr


def test_compare_lists_the_question_whose_outcome_changed(cli_run: EvalRun) -> None:
    first = next(c for c in cli_run.previous["cases"] if c["suite"] == "golden")
    outcome = "now fails" if first["passed"] else "now passes"
    changes = cli_run.summary["comparison"]["changes"]
    assert any(c.startswith(f"{first['id']}: {outcome}") for c in changes), changes
    assert f"{len(changes)} case(s) changed" in cli_run.stderr


def test_the_report_option_writes_the_report(cli_run: EvalRun) -> None:
    assert (cli_run.report / "report.html").is_file()
    assert "Report written to" in cli_run.stderr
    markdown = (cli_run.report / "report.md").read_text(encoding="utf-8")
    assert f"{cli_run.summary['n_golden']} golden questions" in markdown
