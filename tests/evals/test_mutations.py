"""The mutation suite: generated faults are caught, clean rewordings pass (the gate's floors),
and the sample is reproducible."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.gate import Gate, mutation_failures
from evals.mutations import generate, run_mutations
from guardrails.rules import RuleBook
from ingest.sources import LoadedSource, discover, load_sources
from tests.conftest import FIXTURES, REAL_CORPUS
from tests.evals.conftest import EVALS_DIR


def corpus(folder: Path) -> tuple[RuleBook, list[LoadedSource]]:
    sources, problems = load_sources(discover([folder / "sources"]))
    assert problems == []
    return RuleBook.load(folder / "rules"), sources


@pytest.fixture(scope="module")
def real() -> tuple[RuleBook, list[LoadedSource]]:
    return corpus(REAL_CORPUS)


def test_the_whole_suite_meets_the_gate(real: tuple[RuleBook, list[LoadedSource]]) -> None:
    rules, sources = real
    cases = generate(rules, sources)
    summary = run_mutations(cases, rules).as_dict()
    assert summary["faulty"] >= 2000 and summary["clean"] >= 1000
    families = {row["family"] for row in summary["operators"].values()}
    assert families == {"dose", "schedule", "pathway", "evidence"}
    assert mutation_failures(summary, Gate.load(EVALS_DIR / "gate.yaml")) == [], (
        summary["missed"][:5],
        summary["false_positives"][:5],
    )


def test_a_sample_is_reproducible_and_keeps_every_operator(
    real: tuple[RuleBook, list[LoadedSource]],
) -> None:
    rules, sources = real
    everything = {c.operator for c in generate(rules, sources)}
    first = generate(rules, sources, seed=3, size=400)
    assert first == generate(rules, sources, seed=3, size=400)
    assert len(first) == 400 and {c.operator for c in first} == everything
    assert first != generate(rules, sources, seed=4, size=400)


def test_the_fictional_corpus_gets_its_own_mutants() -> None:
    rules, sources = corpus(FIXTURES / "mini")
    cases = generate(rules, sources)
    assert any(c.faulty and c.family == "dose" for c in cases)
    summary = run_mutations(cases, rules).as_dict()
    assert summary["catch_rate"] is not None and summary["catch_rate"] > 0.9
