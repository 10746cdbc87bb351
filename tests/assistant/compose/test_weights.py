"""The weight table: every feature weighed and described, and the combination."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from assistant.compose.features import FEATURES
from assistant.compose.weights import WEIGHTS_FILE, Kind, Weights
from guardrails.errors import RulesError


def test_the_weight_file_weighs_and_describes_every_feature() -> None:
    weights = Weights.load()
    assert set(weights.values) == set(FEATURES)
    assert all(len(weights.measures[n]) >= 10 for n in FEATURES)


def test_a_feature_without_a_weight_names_the_file_and_the_feature(tmp_path: Path) -> None:
    text = WEIGHTS_FILE.read_text()
    cut = text.index("  long_sentence:")
    path = tmp_path / "weights.yaml"
    path.write_text(text[:cut])
    with pytest.raises(RulesError, match="no weight for long_sentence"):
        Weights.load(path)


def test_every_problem_of_the_file_is_named_with_its_line(tmp_path: Path) -> None:
    text = WEIGHTS_FILE.read_text()
    text = text.replace("    kind: add", "    kind: sum", 1)
    text = text.replace("    measures:", "    measure:", 1)
    text += "  zorba_feature:\n    kind: add\n    weight: 1\n    measures: computed by nobody\n"
    path = tmp_path / "weights.yaml"
    path.write_text(text)
    with pytest.raises(RulesError) as caught:
        Weights.load(path)
    problems = "\n".join(caught.value.problems)
    assert f"{path}:" in problems
    assert "must be one of 'add' or 'log', not 'sum'" in problems
    assert "unknown field" in problems and "did you mean 'measures'?" in problems
    assert "zorba_feature is not a feature of assistant/compose/features.py" in problems


def test_the_score_adds_the_add_features_and_scales_by_the_log_ones() -> None:
    weights = Weights(
        {"a": Kind.ADD, "b": Kind.ADD, "c": Kind.LOG},
        {"a": 0.6, "b": 0.4, "c": math.log(0.5)},
        {"a": "", "b": "", "c": ""},
    )
    assert weights.score({"a": 1.0, "b": 0.5, "c": 0.0}) == pytest.approx(0.8)
    assert weights.score({"a": 1.0, "b": 0.5, "c": 1.0}) == pytest.approx(0.4)


def test_explain_lists_the_features_that_count_with_their_effect() -> None:
    weights = Weights(
        {"a": Kind.ADD, "c": Kind.LOG, "d": Kind.LOG},
        {"a": 0.5, "c": math.log(0.5), "d": -1.0},
        {"a": "", "c": "", "d": ""},
    )
    rows = weights.explain({"a": 0.4, "c": 1.0, "d": 0.0})
    assert rows == [("a", 0.4, 0.5, "+0.200"), ("c", 1.0, math.log(0.5), "x0.50")]


def test_with_values_changes_only_the_given_weights() -> None:
    weights = Weights.load()
    other = weights.with_values({"superseded": 0.0})
    assert other.values["superseded"] == 0.0
    assert {n: v for n, v in other.values.items() if n != "superseded"} == {
        n: v for n, v in weights.values.items() if n != "superseded"
    }
