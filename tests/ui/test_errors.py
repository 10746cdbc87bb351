"""Errors a user can fix: shown as one sentence, logged as one line without a traceback."""

from __future__ import annotations

import logging

import pytest

from guardrails.errors import CairnError
from ui.errors import LONGEST, one_line, user_error


def test_a_user_error_is_shown_and_logged_as_one_line_without_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    problem = CairnError("The suites have problems:\n  - a.yaml: bad", "Correct a.yaml.")
    with caplog.at_level(logging.WARNING, logger="cairn.ui"):
        error = user_error(problem, "evals")
    assert error.message == "The suites have problems: - a.yaml: bad Correct a.yaml."
    assert not error.print_exception
    assert caplog.messages == [f"cairn: evals: {error.message}"]
    assert caplog.records[0].exc_info is None


def test_a_long_list_of_problems_keeps_its_head_and_its_fix() -> None:
    text = "Problems:\n" + "\n".join(f"  - case {i}: bad" for i in range(300)) + "\nFix them."
    shown = one_line(text)
    assert len(shown) <= LONGEST + 3
    assert shown.startswith("Problems: - case 0: bad") and shown.endswith("Fix them.")
