"""The kill and damage matrices of the chaos run (`evals/chaos.py`): one case per fault point
and ingest mode, one per damage, each on its own copy of a clean build's data folder.

    v1, v2 = kill_bases(corpus, question, workdir, pool)
    result = kill_case(question, v1, v2, FAULT_POINTS["mid-delete"], "incremental", workdir)()

A kill is survived when the child died at the point, the index then answers as the clean build
of the version the point implies, and the next `cairn ingest` leaves what a clean build leaves.
A damage case is recovered when `cairn ask` fails naming `cairn ingest` and the repair brings
back the clean build's answer. Every `cairn` runs in a child with the stand-in encoder.
"""

from __future__ import annotations

import shutil
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from evals.damage import DAMAGE, bulk_source
from evals.faults import FaultPoint, cited_sources, error_line, run_cairn, tail
from guardrails.errors import CairnError
from ingest.index import IndexLocation, open_index
from ingest.store import MANIFEST, SNAPSHOTS, Manifest, read_manifest

MODES = ("rebuild", "incremental")
FILLER_SECTIONS = 1200  # the damage base holds more vectors than Chroma's write-ahead log


@dataclass
class CaseResult:
    matrix: str  # "kill" or "damage"
    name: str  # the fault point or the damage
    mode: str  # "rebuild" or "incremental" for a kill, "" for damage
    passed: bool = False
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class Built:
    """A clean build: its data folder, manifest and the sources it cites for the question."""

    corpus: Path
    data: Path
    manifest: Manifest
    cited: set[str]


def _timed(matrix: str, name: str, mode: str, check: Callable[[], list[str]]) -> CaseResult:
    """Run one case's check; the case passed when it found no problem."""
    started = time.perf_counter()
    problems = check()
    seconds = round(time.perf_counter() - started, 1)
    return CaseResult(matrix, name, mode, not problems, problems, seconds)


def clean_build(question: str, corpus: Path, folder: Path) -> Built:
    data = folder / "var"
    shutil.rmtree(data, ignore_errors=True)
    done = run_cairn(["ingest"], corpus, data)
    if done.returncode != 0:
        raise CairnError(f"A clean build of {corpus} failed: {tail(done)}", "Check the corpus.")
    manifest = read_manifest(data / "index")
    assert manifest is not None
    cited = cited_sources(run_cairn(["ask", question, "--json"], corpus, data).stdout)
    if not cited:
        raise CairnError(
            f"A clean build of {corpus} cites no source for {question!r}.",
            "Give the chaos run a question the corpus answers (--question).",
        )
    return Built(corpus, data, manifest, cited)


def _cites_otherwise(question: str, clean: Built, corpus: Path, data: Path) -> str | None:
    """None when `cairn ask` over `data` cites what `clean` cites; else what it cites, or its
    error."""
    asked = run_cairn(["ask", question, "--json"], corpus, data)
    cited = cited_sources(asked.stdout) if asked.returncode == 0 else None
    if cited == clean.cited:
        return None
    return f"{sorted(cited)}" if cited is not None else tail(asked)


# Kill matrix ----------------------------------------------------------------------------------


def kill_bases(
    corpus: Path, question: str, workdir: Path, pool: ThreadPoolExecutor
) -> tuple[Built, Built]:
    """Clean builds of version 1 (the corpus and two generated sources) and version 2."""
    v1, v2 = workdir / "corpus-v1", workdir / "corpus-v2"
    for copy in (v1, v2):
        shutil.copytree(corpus, copy, dirs_exist_ok=True)
    bulk_source(v1, "chaos-notes-a", 40)
    bulk_source(v1, "chaos-notes-b", 40)
    bulk_source(v2, "chaos-notes-b", 40, "Revised observation")
    bulk_source(v2, "chaos-notes-c", 40, "Added observation")
    first = pool.submit(clean_build, question, v1, workdir / "clean-v1")
    return first.result(), clean_build(question, v2, workdir / "clean-v2")


def kill_case(
    question: str, v1: Built, v2: Built, point: FaultPoint, mode: str, workdir: Path
) -> Callable[[], CaseResult]:
    target = v2 if mode == "incremental" else v1
    args = ["ingest"] if mode == "incremental" else ["ingest", "--rebuild"]

    def check() -> list[str]:
        data = workdir / "kill" / f"{mode}-{point.name}" / "var"
        shutil.copytree(v1.data, data)
        killed = run_cairn(args, target.corpus, data, fault=point.name)
        if killed.returncode != -signal.SIGKILL:
            return [f"not killed at the point (exit {killed.returncode})"]
        problems = _answers_as(question, target if point.commits else v1, target.corpus, data)
        again = run_cairn(["ingest"], target.corpus, data)
        if again.returncode != 0:
            return [*problems, f"the next `cairn ingest` failed: {tail(again)}"]
        return [*problems, *_differences(data, target)]

    return lambda: _timed("kill", point.name, mode, check)


def _answers_as(question: str, live: Built, corpus: Path, data: Path) -> list[str]:
    """Problems unless the index answers as the clean build of version `live` does."""
    try:
        manifest = read_manifest(data / "index")
    except CairnError as exc:
        return [f"after the kill the manifest is unreadable: {exc}"]
    problems = []
    if manifest is None or manifest.version != live.manifest.version:
        found = manifest.version if manifest else "none"
        problems.append(f"after the kill version {found}, not {live.manifest.version}")
    said = _cites_otherwise(question, live, corpus, data)
    if said is not None:
        problems.append(f"after the kill `ask` cites {said}, a clean build {sorted(live.cited)}")
    return problems


_chroma = threading.Lock()  # Chroma clients are opened in this process one at a time


def _differences(data: Path, clean: Built) -> list[str]:
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


def damage_base(corpus: Path, question: str, workdir: Path) -> Built:
    """A clean build of the corpus and a filler source, large enough to have segment files."""
    copy = workdir / "damage" / "corpus"
    shutil.copytree(corpus, copy)
    bulk_source(copy, "chaos-filler", FILLER_SECTIONS)
    return clean_build(question, copy, workdir / "damage" / "base")


def damage_case(
    question: str, repair: tuple[str, ...], base: Built, name: str, workdir: Path
) -> Callable[[], CaseResult]:
    damage = DAMAGE[name]

    def check() -> list[str]:
        problems = []
        data = workdir / "damage" / name / "var"
        shutil.copytree(base.data, data)
        damage.apply(data / "index" / "chroma")
        asked = run_cairn(["ask", question, "--json"], base.corpus, data)
        error = error_line(asked) if asked.returncode == 2 else None
        if asked.returncode == 0:
            problems.append("`ask` answered from the damaged index (exit 0)")
        elif error is None or "`cairn ingest" not in error:
            problems.append(f"`ask` failed without naming the fix: {tail(asked)}")
        repaired = run_cairn(list(repair), base.corpus, data)
        command = f"`cairn {' '.join(repair)}`"
        if repaired.returncode != 0:
            return [*problems, f"{command} failed: {tail(repaired)}"]
        said = _cites_otherwise(question, base, base.corpus, data)
        if said is None:
            return problems
        clean = sorted(base.cited)
        return [*problems, f"after {command} `ask` cites {said}, a clean build {clean}"]

    return lambda: _timed("damage", name, "", check)
