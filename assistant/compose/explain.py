"""Why the extractive generator chose its sentences: `cairn ask --explain`.

    recorder = RecordingGenerator(cairn.generators["extractive"])
    ...  # the pipeline writes the answer through the recorder
    print(explanation(recorder, cairn.extractive, cairn.extractive.scorer.weights))

For each chosen sentence and the best few left out (with the reason), the feature values, their
weights and the score they make (`weights.yaml`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from typing import Protocol

from assistant.compose.base import GenerationRequest, Generator
from assistant.compose.scoring import Candidate, Selection
from assistant.compose.weights import WEIGHTS_FILE, Weights

REJECTED_SHOWN = 3
_WIDTH = 96


class Extractive(Protocol):
    def selection(self, request: GenerationRequest) -> Selection: ...


class RecordingGenerator:
    """A generator that notes each request it is given and lets another write the answer."""

    def __init__(self, inner: Generator) -> None:
        self.inner = inner
        self.name = inner.name
        self.requests: list[GenerationRequest] = []

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        self.requests.append(request)
        return self.inner.stream(request)


def explain_text(selection: Selection, weights: Weights, rejected: int = REJECTED_SHOWN) -> str:
    """The chosen sentences and the best `rejected` ones left out, each with its features."""
    lines = [
        "Why these sentences: score = (sum of the + terms) x (the x factors); weights in "
        f"{WEIGHTS_FILE.name}",
        "",
        "Chosen:",
    ]
    for i, candidate in enumerate(selection.chosen, start=1):
        lines += _entry(i, candidate, weights)
    if not selection.chosen:
        lines.append("  (none: no candidate sentence)")
    if selection.facets:
        lines += ["", "Dose sentences of the drugs (scored for their own query):"]
        for i, candidate in enumerate(selection.facets, start=1):
            lines += _entry(i, candidate, weights)
    lines += ["", "Best left out:"]
    for i, (candidate, reason) in enumerate(selection.rejected[:rejected], start=1):
        lines += _entry(i, candidate, weights, reason)
    if not selection.rejected:
        lines.append("  (none)")
    return "\n".join(lines)


def _entry(i: int, candidate: Candidate, weights: Weights, reason: str = "") -> list[str]:
    source = candidate.evidence.source.id
    section = candidate.evidence.chunk.section
    head = f"{i}. score {candidate.score:.3f}  {source} § {section}"
    if reason:
        head += f"  (left out: {reason})"
    quote = textwrap.shorten(candidate.text, _WIDTH - 5, placeholder=" ...")
    rows = [f"  {head}", f'     "{quote}"']
    for name, value, weight, effect in weights.explain(candidate.features):
        rows.append(f"       {name:<24} {value:5.2f}  weight {weight:+7.3f}  {effect}")
    return rows


def explanation(recorder: RecordingGenerator, selection_of: Extractive, weights: Weights) -> str:
    """The explanation of the last answer written through `recorder`."""
    if not recorder.requests:
        return "No sentences to explain: the answer was not composed from the passages."
    text = explain_text(selection_of.selection(recorder.requests[-1]), weights)
    if recorder.name != "extractive":
        text = (
            f"(The answer was written by {recorder.name}; the extractive choice follows.)\n{text}"
        )
    return text
