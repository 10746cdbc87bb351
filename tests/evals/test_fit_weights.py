"""Fitting the sentence weights: the held-out split, the search and the file it writes."""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from pathlib import Path

from assistant.compose.weights import WEIGHTS_FILE, Kind, Weights
from evals.fit_capture import Captured
from evals.fit_weights import _grid, batch, fit, held_out, write_weights


def case(path: str, category: str = "doses") -> Captured:
    return Captured("x", category, path, (re.compile("150 mg"),), (), None, 1, 0)


def test_held_out_questions_are_the_heldout_files_and_the_bedside_category() -> None:
    assert held_out(case("evals/golden/heldout2-doses.yaml"))
    assert held_out(case("evals/golden/bedside-management.yaml", "bedside management"))
    assert not held_out(case("evals/golden/doses.yaml"))
    assert batch(case("evals/golden/heldout2-doses.yaml")) == "heldout2"
    assert batch(case("evals/golden/heldout4-bedside.yaml", "bedside management")) == (
        "bedside management"
    )


WEIGHTS = Weights(
    {"useful": Kind.ADD, "useless": Kind.LOG, "harmful": Kind.LOG},
    {"useful": 0.5, "useless": -1.0, "harmful": -0.5},
    {"useful": "", "useless": "", "harmful": ""},
)


class Scripted:
    """Key facts as a known function of the weights: more for a larger 'useful' weight up to
    1.0, forbidden claims while 'harmful' is set, none won or lost by 'useless'."""

    def facts(self, cases: Sequence[Captured], weights: Weights) -> tuple[int, int, int]:
        stated = 10 + round(min(weights.values["useful"], 1.0) * 4)
        forbidden = 3 if weights.values["harmful"] != 0.0 else 0
        return stated, 20, forbidden


def test_the_search_keeps_gains_and_leaves_a_weight_that_earns_nothing() -> None:
    fitted = fit(Scripted(), [], WEIGHTS)
    assert fitted.values == {"useful": 1.25, "useless": -1.0, "harmful": 0.0}


def test_the_grid_scales_a_weight_and_tries_small_ones_for_a_zero_weight() -> None:
    assert _grid(WEIGHTS, "useful") == {0.0, 0.25, 0.5, 0.75, 1.25}
    assert 0.0 in _grid(WEIGHTS.with_values({"useful": 0.0}), "useful")


def test_writing_the_weights_keeps_the_comments_and_descriptions(tmp_path: Path) -> None:
    path = tmp_path / "weights.yaml"
    shutil.copy(WEIGHTS_FILE, path)
    weights = Weights.load(path)
    write_weights(weights.with_values({"superseded": -2.0}), path)
    text = path.read_text()
    assert Weights.load(path).values == {**weights.values, "superseded": -2.0}
    assert text.startswith("# The extractive generator's sentence score")
    assert "measures: 1 when the sentence comes from a superseded source" in text
