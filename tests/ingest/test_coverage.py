"""The coverage map: required cells, known gaps, and a gap that is covered after all."""

from __future__ import annotations

from pathlib import Path

import pytest

from guardrails.errors import RulesError
from ingest.coverage import coverage_report
from ingest.sources import LoadedSource, discover, load_sources
from tests.conftest import REAL_CORPUS

SOURCE = """---
id: label-zorbatinib
title: Zorbatinib label
kind: label
citation: ZORBATINIB prescribing information, 2024
year: 2024
last_reviewed: 2026-12-03
status: current
covers:
  zorbatinib: [dosing, hepatic]
---
# Dosing
Zorbatinib 50 mg orally once daily.
"""


def write(tmp_path: Path, spec: str) -> tuple[Path, list[LoadedSource]]:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "label-zorbatinib.md").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "coverage.yaml").write_text(spec, encoding="utf-8")
    sources, problems = load_sources(discover([tmp_path / "sources"]))
    assert problems == []
    return tmp_path / "coverage.yaml", sources


def test_an_empty_required_cell_is_a_problem(tmp_path: Path) -> None:
    spec, sources = write(
        tmp_path, "tables:\n  - name: labels\n    subjects: [zorbatinib]\n"
        "    topics: [dosing, hepatic, renal]\n"
    )  # fmt: skip
    report = coverage_report(spec, sources)
    assert len(report.problems) == 1 and "zorbatinib / renal" in report.problems[0]
    assert any("2 of 3 cells covered" in line for line in report.lines())


def test_a_listed_gap_is_not_a_problem_but_a_covered_gap_is(tmp_path: Path) -> None:
    spec, sources = write(
        tmp_path,
        "tables:\n  - name: labels\n    subjects: [zorbatinib]\n    topics: [dosing, renal]\n"
        "    gaps:\n      - {subject: zorbatinib, topic: renal, reason: not in the label}\n"
        "      - {subject: zorbatinib, topic: dosing, reason: stale}\n",
    )
    report = coverage_report(spec, sources)
    assert len(report.problems) == 1 and "remove the gap" in report.problems[0]


def test_an_unknown_field_in_the_coverage_file_is_refused(tmp_path: Path) -> None:
    spec, sources = write(
        tmp_path, "tables:\n  - name: labels\n    subjects: [zorbatinib]\n    topic: [dosing]\n"
    )
    with pytest.raises(RulesError) as raised:
        coverage_report(spec, sources)
    assert any("topic" in p for p in raised.value.problems)


def test_the_real_corpus_covers_every_required_cell() -> None:
    sources, problems = load_sources(discover([REAL_CORPUS / "sources"]))
    assert problems == []
    assert coverage_report(REAL_CORPUS / "coverage.yaml", sources).problems == []
