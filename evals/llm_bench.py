"""The local language model on the golden questions: time to first token, tokens a second, the
prompt size in tokens, and what the guardrails made of its answers (pass / warn / block).

    figures = llm_bench(cairn, questions)  # None when no local model is installed
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from assistant.compose.llm import LlamaCppBackend, LlmGenerator
from assistant.events import Final, Token
from assistant.pipeline import Cairn
from evals.metrics import percentile

LLM_QUESTIONS = 12  # about 5-10 s each on 2 cores
_EXAMPLES = 6


def llm_bench(cairn: Cairn, questions: list[str], n: int = LLM_QUESTIONS) -> dict[str, Any] | None:
    writer = cairn.generators.get("llamacpp")
    if not isinstance(writer, LlmGenerator) or not isinstance(writer.backend, LlamaCppBackend):
        return None
    ttft, rates, prompt_tokens = [], [], []
    verdicts: Counter[str] = Counter()
    fallbacks = 0
    caught: list[dict[str, str]] = []
    for question in questions[:n]:
        started = time.perf_counter()
        first = last = 0.0
        pieces = 0
        answer = None
        for event in cairn.stream(question, generator="llamacpp"):
            if isinstance(event, Token):
                last = time.perf_counter()
                first = first or last
                pieces += 1
            elif isinstance(event, Final):
                answer = event.answer
        if answer is None or answer.generator != "llamacpp":
            fallbacks += 1
            continue
        ttft.append((first - started) * 1000)
        if pieces > 1 and last > first:
            rates.append((pieces - 1) / (last - first))
        prompt_tokens.append(_prompt_tokens(writer))
        verdict = answer.review.verdict.value
        verdicts[verdict] += 1
        seen = {(c["question"], c["rule_id"]) for c in caught}
        for finding in answer.review.findings:
            if (question, finding.rule_id) in seen:
                continue  # one example of each kind of finding per answer
            seen.add((question, finding.rule_id))
            if finding.severity.value in ("warn", "block") and len(caught) < _EXAMPLES:
                caught.append(
                    {
                        "question": question,
                        "rule_id": finding.rule_id,
                        "verdict": verdict,
                        "message": finding.message[:160],
                    }
                )
    answered = sum(verdicts.values())
    return {
        "model": str(writer.backend.model_path.name),
        "questions": n,
        "fallbacks": fallbacks,
        "ttft_p50_ms": round(percentile(ttft, 0.5), 1),
        "ttft_p95_ms": round(percentile(ttft, 0.95), 1),
        "tokens_per_s": round(percentile(rates, 0.5), 1),
        "prompt_tokens_p50": round(percentile(prompt_tokens, 0.5)),
        "verdict_share": {
            v: round(verdicts[v] / answered, 3) if answered else 0.0
            for v in ("pass", "warn", "block")
        },
        "caught": caught,
    }


def _prompt_tokens(writer: LlmGenerator) -> float:
    """Tokens of the last prompt, as the model counts them (the chat template adds a few)."""
    assert isinstance(writer.backend, LlamaCppBackend)
    llama = writer.backend._load()
    text = "\n".join(content for _, content in writer.last_messages)
    return float(len(llama.tokenize(text.encode("utf-8"), add_bos=False)))
