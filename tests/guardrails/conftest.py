"""The real corpus's rule set, loaded once for the corpus tests of this folder (`rules`); the
engine tests load the fictional corpus's (tests/guardrails/dose_checks.py, MINI_RULES)."""

from __future__ import annotations

import pytest

from guardrails.rules import RuleBook
from tests.guardrails.dose_checks import CORPUS_RULES, rules_at


@pytest.fixture(scope="session")
def rules() -> RuleBook:
    return rules_at(CORPUS_RULES)
