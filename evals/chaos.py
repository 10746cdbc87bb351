"""`cairn bench --faults`: the kill matrix, the damage matrix and the load run, on scratch copies
of the corpus and scratch data folders (never the configured index).

    plan = ChaosPlan(corpus=Path("corpus"), question="T-DXd dose?", load_questions=[...])
    result = run_chaos(plan, Path("/tmp/chaos"))
    print("\\n".join(markdown(result)))      # evals/chaos_report.py

1. Kill matrix: `cairn ingest --rebuild` (same corpus) and `cairn ingest` (a changed corpus:
   one generated source edited, one removed, one added) killed with SIGKILL at every named point
   of `evals.faults.INGEST_FAULTS`. Survived: the kill came at that point, the index then
   answers the known question from the version the point implies (old before the commit, new
   after it) with the sources a clean build of that version cites, and the next `cairn ingest`
   leaves exactly what a clean build leaves (version, passages, vectors, one snapshot).
2. Damage matrix: each `evals.damage.DAMAGE` case on a copy of an index of more than 1000
   vectors. Recovered: `cairn ask` fails with one line naming `cairn ingest`, and one
   `cairn ingest --rebuild` brings back the answer of the undamaged index.
3. Load run (evals/load.py) against the real app over an index of the real encoder.

The matrices' cases are in evals/chaos_matrix.py; this module plans the run, runs the cases on
`workers` threads while the load run's index is built, and counts. The matrices use the
stand-in encoder (evals/faults.py): a rebuild of the real corpus with the real encoder takes
minutes on two cores, and they are about files and processes.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from evals.chaos_matrix import (
    MODES,
    CaseResult,
    damage_base,
    damage_case,
    kill_bases,
    kill_case,
)
from evals.damage import DAMAGE
from evals.faults import FAULT_POINTS, ROOT, cairn_command, tail
from evals.load import LoadLevel, run_load, served
from guardrails.errors import CairnError
from ingest.pipeline import Progress, SilentProgress
from ingest.store import MANIFEST


@dataclass(frozen=True)
class ChaosPlan:
    """What one chaos run covers; the defaults are the full run of `make chaos`."""

    corpus: Path
    question: str  # asked after every kill and repair; a clean build must cite sources for it
    load_questions: list[str]
    points: tuple[str, ...] = tuple(FAULT_POINTS)
    modes: tuple[str, ...] = MODES
    damage: tuple[str, ...] = tuple(DAMAGE)
    users: tuple[int, ...] = (1, 4, 16, 32, 64)
    per_user: int = 2
    timeout_s: float = 600.0
    repair: tuple[str, ...] = ("ingest", "--rebuild")
    load_stand_in: bool = False  # True: the load run's app uses the stand-in encoder too
    seed_index: Path | None = None  # an index copied for the load run, then brought up to date
    workers: int = 2

    def __post_init__(self) -> None:
        for kind, names, known in (
            ("fault point", self.points, FAULT_POINTS),
            ("ingest mode", self.modes, MODES),
            ("damage case", self.damage, DAMAGE),
        ):
            unknown = sorted(set(names) - set(known))
            if unknown:
                raise CairnError(
                    f"Unknown {kind} {', '.join(unknown)}.", f"Choose from {', '.join(known)}."
                )
        if any(n < 1 for n in self.users) or self.per_user < 1:
            raise CairnError("The load run needs at least one user and one question per user.")


@dataclass
class ChaosResult:
    cores: int | None
    kills: list[CaseResult]
    damage: list[CaseResult]
    load: list[LoadLevel]
    seconds: float = 0.0
    parts: dict[str, float] = field(default_factory=dict)  # seconds per part of the run

    @property
    def kills_survived(self) -> int:
        return sum(case.passed for case in self.kills)

    @property
    def damage_recovered(self) -> int:
        return sum(case.passed for case in self.damage)

    @property
    def answers_lost(self) -> int:
        return sum(level.lost for level in self.load)

    @property
    def answers_changed(self) -> int:
        return sum(level.changed for level in self.load)

    @property
    def passed(self) -> bool:
        return (
            self.kills_survived == len(self.kills)
            and self.damage_recovered == len(self.damage)
            and self.answers_lost == 0
            and self.answers_changed == 0
        )

    def as_dict(self) -> dict[str, object]:
        counts = {
            "kills_survived": self.kills_survived,
            "kills": len(self.kills),
            "damage_recovered": self.damage_recovered,
            "damage_cases": len(self.damage),
            "answers_lost": self.answers_lost,
            "answers_changed": self.answers_changed,
            "passed": self.passed,
        }
        return {**counts, **dataclasses.asdict(self)}


def run_chaos(plan: ChaosPlan, workdir: Path, progress: Progress | None = None) -> ChaosResult:
    """Run the plan in `workdir` (created; scratch copies only) and return the counts."""
    progress = progress or SilentProgress()
    started = time.perf_counter()
    workdir.mkdir(parents=True, exist_ok=True)
    indexing = _start_load_index(plan, workdir) if plan.users else None
    kills, damage, load, parts = [], [], [], {}
    with ThreadPoolExecutor(max_workers=plan.workers) as pool:
        if plan.points and plan.modes:
            v1, v2 = kill_bases(plan.corpus, plan.question, workdir, pool)
            cases = [(FAULT_POINTS[p], m) for m in plan.modes for p in plan.points]
            work = [kill_case(plan.question, v1, v2, point, m, workdir) for point, m in cases]
            kills = _run_all("kill matrix", work, pool, progress)
            parts["kills"] = round(time.perf_counter() - started, 1)
        if plan.damage:
            begun = time.perf_counter()
            base = damage_base(plan.corpus, plan.question, workdir)
            work = [damage_case(plan.question, plan.repair, base, n, workdir) for n in plan.damage]
            damage = _run_all("damage matrix", work, pool, progress)
            parts["damage"] = round(time.perf_counter() - begun, 1)
    if indexing is not None:
        progress.phase("load run", len(plan.users))
        begun = time.perf_counter()
        app_data = _finish_load_index(plan, workdir, indexing)
        with served(workdir / "load" / "corpus", app_data, plan.load_stand_in,
                    workdir / "load" / "serve.log") as app:  # fmt: skip
            load = run_load(app, plan.load_questions, list(plan.users), plan.per_user,
                            plan.timeout_s)  # fmt: skip
        parts["load"] = round(time.perf_counter() - begun, 1)
        progress.advance(len(plan.users))
    seconds = round(time.perf_counter() - started, 1)
    return ChaosResult(os.cpu_count(), kills, damage, load, seconds, parts)


def _run_all(
    name: str, work: list[Callable[[], CaseResult]], pool: ThreadPoolExecutor, progress: Progress
) -> list[CaseResult]:
    progress.phase(name, len(work))
    lock = threading.Lock()

    def one(case: Callable[[], CaseResult]) -> CaseResult:
        result = case()
        with lock:
            progress.advance(1)
        return result

    return list(pool.map(one, work))


# The load run's index -------------------------------------------------------------------------


def _start_load_index(plan: ChaosPlan, workdir: Path) -> subprocess.Popen[bytes]:
    """`cairn ingest` of a corpus copy, in the background while the matrices run; seeded with a
    copy of an existing index so that only what changed is embedded."""
    folder = workdir / "load"
    shutil.copytree(plan.corpus, folder / "corpus")
    seed = plan.seed_index
    if seed is not None and (seed / MANIFEST).is_file():
        shutil.copytree(seed, folder / "var" / "index", ignore=shutil.ignore_patterns("*.lock"))
    argv, env = cairn_command(
        ["ingest"], folder / "corpus", folder / "var", stand_in=plan.load_stand_in
    )
    with (folder / "ingest.log").open("w") as log:
        return subprocess.Popen(argv, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)


def _finish_load_index(plan: ChaosPlan, workdir: Path, indexing: subprocess.Popen[bytes]) -> Path:
    """The load run's data folder, once indexed; a damaged seed copy is rebuilt."""
    folder = workdir / "load"
    if indexing.wait() != 0:
        argv, env = cairn_command(
            ["ingest", "--rebuild"], folder / "corpus", folder / "var", stand_in=plan.load_stand_in
        )
        done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            raise CairnError(
                f"The load run's index could not be built: {tail(done)}",
                f"See {folder / 'ingest.log'}.",
            )
    return folder / "var"
