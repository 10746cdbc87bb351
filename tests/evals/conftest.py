"""A small slice of the real suites (one golden file, one adversarial file) run once per session
through the real pipeline, for the runner and CLI tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.pipeline import Cairn
from evals.suites import Suites, load_suites
from tests.conftest import ROOT

EVALS_DIR = ROOT / "evals"
# The CLI selects suites by file stem; these two run in a few seconds.
SMALL = ["first-line", "arithmetic"]


def count_cases(path: Path) -> int:
    """Cases in a suite file, counted from its text (not through the loader under test)."""
    return sum(
        1 for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("  - id:")
    )


@pytest.fixture(scope="session")
def small_suites(real_cairn: Cairn) -> Suites:
    source_ids = set(real_cairn.retriever.snapshot.sources)
    return load_suites(EVALS_DIR, source_ids).select(SMALL)


@pytest.fixture(scope="session")
def small_result(real_cairn: Cairn, small_suites: Suites) -> dict[str, Any]:
    from evals.baselines import Bm25Only
    from evals.runner import run_eval

    baseline = Bm25Only.build(real_cairn.settings.corpus.sources_dir)
    return run_eval(real_cairn, small_suites, [baseline])
