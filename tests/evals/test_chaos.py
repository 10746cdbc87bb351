"""The chaos run (`cairn bench --faults`) on the fixture corpus: real kills, real damage, the
real app under load, all with the stand-in encoder and a reduced matrix."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.chaos import CaseResult, ChaosPlan, ChaosResult, run_chaos
from evals.chaos_report import markdown
from evals.load import App, LoadLevel, free_port, run_load
from guardrails.errors import CairnError
from tests.conftest import FIXTURES

QUESTIONS = ["zorbatinib dose?", "What does the widget guideline recommend?"]


@pytest.mark.integration
@pytest.mark.alone
def test_chaos_run_counts_kills_survived_repairs_and_answers(tmp_path: Path) -> None:
    """A plain `cairn ingest` as the repair: it re-embeds a deleted database, but a deleted
    vector segment needs `--rebuild`, so that case must be reported as not recovered."""
    plan = ChaosPlan(
        corpus=FIXTURES / "mini",
        question="zorbatinib dose?",
        load_questions=QUESTIONS,
        points=("before-manifest-rename",),
        modes=("incremental",),
        damage=("database-deleted", "segment-deleted"),
        repair=("ingest",),
        users=(1, 2),
        per_user=1,
        load_stand_in=True,
    )
    result = run_chaos(plan, tmp_path)

    assert (result.kills_survived, len(result.kills)) == (1, 1)
    recovered = {case.name: case.passed for case in result.damage}
    problems = {case.name: case.problems for case in result.damage}
    assert recovered == {"database-deleted": True, "segment-deleted": False}, problems
    segment = next(case for case in result.damage if case.name == "segment-deleted")
    assert any("`cairn ingest` failed" in problem for problem in segment.problems)
    assert [(level.users, level.requests, level.answered) for level in result.load] == [
        (1, 1, 1),
        (2, 2, 2),
    ]
    assert result.answers_lost == 0 and result.answers_changed == 0
    assert not result.passed

    table = "\n".join(markdown(result))
    assert "| Kills survived (kill -9 inside `cairn ingest`) | 1/1 |" in table
    assert "repairs) | 1/2 |" in table
    assert "| Answers lost under load (must be 0) | 0 of 3 |" in table
    assert "| 2 | 2 | 0 |" in table and ": FAIL" in table


def test_requests_nobody_answers_are_lost() -> None:
    app = App(f"http://127.0.0.1:{free_port()}", pid=0)  # nothing listens there
    levels = run_load(app, QUESTIONS, users=[1, 3], per_user=2, timeout_s=5)
    assert [(level.requests, level.lost, level.answered) for level in levels] == [
        (2, 2, 0),
        (6, 6, 0),
    ]
    assert levels[0].p50_s is None and levels[0].errors


def test_a_lost_answer_fails_the_run_and_shows_in_the_table() -> None:
    kills = [CaseResult("kill", "mid-delete", "rebuild", passed=True)]
    load = [
        LoadLevel(users=1, requests=2, answered=2, p50_s=0.5, p95_s=0.6),
        LoadLevel(users=4, requests=8, answered=7, lost=1, p50_s=1.5, p95_s=2.4),
    ]
    result = ChaosResult(cores=2, kills=kills, damage=[], load=load, seconds=60)
    assert not result.passed and result.answers_lost == 1
    table = markdown(result)
    assert "| Answers lost under load (must be 0) | 1 of 10 |" in table
    assert "| 4 | 8 | 1 | 1.5 | 2.4 | 3.0x | 4.0x | 0 | n/a |" in table
    assert "| mid-delete | survived |" in table


def test_unknown_fault_points_are_refused_with_the_known_ones() -> None:
    with pytest.raises(CairnError, match=r"Unknown fault point no-such-\w+\. Choose from before-"):
        ChaosPlan(FIXTURES / "mini", "q", [], points=("no-such-point",))
