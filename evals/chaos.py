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
2. Damage matrix: each `evals.faults.DAMAGE` case on a copy of an index of more than 1000
   vectors. Recovered: `cairn ask` fails with one line naming `cairn ingest`, and one
   `cairn ingest --rebuild` brings back the answer of the undamaged index.
3. Load run (evals/load.py) against the real app over an index of the real encoder.

The matrices use the stand-in encoder (evals/faults.py): a rebuild of the real corpus with the
real encoder takes minutes on two cores, and they are about files and processes.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from evals.faults import (
    DAMAGE,
    FAULT_POINTS,
    ROOT,
    FaultPoint,
    bulk_source,
    cairn_command,
    cited_sources,
    error_line,
    run_cairn,
)
from evals.load import LoadLevel, run_load, served
from guardrails.errors import CairnError
from ingest.index import IndexLocation, open_index
from ingest.pipeline import Progress, SilentProgress
from ingest.store import MANIFEST, SNAPSHOTS, Manifest, read_manifest

MODES = ("rebuild", "incremental")
FILLER_SECTIONS = 1200  # the damage base holds more vectors than Chroma's write-ahead log


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
class CaseResult:
    matrix: str  # "kill" or "damage"
    name: str  # the fault point or the damage
    mode: str  # "rebuild" or "incremental" for a kill, "" for damage
    passed: bool = False
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


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


@dataclass(frozen=True)
class _Built:
    """A clean build: its data folder, manifest and the sources it cites for the question."""

    corpus: Path
    data: Path
    manifest: Manifest
    cited: set[str]


def run_chaos(plan: ChaosPlan, workdir: Path, progress: Progress | None = None) -> ChaosResult:
    """Run the plan in `workdir` (created; scratch copies only) and return the counts."""
    progress = progress or SilentProgress()
    started = time.perf_counter()
    workdir.mkdir(parents=True, exist_ok=True)
    indexing = _start_load_index(plan, workdir) if plan.users else None
    kills, damage, load, parts = [], [], [], {}
    with ThreadPoolExecutor(max_workers=plan.workers) as pool:
        if plan.points and plan.modes:
            v1, v2 = _kill_bases(plan, workdir, pool)
            cases = [(FAULT_POINTS[p], m) for m in plan.modes for p in plan.points]
            work = [_kill_case(plan, v1, v2, point, mode, workdir) for point, mode in cases]
            kills = _run_all("kill matrix", work, pool, progress)
            parts["kills"] = round(time.perf_counter() - started, 1)
        if plan.damage:
            begun = time.perf_counter()
            base = _damage_base(plan, workdir)
            work = [_damage_case(plan, base, name, workdir) for name in plan.damage]
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


# Kill matrix ----------------------------------------------------------------------------------


def _kill_bases(plan: ChaosPlan, workdir: Path, pool: ThreadPoolExecutor) -> tuple[_Built, _Built]:
    """Clean builds of version 1 (the corpus and two generated sources) and version 2."""
    v1, v2 = workdir / "corpus-v1", workdir / "corpus-v2"
    for corpus in (v1, v2):
        shutil.copytree(plan.corpus, corpus, dirs_exist_ok=True)
    bulk_source(v1, "chaos-notes-a", 40)
    bulk_source(v1, "chaos-notes-b", 40)
    bulk_source(v2, "chaos-notes-b", 40, "Revised observation")
    bulk_source(v2, "chaos-notes-c", 40, "Added observation")
    first = pool.submit(_clean_build, plan, v1, workdir / "clean-v1")
    return first.result(), _clean_build(plan, v2, workdir / "clean-v2")


def _clean_build(plan: ChaosPlan, corpus: Path, folder: Path) -> _Built:
    data = folder / "var"
    shutil.rmtree(data, ignore_errors=True)
    done = run_cairn(["ingest"], corpus, data)
    if done.returncode != 0:
        raise CairnError(f"A clean build of {corpus} failed: {_tail(done)}", "Check the corpus.")
    manifest = read_manifest(data / "index")
    assert manifest is not None
    cited = cited_sources(run_cairn(["ask", plan.question, "--json"], corpus, data).stdout)
    if not cited:
        raise CairnError(
            f"A clean build of {corpus} cites no source for {plan.question!r}.",
            "Give the chaos run a question the corpus answers (--question).",
        )
    return _Built(corpus, data, manifest, cited)


def _kill_case(
    plan: ChaosPlan, v1: _Built, v2: _Built, point: FaultPoint, mode: str, workdir: Path
) -> Callable[[], CaseResult]:
    target = v2 if mode == "incremental" else v1
    args = ["ingest"] if mode == "incremental" else ["ingest", "--rebuild"]

    def case() -> CaseResult:
        result, started = CaseResult("kill", point.name, mode), time.perf_counter()
        data = workdir / "kill" / f"{mode}-{point.name}" / "var"
        shutil.copytree(v1.data, data)
        killed = run_cairn(args, target.corpus, data, fault=point.name)
        if killed.returncode != -signal.SIGKILL:
            result.problems.append(f"not killed at the point (exit {killed.returncode})")
        else:
            live = target if point.commits else v1
            result.problems.extend(_answers_as(plan, live, target.corpus, data))
            again = run_cairn(["ingest"], target.corpus, data)
            if again.returncode != 0:
                result.problems.append(f"the next `cairn ingest` failed: {_tail(again)}")
            else:
                result.problems.extend(_differences(data, target))
        result.passed = not result.problems
        result.seconds = round(time.perf_counter() - started, 1)
        return result

    return case


def _answers_as(plan: ChaosPlan, live: _Built, corpus: Path, data: Path) -> list[str]:
    """Problems unless the index answers as the clean build of version `live` does."""
    try:
        manifest = read_manifest(data / "index")
    except CairnError as exc:
        return [f"after the kill the manifest is unreadable: {exc}"]
    problems = []
    if manifest is None or manifest.version != live.manifest.version:
        found = manifest.version if manifest else "none"
        problems.append(f"after the kill version {found}, not {live.manifest.version}")
    asked = run_cairn(["ask", plan.question, "--json"], corpus, data)
    cited = cited_sources(asked.stdout) if asked.returncode == 0 else None
    if cited != live.cited:
        said = sorted(cited) if cited is not None else _tail(asked)
        problems.append(f"after the kill `ask` cites {said}, a clean build {sorted(live.cited)}")
    return problems


_chroma = threading.Lock()  # Chroma clients are opened in this process one at a time


def _differences(data: Path, clean: _Built) -> list[str]:
    """How the index in `data` differs from the clean build's."""
    index = data / "index"
    manifest = read_manifest(index)
    if manifest is None:
        return ["no manifest after the next ingest"]
    problems = []
    if manifest.version != clean.manifest.version:
        problems.append(f"version {manifest.version}, a clean build {clean.manifest.version}")
    listed = {s.source.id: s.chunk_ids for s in manifest.sources}
    if listed != {s.source.id: s.chunk_ids for s in clean.manifest.sources}:
        problems.append("the manifest lists other passages than a clean build's")
    with _chroma:
        stored = open_index(IndexLocation(path=index / "chroma")).ids()
    live = {cid for ids in listed.values() for cid in ids}
    if stored != live:
        problems.append(f"{len(stored - live)} vectors too many, {len(live - stored)} missing")
    left = sorted(p.name for p in (index / SNAPSHOTS).iterdir() if p.name != manifest.snapshot)
    left += sorted(p.name for p in index.glob(f".{MANIFEST}.*"))
    if left:
        problems.append(f"left behind: {', '.join(left)}")
    return problems


# Damage matrix --------------------------------------------------------------------------------


def _damage_base(plan: ChaosPlan, workdir: Path) -> _Built:
    corpus = workdir / "damage" / "corpus"
    shutil.copytree(plan.corpus, corpus)
    bulk_source(corpus, "chaos-filler", FILLER_SECTIONS)
    return _clean_build(plan, corpus, workdir / "damage" / "base")


def _damage_case(
    plan: ChaosPlan, base: _Built, name: str, workdir: Path
) -> Callable[[], CaseResult]:
    damage = DAMAGE[name]

    def case() -> CaseResult:
        result, started = CaseResult("damage", name, ""), time.perf_counter()
        data = workdir / "damage" / name / "var"
        shutil.copytree(base.data, data)
        damage.apply(data / "index" / "chroma")
        asked = run_cairn(["ask", plan.question, "--json"], base.corpus, data)
        error = error_line(asked) if asked.returncode == 2 else None
        if asked.returncode == 0:
            result.problems.append("`ask` answered from the damaged index (exit 0)")
        elif error is None or "`cairn ingest" not in error:
            result.problems.append(f"`ask` failed without naming the fix: {_tail(asked)}")
        repaired = run_cairn(list(plan.repair), base.corpus, data)
        command = f"`cairn {' '.join(plan.repair)}`"
        if repaired.returncode != 0:
            result.problems.append(f"{command} failed: {_tail(repaired)}")
        else:
            answered = run_cairn(["ask", plan.question, "--json"], base.corpus, data)
            cited = cited_sources(answered.stdout) if answered.returncode == 0 else None
            if cited != base.cited:
                said = sorted(cited) if cited is not None else _tail(answered)
                result.problems.append(f"after {command} `ask` cites {said}")
        result.passed = not result.problems
        result.seconds = round(time.perf_counter() - started, 1)
        return result

    return case


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
                f"The load run's index could not be built: {_tail(done)}",
                f"See {folder / 'ingest.log'}.",
            )
    return folder / "var"


def _tail(done: subprocess.CompletedProcess[str]) -> str:
    """The command's error line, or the last line of what it printed."""
    lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
    return error_line(done) or (lines[-1][:300] if lines else f"exit {done.returncode}")
