"""Reports: Markdown, a self-contained HTML page and PNG plots from a small hand-made result."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest

from evals.report import metrics_table, render_markdown, write_report
from evals.runner import _metrics

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PLOTS = ("categories.png", "baselines.png", "latency.png")


def golden_case(case_id: str, category: str, passed: bool, **fields: Any) -> dict[str, Any]:
    case = {
        "id": case_id,
        "suite": "golden",
        "category": category,
        "question": f"question of {case_id}?",
        "expected_sources": ["label-a"],
        "retrieved_sources": ["label-a", "trial-b"],
        "recall": {"1": 1.0, "3": 1.0, "5": 1.0, "10": 1.0},
        "reciprocal_rank": 1.0,
        "key_facts": {"5\\.4 ?mg/kg": passed},
        "forbidden": [],
        "evidence": [1, 1],
        "numbers": [1, 1],
        "markers": [1, 1],
        "covered": True,
        "expected_covered": True,
        "uncovered_topics": [],
        "says_not_covered": False,
        "duplicate_claims": 0,
        "words": 3,
        "first_line_key_fact": passed,
        "verdict": "pass",
        "expected_verdict": "pass",
        "findings": [],
        "answer": f"answer of {case_id} [1].",
        "timings": {"retrieve": 90.0, "generate": 10.0},
        "baselines": {},
        "passed": passed,
    }
    return {**case, **fields}


def small_result(*extra: dict[str, Any]) -> dict[str, Any]:
    golden = [
        golden_case("sl-1", "second line", True),
        golden_case(
            "sl-2", "second line", False,
            verdict="warn", findings=["warn: pathway.not-preferred: T-DM1 is not preferred"],
        ),
        golden_case("dz-1", "doses and schedules", True, timings={"retrieve": 150.0}),
        *extra,
    ]  # fmt: skip
    adversarial = [
        {
            "id": "adv-1", "suite": "adversarial", "check": "doses", "question": "T-DXd dose?",
            "answer": "T-DXd 6.4 mg/kg.", "expect": ["doses.other-indication"], "raised": [],
            "verdict": "pass", "findings": [], "passed": False,
        },
        {
            "id": "adv-2", "suite": "adversarial", "check": "doses", "question": "T-DXd dose?",
            "answer": "T-DXd 5.4 mg/kg.", "expect": [], "raised": [], "verdict": "pass",
            "findings": [], "passed": True,
        },
    ]  # fmt: skip
    recall = {"recall_at_1": 0.2, "recall_at_3": 0.4, "recall_at_5": 0.6, "recall_at_10": 0.8}
    return {
        "created": "2026-01-01T00:00:00+00:00",
        "corpus_version": "abc123",
        "generator": "extractive",
        "n_golden": len(golden),
        "n_adversarial": len(adversarial),
        "metrics": _metrics(golden, adversarial),
        "baselines": {"naive_rag": {**recall, "mrr": 0.3}, "bm25": {**recall, "mrr": 0.4}},
        "cases": [*golden, *adversarial],
    }


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report") / "latest"
    page = write_report(small_result(), folder)
    assert page == folder / "report.html"
    return folder


def test_the_report_folder_has_markdown_html_json_and_plots(written: Path) -> None:
    assert sorted(p.name for p in written.iterdir()) == sorted(
        ["report.md", "report.html", "result.json", *PLOTS]
    )
    for name in PLOTS:
        assert (written / name).read_bytes().startswith(PNG_MAGIC), name


def test_the_result_is_saved_as_it_was_given(written: Path) -> None:
    assert json.loads((written / "result.json").read_text()) == small_result()


def test_the_html_embeds_every_plot_as_a_data_uri(written: Path) -> None:
    page = (written / "report.html").read_text(encoding="utf-8")
    sources = re.findall(r'<img src="([^"]+)"', page)
    assert len(sources) == len(PLOTS)
    embedded = sorted(base64.b64decode(s.split(",", 1)[1]) for s in sources)
    assert all(s.startswith("data:image/png;base64,") for s in sources)
    assert embedded == sorted((written / name).read_bytes() for name in PLOTS)


def test_the_html_loads_nothing_from_elsewhere(written: Path) -> None:
    page = (written / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//|[\w./-]+\.(png|css|js)\b)""", page)
    assert "<link" not in page and "<script" not in page and "@import" not in page
    assert page.startswith("<!doctype html>") and "<meta charset='utf-8'>" in page


def test_the_markdown_links_the_plots_beside_it(written: Path) -> None:
    markdown = (written / "report.md").read_text(encoding="utf-8")
    for name in PLOTS:
        assert f"![{name}]({name})" in markdown
        assert (written / name).is_file()


def test_the_markdown_has_the_metrics_table_with_baselines() -> None:
    markdown = render_markdown(small_result())
    assert "Corpus abc123, generator extractive, 3 golden questions, 2 adversarial answers" in (
        markdown
    )
    assert "| recall@5 | 1.000 | 0.600 | 0.600 |" in markdown
    assert "| MRR | 1.000 | 0.300 | 0.400 |" in markdown
    assert "| golden pass rate | 0.667 | - | - |" in markdown
    assert "| guardrail catch rate | 0.000 | - | - |" in markdown
    assert "| doses | 1 | 1 | 0.0 | 0.0 |" in markdown
    assert "| second line | 2 | 0.5 | 0.5 | 1.0 |" in markdown


def test_the_metrics_table_marks_missing_baselines_with_a_dash() -> None:
    result = small_result()
    result["baselines"] = {}
    rows = dict(
        (label, (cairn, naive, bm25)) for label, cairn, naive, bm25 in metrics_table(result)
    )
    assert rows["recall@1"] == ("1.000", "-", "-")
    # 15, and near-miss accuracy, false notices, duplicate claims, length, first line
    assert len(rows) == 20


def test_failing_cases_show_what_was_wrong_and_passing_ones_are_left_out() -> None:
    markdown = render_markdown(small_result())
    failing = markdown.split("## Failing cases", 1)[1]
    assert "### sl-2 (second line)" in failing
    assert "Missing key facts: `5\\.4 ?mg/kg`" in failing
    assert "Verdict warn (expected pass)" in failing
    assert "- warn: pathway.not-preferred: T-DM1 is not preferred" in failing
    assert "### adv-1 (doses)" in failing
    assert "Expected ['doses.other-indication'], raised nothing" in failing
    assert "sl-1" not in failing and "adv-2" not in failing


def test_a_run_without_failures_says_none() -> None:
    result = small_result()
    for case in result["cases"]:
        case["passed"] = True
    assert render_markdown(result).endswith("## Failing cases\n\nNone.\n")


def test_an_answer_quoted_in_the_html_report_is_escaped(tmp_path: Path) -> None:
    hostile = golden_case("sl-9", "second line", False, answer="<script>alert(1)</script> [1]")
    page = write_report(small_result(hostile), tmp_path).read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_answer_that_closes_its_code_fence_cannot_inject_html(tmp_path: Path) -> None:
    hostile = golden_case(
        "sl-9", "second line", False, answer="Dose [1].\n```\n<script>alert(1)</script>\n```"
    )
    page = write_report(small_result(hostile), tmp_path).read_text(encoding="utf-8")
    assert "<script>" not in page
