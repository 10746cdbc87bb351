"""`cairn ask --explain`'s text: each sentence with its features, weights and score."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from assistant.compose.base import GenerationRequest
from assistant.compose.explain import RecordingGenerator, explain_text, explanation
from assistant.compose.scoring import Candidate, Selection
from assistant.compose.weights import Kind, Weights
from tests.assistant.reading import read
from tests.evidence import make_evidence

WEIGHTS = Weights(
    {"query_overlap": Kind.ADD, "superseded": Kind.LOG},
    {"query_overlap": 1.0, "superseded": math.log(0.3)},
    {"query_overlap": "", "superseded": ""},
)


def candidate(text: str, overlap: float, old: float, source: str = "guide") -> Candidate:
    record = {"query_overlap": overlap, "superseded": old}
    evidence = make_evidence(source, text, n=1, section="Summary")
    return Candidate(text, evidence, frozenset(), frozenset(), WEIGHTS.score(record), record)


def test_each_sentence_shows_its_own_features_and_the_reason_it_was_left_out() -> None:
    chosen = candidate("The current guideline recommends zorbatinib.", 0.8, 0.0)
    old = candidate("The old guideline recommended velmab.", 0.9, 1.0, "old-guide")
    text = explain_text(Selection([chosen], [(old, "under half the best score")]), WEIGHTS)
    head, left_out = text.split("Best left out:")
    assert "score 0.800  guide § Summary" in head and "recommends zorbatinib" in head
    assert "query_overlap" in head and "superseded" not in head
    assert "score 0.270  old-guide § Summary  (left out: under half the best score)" in left_out
    assert re.search(r"superseded +1.00  weight  -1.204  x0.30", left_out)


def test_only_the_best_rejected_sentences_are_shown() -> None:
    rejected = [
        (candidate(f"Sentence number {i} of the passage.", 0.1, 0.0), "r") for i in range(5)
    ]
    text = explain_text(Selection([], rejected), WEIGHTS, rejected=2)
    assert "(none: no candidate sentence)" in text
    assert "number 1" in text and "number 2" not in text


class Fixed:
    name = "extractive"

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        yield "answer"


class Chooser:
    def selection(self, request: GenerationRequest) -> Selection:
        return Selection([candidate(request.question, 1.0, 0.0)], [])


def test_the_explanation_is_of_the_request_the_recorder_saw() -> None:
    recorder = RecordingGenerator(Fixed())
    assert explanation(recorder, Chooser(), WEIGHTS).startswith("No sentences to explain")
    request = GenerationRequest(read("Which drug does the guideline recommend?"), [])
    assert "".join(recorder.stream(request)) == "answer"
    assert "Which drug does the guideline recommend?" in explanation(recorder, Chooser(), WEIGHTS)
