"""`cairn eval` and `cairn bench`, registered through the `cairn.commands` entry points.

cairn eval [SUITE ...] [--json] [--report DIR] [--compare PREVIOUS.json] [--gate] [--every K]
cairn eval mutations | redaction [--json] [--gate]
cairn bench [--json] [--scale 10000,100000]
cairn bench --faults [--users 1,4,16,32,64] [--questions N] [--json]   (evals/chaos_cli.py)
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from assistant.cli import Command
from assistant.render.progress import TerminalProgress
from assistant.settings import load_settings
from evals.chaos_cli import configure_faults, run_faults

EVALS_DIR = Path(__file__).resolve().parent


def _configure_eval(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("suites", nargs="*", help="golden, adversarial, a category or a file stem")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.add_argument("--report", type=Path, metavar="DIR", help="write Markdown + HTML here")
    parser.add_argument("--compare", type=Path, metavar="PREVIOUS.json", help="list what changed")
    parser.add_argument("--compare-last", action="store_true", help="compare with the last run")
    parser.add_argument("--gate", action="store_true", help="exit 1 below the gate thresholds")
    parser.add_argument("--no-baselines", action="store_true", help="skip the baselines")
    parser.add_argument("--tolerance", type=float, help="regression tolerance for --compare")
    parser.add_argument(
        "--size", type=int, default=0, help="mutations: sample this many cases (0: all of them)"
    )
    parser.add_argument("--seed", type=int, default=7, help="mutations: the sampling seed")
    parser.add_argument(
        "--every",
        type=int,
        default=1,
        metavar="K",
        help="golden: every K-th question of each category (a sample for a slow generator)",
    )


def _run_mutations(args: argparse.Namespace) -> int:
    """`cairn eval mutations`: generated faults and clean variants through the review, with the
    gate's mutation targets (no index needed)."""
    from evals.gate import Gate, mutation_failures
    from evals.mutations import generate, run_mutations, table_lines
    from guardrails.rules import RuleBook
    from ingest.sources import discover, load_sources

    settings = load_settings()
    rules = RuleBook.load(settings.corpus.rules_dir)
    sources, _ = load_sources(discover([settings.corpus.sources_dir]))
    cases = generate(rules, sources, seed=args.seed, size=args.size)
    summary = run_mutations(cases, rules).as_dict()
    failures = mutation_failures(summary, Gate.load(EVALS_DIR / "gate.yaml"))
    summary["gate"] = {"passed": not failures, "failures": failures}
    if args.json:
        print(json.dumps(summary, indent=1))
    else:
        print("\n".join(table_lines(summary)))
        for missed in summary["missed"][:10]:
            print(f"  MISSED [{missed['operator']}]: {missed['text']}")
        for flagged in summary["false_positives"][:10]:
            print(
                f"  FALSE POSITIVE [{flagged['operator']}]: {flagged['text']} "
                f"-> {flagged['raised']}"
            )
        for failure in failures:
            print(f"  GATE: {failure}")
    return 1 if failures and args.gate else 0


def _run_redaction(args: argparse.Namespace) -> int:
    """`cairn eval redaction`: the audit log's redaction on evals/redaction/*.yaml, with the
    gate's redaction floors (no index needed)."""
    from assistant.understand.redaction import redact
    from evals.gate import Gate, redaction_failures
    from evals.redaction import evaluate, load_redaction_suites

    results = {name: evaluate(redact, s) for name, s in load_redaction_suites().items()}
    summary = {name: result.as_dict() for name, result in results.items()}
    failures = redaction_failures(summary, Gate.load(EVALS_DIR / "gate.yaml"))
    if args.json:
        print(json.dumps({"suites": summary, "gate": {"failures": failures}}, indent=1))
    else:
        for name, result in results.items():
            print(f"Redaction, {name}:")
            print("\n".join(result.table_lines()))
            for miss in result.misses:
                print(f"  MISSED [{miss.kind}] {miss.identifier!r}: {miss.redacted}")
            for case_id, redacted in result.false_redactions:
                print(f"  FALSE REDACTION [{case_id}]: {redacted}")
        for failure in failures:
            print(f"  GATE: {failure}")
    return 1 if failures and args.gate else 0


def _run_eval(args: argparse.Namespace) -> int:
    if args.suites == ["mutations"]:
        return _run_mutations(args)
    if args.suites == ["redaction"]:
        return _run_redaction(args)
    from assistant.session import open_cairn
    from evals.baselines import Baseline, Bm25Only, NaiveRag
    from evals.gate import Gate, below_targets, compare, gate_failures
    from evals.report import metrics_table, write_report
    from evals.runner import run_eval
    from evals.suites import load_suites

    settings = load_settings()
    cairn = open_cairn(settings)
    source_ids = set(cairn.retriever.snapshot.sources)
    suites = load_suites(EVALS_DIR, source_ids, cairn.rules.facts)
    suites = suites.select(args.suites).every(args.every)
    progress = TerminalProgress()
    with tempfile.TemporaryDirectory(prefix="cairn-naive-") as scratch:
        baselines: list[Baseline] = []
        if not args.no_baselines and suites.golden:
            progress.phase("building baselines", 1)
            baselines = [
                NaiveRag.build(settings.corpus.sources_dir, Path(scratch)),
                Bm25Only.build(settings.corpus.sources_dir),
            ]
            progress.advance(1)
        result = run_eval(cairn, suites, baselines, progress)
    progress.close()

    last = settings.index.data_dir / "reports" / "last.json"
    previous_path = args.compare or (last if args.compare_last else None)
    gate = Gate.load(EVALS_DIR / "gate.yaml")
    status = 0
    lines: list[str] = []
    if previous_path is not None:
        if not previous_path.is_file():
            lines.append(f"No previous result at {previous_path}; nothing to compare.")
        else:
            previous = json.loads(previous_path.read_text(encoding="utf-8"))
            tolerance = args.tolerance if args.tolerance is not None else gate.tolerance
            changes, regressions = compare(previous, result, tolerance)
            result["comparison"] = {
                "previous": str(previous_path),
                "changes": changes,
                "regressions": regressions,
            }
            lines.append(f"Compared with {previous_path}: {len(changes)} case(s) changed.")
            lines.extend(f"  {c}" for c in changes)
            lines.extend(f"  REGRESSION: {r}" for r in regressions)
            status = 1 if regressions else status
    if args.gate:
        failures = gate_failures(result, gate)
        short = below_targets(result, gate)
        result["gate"] = {"passed": not failures, "failures": failures, "below_targets": short}
        lines.extend(f"  GATE: {f}" for f in failures)
        lines.extend(f"  TARGET (not enforced): {s}" for s in short)
        status = 1 if failures else status
    last.parent.mkdir(parents=True, exist_ok=True)
    last.write_text(json.dumps(result, indent=1), encoding="utf-8")
    if args.report:
        page = write_report(result, args.report)
        lines.append(f"Report written to {page}")
    if args.json:
        print(json.dumps(_summary(result), indent=1))
        for line in lines:
            print(line, file=sys.stderr)
    else:
        _print_table(result, metrics_table(result))
        for line in lines:
            print(line)
    return status


def _summary(result: dict[str, Any]) -> dict[str, Any]:
    """The JSON printed by --json: everything but the long per-case answers."""
    cases = [
        {k: v for k, v in c.items() if k not in ("answer", "draft", "findings")}
        for c in result["cases"]
    ]
    return {**result, "cases": cases}


def _print_table(result: dict[str, Any], table: list[tuple[str, str, str, str]]) -> None:
    print(f"Cairn evaluation: {result['n_golden']} golden, {result['n_adversarial']} adversarial "
          f"(corpus {result['corpus_version']}, generator {result['generator']})")  # fmt: skip
    print(f"  {'metric':<32} {'Cairn':>8} {'naive':>8} {'BM25':>8}")
    for metric, cairn, naive, bm25 in table:
        print(f"  {metric:<32} {cairn:>8} {naive:>8} {bm25:>8}")
    latency = result["metrics"]["latency_ms"].get("total")
    if latency:
        print(f"  latency total p50 {latency['p50']} ms, p95 {latency['p95']} ms")
    failing = [c["id"] for c in result["cases"] if not c["passed"]]
    print(f"  failing: {', '.join(failing) if failing else 'none'}")


def _configure_bench(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--scale", default="10000,100000", help="synthetic corpus sizes (chunks); '' skips"
    )
    configure_faults(parser)


def _run_bench(args: argparse.Namespace) -> int:
    if args.faults:
        return run_faults(args)
    from evals.bench import run_bench

    result = run_bench(
        load_settings(), EVALS_DIR, [int(s) for s in args.scale.split(",") if s.strip()]
    )
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0


EVAL_COMMAND = Command("eval", "run the golden and adversarial suites", _configure_eval, _run_eval)
BENCH_COMMAND = Command("bench", "measure throughput and latency", _configure_bench, _run_bench)
