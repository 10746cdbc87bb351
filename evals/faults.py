"""Real faults for the chaos run and the crash-safety tests: the real `cairn` command line in a
child process that kills itself with SIGKILL at a named point of `cairn ingest` (or kills a real
Chroma server before its first write). Damage to an index's files is in evals/damage.py.

    done = run_cairn(["ingest", "--rebuild"], corpus, data, fault="before-manifest-rename")
    assert done.returncode == -signal.SIGKILL

The child runs with a fast stand-in encoder (`WordEmbedder`) unless `stand_in=False`: these
faults are about files and processes, not retrieval quality. The hooks live in the child's
driver (`python -m evals.faults`), never in the code they test.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from evals.damage import DAMAGE as DAMAGE  # tests/ingest imports these two from here
from evals.damage import bulk_source as bulk_source
from ingest.embedding import Vectors

ROOT = Path(__file__).resolve().parents[1]
FAULT_ENV = "CAIRN_FAULT"
SERVER_FAULT = "kill-chroma-server"  # needs CAIRN_FAULT_SERVER_PID
_WORD = re.compile(r"[a-z0-9]+")
_PROGRESS = re.compile(r"^[a-z ]+: \d+/\d+$")


@dataclass(frozen=True)
class FaultPoint:
    """A moment of `cairn ingest` at which the child kills itself."""

    name: str
    description: str
    commits: bool  # the kill comes after the manifest moved readers to the new version


INGEST_FAULTS = (
    FaultPoint("before-first-upsert", "sources checked, no vector written", False),
    FaultPoint("after-first-upsert", "one batch of vectors written (mid-embedding)", False),
    FaultPoint("before-snapshot-rename", "new snapshot staged, not moved into place", False),
    FaultPoint("after-snapshot-rename", "new snapshot in place, manifest still old", False),
    FaultPoint("before-manifest-rename", "manifest draft written, not committed", False),
    FaultPoint("after-manifest-rename", "committed, stale vectors not yet deleted", True),
    FaultPoint("mid-delete", "one stale vector deleted", True),
    FaultPoint("before-snapshot-cleanup", "stale vectors deleted, old snapshot kept", True),
)
FAULT_POINTS = {point.name: point for point in INGEST_FAULTS}


class WordEmbedder:
    """Feature hashing of words: texts that share words are close, as with a real encoder, and
    a thousand chunks embed in milliseconds. For runs about files and processes, not about
    retrieval quality."""

    name = "word-hash-384"
    dimensions = 384

    def embed(self, texts: list[str]) -> Vectors:
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                digest = hashlib.sha256(word.encode()).digest()
                vectors[row, int.from_bytes(digest[:4], "big") % self.dimensions] += 1.0
            vectors[row, 0] += 0.01  # never the zero vector
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


# Running the command line --------------------------------------------------------------------


def cairn_command(
    args: list[str],
    corpus: Path,
    data: Path,
    fault: str = "",
    stand_in: bool = True,
    env: dict[str, str] | None = None,
) -> tuple[list[str], dict[str, str]]:
    """The argv and environment of `cairn ARGS` over `corpus` with its data under `data`,
    isolated from the caller's CAIRN_ variables and cairn.toml."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CAIRN_")}
    environment.update(
        CAIRN_CORPUS_DIR=str(corpus),
        CAIRN_DATA_DIR=str(data),
        CAIRN_CONFIG=str(data / "no-such-cairn.toml"),
        CAIRN_GENERATOR="extractive",
        PYTHONPATH=str(ROOT),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        GRADIO_ANALYTICS_ENABLED="False",
    )
    environment.update(env or {})
    if not stand_in:
        if fault:
            raise ValueError("faults are injected by the stand-in driver only")
        return [str(Path(sys.executable).parent / "cairn"), *args], environment
    environment[FAULT_ENV] = fault
    environment.setdefault("CAIRN_MIN_SIMILARITY", "0.1")  # the stand-in's similarities are lower
    return [sys.executable, "-m", "evals.faults", *args], environment


def run_cairn(
    args: list[str], corpus: Path, data: Path, fault: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    """`cairn ARGS` in a child process with the stand-in encoder and, optionally, a fault."""
    argv, environment = cairn_command(args, corpus, data, fault, env=env)
    return subprocess.run(
        argv, env=environment, cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def error_line(done: subprocess.CompletedProcess[str]) -> str | None:
    """The one error line of a failed command (`cairn: ...`), or None when it printed a
    traceback or anything else besides ingest's progress lines."""
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if not _PROGRESS.match(line)]
    if len(errors) == 1 and errors[0].startswith("cairn: "):
        return errors[0]
    return None


def tail(done: subprocess.CompletedProcess[str]) -> str:
    """The command's error line, or the last line of what it printed."""
    lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
    return error_line(done) or (lines[-1][:300] if lines else f"exit {done.returncode}")


def cited_sources(stdout: str) -> set[str] | None:
    """The sources cited by the answer `cairn ask --json` printed; None if it printed none."""
    try:
        answer = json.loads(stdout)
        return {c["source_id"] for c in answer["citations"]}
    except (ValueError, KeyError, TypeError):
        return None


# The child: the real command line with the stand-in encoder and the fault hooks ---------------


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _hook_renames(fault: str) -> None:
    from ingest import store

    replace = os.replace

    def replacing(source: Any, target: Any, *args: Any, **kwargs: Any) -> None:
        name, folder = Path(target).name, Path(target).parent.name
        snapshot, manifest = folder == store.SNAPSHOTS, name == store.MANIFEST
        if (fault == "before-snapshot-rename" and snapshot) or (
            fault == "before-manifest-rename" and manifest
        ):
            _die()
        replace(source, target, *args, **kwargs)
        if (fault == "after-snapshot-rename" and snapshot) or (
            fault == "after-manifest-rename" and manifest
        ):
            _die()

    store.os.replace = replacing  # type: ignore[assignment]


def _hook_index(fault: str) -> None:
    from ingest import pipeline

    upsert, delete = pipeline.ChromaIndex.upsert, pipeline.ChromaIndex.delete

    def upserting(self: Any, chunks: Any, vectors: Any) -> None:
        if fault == "before-first-upsert":
            _die()
        if fault == SERVER_FAULT:
            os.kill(int(os.environ["CAIRN_FAULT_SERVER_PID"]), signal.SIGKILL)
            time.sleep(0.5)
        upsert(self, chunks, vectors)
        if fault == "after-first-upsert":
            _die()

    def deleting(self: Any, ids: Any) -> None:
        if fault == "mid-delete":
            delete(self, list(ids)[:1])
            _die()
        delete(self, ids)

    cleanup = pipeline.remove_stale_snapshots

    def cleaning(root: Path, keep: str) -> None:
        if fault == "before-snapshot-cleanup":
            _die()
        cleanup(root, keep)

    pipeline.ChromaIndex.upsert = upserting  # type: ignore[method-assign]
    pipeline.ChromaIndex.delete = deleting  # type: ignore[method-assign]
    pipeline.remove_stale_snapshots = cleaning


def _child(argv: list[str]) -> int:
    import assistant.indexing
    import assistant.retrieve.retrieval
    from assistant.cli import main

    embedder = WordEmbedder()
    assistant.indexing.default_embedder = lambda: embedder  # type: ignore[assignment]
    assistant.retrieve.retrieval.default_embedder = lambda: embedder  # type: ignore[assignment]
    fault = os.environ.get(FAULT_ENV, "")
    if fault and fault not in FAULT_POINTS and fault != SERVER_FAULT:
        raise SystemExit(f"unknown fault point {fault!r}")
    _hook_renames(fault)
    _hook_index(fault)
    return main(argv)


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
