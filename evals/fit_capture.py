"""The golden questions asked once through the pipeline, with the generation request each
answer was written from: what `evals/fit_weights.py` re-composes under other weights.

    cases = capture(cairn)  # one Captured per golden question
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.compose.base import GenerationRequest
from assistant.compose.explain import RecordingGenerator
from assistant.pipeline import Cairn
from evals.cli import EVALS_DIR
from evals.metrics import body_text
from evals.runner import _conversation
from evals.suites import load_suites
from guardrails.records import Verdict


@dataclass(frozen=True)
class Captured:
    """A golden question, its key facts, and the request its answer was composed from (None
    when the answer did not come from the extractive sentences: not covered or blocked; then
    `real` is the key facts it stated, whatever the weights)."""

    id: str
    category: str
    path: str
    must_state: tuple[re.Pattern[str], ...]
    must_not_state: tuple[re.Pattern[str], ...]
    request: GenerationRequest | None
    real: int  # key facts the pipeline's answer stated
    real_forbidden: int  # forbidden claims it made


def capture(cairn: Cairn) -> list[Captured]:
    """Ask every golden question as the eval runner does (histories answered by Cairn)."""
    recorder = RecordingGenerator(cairn.extractive)
    cairn.generators[cairn.default] = recorder
    cases = []
    golden = load_suites(EVALS_DIR).golden
    for i, case in enumerate(golden, start=1):
        history = _conversation(cairn, case)
        recorder.requests.clear()
        answer = cairn.ask(case.question, history=history, overrides=case.context)
        body = body_text(answer.text)
        real = sum(1 for p in case.must_state if p.search(body))
        forbidden = sum(1 for p in case.must_not_state if p.search(body))
        composed = answer.covered and answer.review.verdict is not Verdict.BLOCK
        request = recorder.requests[-1] if composed and recorder.requests else None
        cases.append(
            Captured(
                case.id,
                case.category,
                case.path,
                case.must_state,
                case.must_not_state,
                request,
                real,
                forbidden,
            )
        )
        if i % 25 == 0:
            print(f"  asked {i} of {len(golden)}", flush=True)
    return cases
