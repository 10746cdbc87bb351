"""The `--faults` options of `cairn bench` (evals/cli.py): the chaos run of evals/chaos.py.

cairn bench --faults [--users 1,4,16,32,64] [--questions N] [--points P,...] [--damage D,...]
                     [--modes rebuild,incremental] [--question Q] [--workdir DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from assistant.render.progress import TerminalProgress
from assistant.settings import load_settings
from guardrails.errors import CairnError

EVALS_DIR = Path(__file__).resolve().parent


def configure_faults(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("chaos run (--faults)")
    group.add_argument(
        "--faults",
        action="store_true",
        help="kill and damage matrix and load run on scratch copies; exit 1 on any loss",
    )
    group.add_argument("--users", default="1,4,16,32,64", help="load levels; '' skips the load")
    group.add_argument("--questions", type=int, default=2, help="questions per user and level")
    group.add_argument("--points", help="fault points (default: all); '' skips the kill matrix")
    group.add_argument("--modes", default="rebuild,incremental", help="ingest modes killed")
    group.add_argument("--damage", help="damage cases (default: all); '' skips them")
    group.add_argument("--question", help="the question asked after kills and repairs")
    group.add_argument("--timeout", type=float, default=600.0, help="seconds per load request")
    group.add_argument("--workdir", type=Path, help="keep the scratch folders here")


def run_faults(args: argparse.Namespace) -> int:
    from evals.chaos import ChaosPlan, run_chaos
    from evals.chaos_report import markdown
    from evals.damage import DAMAGE
    from evals.faults import FAULT_POINTS

    settings = load_settings()
    corpus = settings.corpus.corpus_dir
    question, golden = _questions(corpus)
    seed = None if settings.index.chroma_url else settings.index.index_dir
    plan = ChaosPlan(
        corpus=corpus,
        question=args.question or question,
        load_questions=golden,
        points=_names(args.points, tuple(FAULT_POINTS)),
        modes=_names(args.modes, ()),
        damage=_names(args.damage, tuple(DAMAGE)),
        users=_numbers(args.users),
        per_user=args.questions,
        timeout_s=args.timeout,
        seed_index=seed,
    )
    progress = TerminalProgress()
    if args.workdir is not None:
        result = run_chaos(plan, args.workdir, progress)
    else:
        with tempfile.TemporaryDirectory(prefix="cairn-chaos-") as scratch:
            result = run_chaos(plan, Path(scratch), progress)
    progress.close()
    if args.json:
        print(json.dumps(result.as_dict(), indent=1, default=str))
    else:
        print("\n".join(markdown(result)))
    if not result.passed and args.workdir is None:
        print("Run again with --workdir DIR to keep the scratch folders.", file=sys.stderr)
    return 0 if result.passed else 1


def _names(given: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    if given is None:
        return default
    return tuple(name.strip() for name in given.split(",") if name.strip())


def _numbers(given: str) -> tuple[int, ...]:
    try:
        return tuple(int(n) for n in _names(given, ()))
    except ValueError:
        raise CairnError(f"--users {given!r} is not a list of numbers.", "Give 1,4,16.") from None


def _questions(corpus: Path) -> tuple[str, list[str]]:
    """The corpus's first example question and the golden questions (covered, one turn)."""
    from evals.suites import load_suites
    from ingest.corpus_info import CorpusInfo

    golden = [c.question for c in load_suites(EVALS_DIR).golden if c.covered and not c.history]
    examples = CorpusInfo.load(corpus / "corpus.yaml").examples
    if not golden and not examples:
        raise CairnError(
            "No question to ask: no golden case and no example in corpus.yaml.",
            "Give one with --question.",
        )
    return (examples or golden)[0], golden or list(examples)
