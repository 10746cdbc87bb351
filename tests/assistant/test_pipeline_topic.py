"""Topic fidelity through the whole question path, on the fictional corpus: a question about a
drug the corpus knows and a topic it does not hold gets the closest material, opened by what
the sources do not cover."""

from __future__ import annotations

import pytest

from assistant.pipeline import Cairn

pytestmark = pytest.mark.integration


def test_an_uncovered_topic_opens_the_answer_and_the_closest_material_follows(
    mini_cairn: Cairn,
) -> None:
    answer = mini_cairn.ask("Zorbix reconstituted vial: how long can it stay in the fridge?")
    assert answer.covered
    assert {"reconstituted", "fridge"} <= set(answer.uncovered_topics)
    first = answer.text.splitlines()[0]
    assert first.startswith("**The sources do not cover reconstituted")
    assert first.endswith("for zorbatinib; closest material:**")
    assert answer.citations  # the closest material, cited
    assert not [f for f in answer.review.findings if f.rule_id == "grounding.uncited"]


def test_a_covered_topic_gets_no_notice(mini_cairn: Cairn) -> None:
    answer = mini_cairn.ask("What are the zorbatinib dose reductions?")
    assert answer.covered and answer.uncovered_topics == []
    assert "do not cover" not in answer.text
