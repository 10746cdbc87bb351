"""The core sub-commands: ingest, sources, corpus check, ask and check."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.cli import Command
from assistant.settings import Settings, load_settings
from guardrails.errors import CairnError
from guardrails.records import Verdict

if TYPE_CHECKING:
    from assistant.compose.explain import RecordingGenerator
    from assistant.pipeline import Cairn


def _settings() -> Settings:
    return load_settings()


# ingest ---------------------------------------------------------------------------------------


def _configure_ingest(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, help="files to add or update (default: all)")
    parser.add_argument("--rebuild", action="store_true", help="re-embed everything")
    parser.add_argument(
        "--eval",
        action="store_true",
        help="run every suite afterwards and compare with the last run",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def _run_ingest(args: argparse.Namespace) -> int:
    from assistant.indexing import ingest

    settings = _settings()
    report = ingest(settings, args.paths or None, rebuild=args.rebuild)
    if args.json:
        print(json.dumps(report.__dict__, indent=1))
    else:
        print(report.summary())
        for label, ids in (
            ("added", report.added),
            ("updated", report.updated),
            ("removed", report.removed),
        ):
            if ids:
                print(f"  {label}: {', '.join(ids)}")
    if args.eval:
        from assistant.cli import main

        return main(["eval", "--compare-last"])
    return 0


# sources --------------------------------------------------------------------------------------


def _configure_sources(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def _run_sources(args: argparse.Namespace) -> int:
    from assistant.indexing import index_location
    from ingest.index import open_index
    from ingest.integrity import verify
    from ingest.store import IndexMissing, load_snapshot, read_manifest

    settings = _settings()
    if read_manifest(settings.index.index_dir) is None:
        raise IndexMissing("No index found.", "Run `cairn ingest` first.")
    manifest = load_snapshot(settings.index.index_dir).manifest  # a damaged one names the fix
    verify(open_index(index_location(settings)), manifest)
    rows = [
        {
            **s.source.model_dump(
                mode="json",
                include={
                    "id",
                    "title",
                    "kind",
                    "year",
                    "status",
                    "last_reviewed",
                    "superseded_by",
                    "path",
                },
            ),
            "chunks": len(s.chunk_ids),
        }
        for s in manifest.sources
    ]
    if args.json:
        print(json.dumps({"version": manifest.version, "sources": rows}, indent=1))
        return 0
    print(
        f"Corpus version {manifest.version}, {len(rows)} sources, "
        f"evidence as of {manifest.evidence_as_of}"
    )
    for row in rows:
        status = "" if row["status"] == "current" else f"  [superseded by {row['superseded_by']}]"
        print(
            f"  {row['id']:<42} {row['kind']:<10} {row['year']}  {row['chunks']:>3} chunks{status}"
        )
    return 0


# corpus check ---------------------------------------------------------------------------------


def _configure_corpus(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["check"], help="check: validate sources and rules")
    parser.add_argument("--corpus", type=Path, help="corpus folder (default: settings)")
    parser.add_argument(
        "--coverage", action="store_true", help="print the coverage map; fail on an empty cell"
    )


def _run_corpus(args: argparse.Namespace) -> int:
    from assistant.indexing import source_limits
    from ingest.corpus_check import check_corpus, check_coverage

    settings = _settings()
    folder = args.corpus or settings.corpus.corpus_dir
    problems, summary = check_corpus(folder, source_limits(settings))
    if args.coverage and not problems:
        lines, missing = check_coverage(folder)
        print("\n".join(lines))
        problems += missing
    if problems:
        print(f"cairn: the corpus at {folder} has {len(problems)} problem(s):", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"Corpus at {folder} is valid: {summary}.")
    return 0


# ask ------------------------------------------------------------------------------------------


def _configure_ask(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", help="a clinical question")
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--json", action="store_true", help="print the Answer record as JSON")
    shown.add_argument(
        "--explain",
        action="store_true",
        help="after the answer, show each chosen sentence's features, weights and score, and "
        "the best sentences left out",
    )
    parser.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="K=V",
        help="a patient fact: an id of rules/facts.yaml and its value (repeatable)",
    )
    parser.add_argument("--history", type=Path, help='JSON list of {"role", "content"} turns')
    parser.add_argument("--generator", help="extractive, openai or llamacpp (default: settings)")


def _run_ask(args: argparse.Namespace) -> int:
    from assistant.audit import AuditLog
    from assistant.pipeline import Final, Restart, Token
    from assistant.render.terminal import LiveDraft, print_answer
    from assistant.session import open_cairn, read_history

    settings = _settings()
    cairn = open_cairn(settings)
    history = read_history(args.history) if args.history else []
    overrides = _pairs(args.context)
    live = LiveDraft(sys.stdout) if sys.stdout.isatty() and not args.json else None
    recorder = _recording(cairn, args.generator) if args.explain else None
    answer = None
    for event in cairn.stream(args.question, history, overrides, generator=args.generator):
        if isinstance(event, Token) and live is not None:
            live.write(event.text)
        elif isinstance(event, Restart) and live is not None:
            live.erase()
        elif isinstance(event, Final):
            answer = event.answer
    assert answer is not None
    if live is not None:
        live.erase()
    AuditLog(settings.audit_path, settings.audit.audit_enabled).record(answer, "cli")
    if args.json:
        print(answer.model_dump_json(indent=1))
    else:
        print_answer(answer, sys.stdout)
    if recorder is not None:
        from assistant.compose.explain import explanation

        print(f"\n{explanation(recorder, cairn.extractive, cairn.extractive.scorer.weights)}")
    return 0


def _recording(cairn: Cairn, name: str | None) -> RecordingGenerator | None:
    """Put a recorder around the generator that will write the answer (--explain)."""
    from assistant.compose.explain import RecordingGenerator

    name = name or cairn.default
    if name not in cairn.generators:
        return None  # the pipeline names the generators available
    recorder = RecordingGenerator(cairn.generators[name])
    cairn.generators[name] = recorder
    return recorder


# check ----------------------------------------------------------------------------------------


def _configure_check(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--question", required=True, help="the question the answer replies to")
    parser.add_argument("--answer", required=True, type=Path, help="a file with the answer text")
    parser.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="K=V",
        help="a patient fact: an id of rules/facts.yaml and its value (repeatable)",
    )
    parser.add_argument("--json", action="store_true", help="print the Review as JSON")


def _run_check(args: argparse.Namespace) -> int:
    from assistant.render.terminal import print_review
    from assistant.session import check_answer

    if not args.answer.is_file():
        raise CairnError(
            f"The answer file {args.answer} does not exist.", "Give the path of a text file."
        )
    text = args.answer.read_text(encoding="utf-8")
    verdict = check_answer(_settings(), args.question, text, _pairs(args.context))
    if args.json:
        print(verdict.model_dump_json(indent=1))
    else:
        print_review(verdict, sys.stdout)
    return 1 if verdict.verdict is Verdict.BLOCK else 0  # a blocking finding fails a script


def _pairs(items: list[str]) -> dict[str, str]:
    pairs = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise CairnError(
                f"'{item}' is not K=V.",
                "Write patient facts like --context KEY=VALUE, a fact id of rules/facts.yaml "
                "and its value.",
            )
        pairs[key.strip()] = value.strip()
    return pairs


COMMANDS = [
    Command(
        "ingest",
        "index corpus/sources (default) or the given files",
        _configure_ingest,
        _run_ingest,
    ),
    Command(
        "sources", "list indexed sources with version and status", _configure_sources, _run_sources
    ),
    Command(
        "corpus",
        "validate sources and rules (`cairn corpus check`)",
        _configure_corpus,
        _run_corpus,
    ),
    Command("ask", "answer a clinical question with citations", _configure_ask, _run_ask),
    Command("check", "review any answer text against the rules", _configure_check, _run_check),
]
