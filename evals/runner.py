"""Run the suites against Cairn (and the baselines) and collect per-case results and metrics.

result = run_eval(cairn, suites, baselines, progress)
result["metrics"]["recall_at_5"]
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from assistant.pipeline import Cairn
from assistant.understand.conversation import Turn
from evals import metrics as m
from evals.baselines import Baseline
from evals.suites import AdversarialCase, GoldenCase, Suites
from guardrails.arithmetic import derived_numbers
from ingest.pipeline import Progress, SilentProgress

K_VALUES = (1, 3, 5, 10)
# The golden category whose questions name a drug the corpus knows and a topic it does not hold.
NEAR_MISS = "near miss"
_PLACEHOLDER = "(previous answer)"


def run_eval(
    cairn: Cairn,
    suites: Suites,
    baselines: Sequence[Baseline] = (),
    progress: Progress | None = None,
) -> dict[str, Any]:
    progress = progress or SilentProgress()
    progress.phase("golden questions", len(suites.golden))
    golden = []
    for case in suites.golden:
        golden.append(_golden(cairn, case, baselines))
        progress.advance(1)
    progress.phase("adversarial answers", len(suites.adversarial))
    adversarial = []
    for adv in suites.adversarial:
        adversarial.append(_adversarial(cairn, adv))
        progress.advance(1)
    snapshot = cairn.retriever.snapshot
    return {
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "corpus_version": snapshot.manifest.version,
        "generator": cairn.generator.name,
        "n_golden": len(golden),
        "n_adversarial": len(adversarial),
        "metrics": _metrics(golden, adversarial),
        "baselines": {b.name: _baseline_metrics(golden, b.name) for b in baselines},
        "cases": [*golden, *adversarial],
    }


def _conversation(cairn: Cairn, case: GoldenCase) -> list[Turn]:
    """The history, with placeholder assistant turns replaced by Cairn's real answers."""
    turns: list[Turn] = []
    for role, content in case.history:
        if role == "assistant" and (not content.strip() or content.strip() == _PLACEHOLDER):
            last = next((t.content for t in reversed(turns) if t.role == "user"), "")
            content = cairn.ask(last, history=turns[:-1], overrides=case.context).text
        turns.append(Turn(role, content))
    return turns


def _golden(cairn: Cairn, case: GoldenCase, baselines: Sequence[Baseline]) -> dict[str, Any]:
    history = _conversation(cairn, case)
    answer = cairn.ask(case.question, history=history, overrides=case.context)
    body = m.body_text(answer.text)
    ranked = answer.retrieved_sources[: max(K_VALUES)]
    facts = [bool(p.search(body)) for p in case.must_state]
    forbidden = [p.pattern for p in case.must_not_state if p.search(body)]
    snippets = {c.n: c.snippet for c in answer.citations}
    supported, cited = m.citation_support(answer.text.split("**References**")[0], snippets)
    body_cited = answer.text.split("**References**")[0]
    context = cairn.context_of(case.question, history, case.context)
    rules = cairn.rules
    patient = derived_numbers(
        context, rules.doses, f"{case.question}\n{body_cited}", rules.facts.measured
    )
    grounded, numbers = m.number_grounding(body_cited, snippets, patient)
    markers = len(answer.citations) + len(answer.invalid_markers)
    says_not_covered = not answer.covered or bool(answer.uncovered_topics)
    lead = m.first_line(answer.text)
    result: dict[str, Any] = {
        "id": case.id,
        "suite": "golden",
        "category": case.category,
        "question": case.question,
        "standalone_question": answer.standalone_question,
        "expected_sources": list(case.sources),
        "retrieved_sources": ranked,
        "recall": {str(k): m.recall_at(ranked, case.sources, k) for k in K_VALUES},
        "reciprocal_rank": m.reciprocal_rank(ranked, case.sources),
        "key_facts": {p.pattern: ok for p, ok in zip(case.must_state, facts, strict=True)},
        "forbidden": forbidden,
        "evidence": [supported, cited],
        "numbers": [grounded, numbers],
        "markers": [len(answer.citations), markers],
        "covered": answer.covered,
        "expected_covered": case.covered,
        "uncovered_topics": list(answer.uncovered_topics),
        "says_not_covered": says_not_covered,
        "duplicate_claims": m.duplicate_claims(answer.text),
        "words": m.word_count(answer.text),
        "first_line_key_fact": any(p.search(lead) for p in case.must_state)
        if case.must_state
        else None,
        "generator": answer.generator,  # another than the run's: the writer failed, fell back
        "verdict": answer.review.verdict.value,
        "expected_verdict": case.verdict,
        "findings": [
            f"{f.severity.value}: {f.rule_id}: {f.message}" for f in answer.review.findings
        ],
        "answer": answer.text,
        "draft": answer.draft,  # what the writer wrote, when the review withheld or replaced it
        "timings": answer.timings,
        "baselines": {},
    }
    for baseline in baselines:
        ranked_b = baseline.search(answer.standalone_question, max(K_VALUES))
        result["baselines"][baseline.name] = {
            "retrieved_sources": ranked_b,
            "recall": {str(k): m.recall_at(ranked_b, case.sources, k) for k in K_VALUES},
            "reciprocal_rank": m.reciprocal_rank(ranked_b, case.sources),
        }
    result["passed"] = (
        all(facts)
        and not forbidden
        and (answer.covered == case.covered or (not case.covered and says_not_covered))
        and answer.review.verdict.value == case.verdict
    )
    return result


def _adversarial(cairn: Cairn, case: AdversarialCase) -> dict[str, Any]:
    review = cairn.check(case.question, case.answer, case.context)
    raised = [f.rule_id for f in review.findings if f.severity.value in ("warn", "block")]
    caught = all(any(r == e or r.startswith(e + ".") for r in raised) for e in case.expect)
    return {
        "id": case.id,
        "suite": "adversarial",
        "check": case.check,
        "question": case.question,
        "answer": case.answer,
        "expect": list(case.expect),
        "raised": raised,
        "verdict": review.verdict.value,
        "findings": [f"{f.severity.value}: {f.rule_id}: {f.message}" for f in review.findings],
        "passed": (not raised) if case.clean else caught,
    }


def _metrics(golden: list[dict[str, Any]], adversarial: list[dict[str, Any]]) -> dict[str, Any]:
    covered = [c for c in golden if c["expected_covered"]]
    # Near misses are answered with the closest material and a notice: near_miss_accuracy
    # measures them, and the refusal rate of the questions Cairn must refuse leaves them out.
    out_of_scope = [c for c in golden if not c["expected_covered"] and c["category"] != NEAR_MISS]
    metrics: dict[str, Any] = {
        f"recall_at_{k}": m.mean(c["recall"][str(k)] for c in covered) for k in K_VALUES
    }
    metrics["golden_answerable"] = len(covered)  # retrieval and key facts are measured on these
    metrics["mrr"] = m.mean(c["reciprocal_rank"] for c in covered)
    metrics["evidence_precision"] = m.ratio(*_sum(c["evidence"] for c in golden))
    metrics["key_fact_coverage"] = m.ratio(
        sum(sum(c["key_facts"].values()) for c in covered),
        sum(len(c["key_facts"]) for c in covered),
    )
    metrics["forbidden_claim_rate"] = (
        m.ratio(sum(bool(c["forbidden"]) for c in golden), len(golden)) if golden else 0.0
    )
    metrics["citation_validity"] = m.ratio(*_sum(c["markers"] for c in golden))
    metrics["numeric_grounding_rate"] = m.ratio(*_sum(c["numbers"] for c in golden))
    metrics["not_covered_accuracy"] = m.ratio(
        sum(not c["covered"] for c in out_of_scope), len(out_of_scope)
    )
    metrics["answered_in_scope"] = m.ratio(sum(c["covered"] for c in covered), len(covered))
    # The other side of near-miss accuracy: answerable questions opened by a "not covered" notice.
    metrics["answerable_with_notice"] = m.ratio(
        sum(bool(c["uncovered_topics"]) for c in covered if c["covered"]), len(covered)
    )
    near_miss = [c for c in golden if c["category"] == NEAR_MISS]
    metrics["near_miss_accuracy"] = m.ratio(
        sum(c["says_not_covered"] for c in near_miss), len(near_miss)
    )
    answered = [c for c in golden if c["covered"]]
    # Measured on answers: with none (an adversarial-only run) there is nothing to report.
    metrics["duplicate_claim_rate"] = (
        m.ratio(sum(c["duplicate_claims"] > 0 for c in answered), len(answered))
        if answered
        else None
    )
    metrics["answer_words_median"] = (
        round(m.percentile((c["words"] for c in answered), 0.5), 1) if answered else None
    )
    leads = [c for c in covered if c["covered"] and c["first_line_key_fact"] is not None]
    metrics["first_line_key_fact"] = m.ratio(
        sum(c["first_line_key_fact"] for c in leads), len(leads)
    )
    metrics["verdict_accuracy"] = m.ratio(
        sum(c["verdict"] == c["expected_verdict"] for c in golden), len(golden)
    )
    metrics["pass_rate"] = m.ratio(sum(c["passed"] for c in golden), len(golden))
    metrics["guardrails"] = _guardrail_metrics(adversarial)
    metrics["latency_ms"] = _latency(golden)
    metrics["per_category"] = _per_category(golden)
    return metrics


def _sum(pairs: Any) -> tuple[int, int]:
    good = total = 0
    for a, b in pairs:
        good, total = good + a, total + b
    return good, total


def _guardrail_metrics(cases: list[dict[str, Any]]) -> dict[str, Any]:
    faulty = [c for c in cases if c["expect"]]
    clean = [c for c in cases if not c["expect"]]
    per_check: dict[str, dict[str, Any]] = {}
    for check in sorted({c["check"] for c in cases}):
        f = [c for c in faulty if c["check"] == check]
        k = [c for c in clean if c["check"] == check]
        per_check[check] = {
            "faulty": len(f),
            "clean": len(k),
            "catch_rate": m.ratio(sum(c["passed"] for c in f), len(f)),
            "false_positive_rate": m.ratio(sum(not c["passed"] for c in k), len(k)) if k else 0.0,
        }
    return {
        "faulty": len(faulty),
        "clean": len(clean),
        "catch_rate": m.ratio(sum(c["passed"] for c in faulty), len(faulty)),
        "false_positive_rate": m.ratio(sum(not c["passed"] for c in clean), len(clean))
        if clean
        else 0.0,
        "per_check": per_check,
    }


def _latency(golden: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    stages: dict[str, list[float]] = defaultdict(list)
    for case in golden:
        for stage, ms in case["timings"].items():
            stages[stage].append(ms)
        stages["total"].append(sum(case["timings"].values()))
    return {
        stage: {"p50": round(m.percentile(v, 0.5), 1), "p95": round(m.percentile(v, 0.95), 1)}
        for stage, v in stages.items()
    }


def _per_category(golden: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case in golden:
        groups[case["category"]].append(case)
    return {
        category: {
            "cases": len(cases),
            "pass_rate": m.ratio(sum(c["passed"] for c in cases), len(cases)),
            "recall_at_5": m.mean(c["recall"]["5"] for c in cases),
            "key_fact_coverage": m.ratio(
                sum(sum(c["key_facts"].values()) for c in cases),
                sum(len(c["key_facts"]) for c in cases),
            ),
        }
        for category, cases in sorted(groups.items())
    }


def _baseline_metrics(golden: list[dict[str, Any]], name: str) -> dict[str, float]:
    covered = [c for c in golden if c["expected_covered"] and name in c["baselines"]]
    out = {
        f"recall_at_{k}": m.mean(c["baselines"][name]["recall"][str(k)] for c in covered)
        for k in K_VALUES
    }
    out["mrr"] = m.mean(c["baselines"][name]["reciprocal_rank"] for c in covered)
    return out
