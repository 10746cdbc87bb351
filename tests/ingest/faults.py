"""Running the real `cairn` command line in a child process, with a fast stand-in encoder and,
optionally, a fault: the child kills itself with a real SIGKILL at a named point of its work,
or kills a real Chroma server before its first write.

    done = run_cairn(["ingest", "--rebuild"], corpus, data, fault="before-snapshot-rename")
    assert done.returncode == -signal.SIGKILL
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

from ingest.embedding import Vectors

ROOT = Path(__file__).resolve().parents[2]
_WORD = re.compile(r"[a-z0-9]+")


class WordEmbedder:
    """Feature hashing of words: texts that share words are close, as with a real encoder, and
    a thousand chunks embed in milliseconds. For tests about files and processes, not about
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


# The child: the real command line (`assistant.cli.main`) with the stand-in encoder and a fault.
DRIVER = textwrap.dedent(
    """
    import os, signal, sys, time
    import assistant.indexing, assistant.retrieval, ingest.pipeline, ingest.store
    from tests.ingest.faults import WordEmbedder

    embedder = WordEmbedder()
    assistant.indexing.default_embedder = lambda: embedder
    assistant.retrieval.default_embedder = lambda: embedder
    fault = os.environ.get("CAIRN_TEST_FAULT", "")

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    replace = os.replace
    def replacing(source, target, *a, **k):
        name = os.path.basename(str(target))
        folder = os.path.basename(os.path.dirname(str(target)))
        snapshot, manifest = folder == "snapshots", name == "manifest.json"
        if (fault == "before-snapshot-rename" and snapshot) or (
            fault == "before-manifest-rename" and manifest
        ):
            die()
        replace(source, target, *a, **k)
        if fault == "after-snapshot-rename" and snapshot:
            die()
    ingest.store.os.replace = replacing

    upsert = ingest.pipeline.ChromaIndex.upsert
    def upserting(self, chunks, vectors):
        if fault == "kill-chroma-server":
            os.kill(int(os.environ["CAIRN_TEST_SERVER_PID"]), signal.SIGKILL)
            time.sleep(0.5)
        upsert(self, chunks, vectors)
        if fault == "after-first-upsert":
            die()
    ingest.pipeline.ChromaIndex.upsert = upserting

    from assistant.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)


def run_cairn(
    args: list[str], corpus: Path, data: Path, fault: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    """`cairn ARGS` over `corpus`, with the index under `data`, in a child process."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CAIRN_")}
    environment.update(
        CAIRN_CORPUS_DIR=str(corpus),
        CAIRN_DATA_DIR=str(data),
        CAIRN_CONFIG=str(data / "no-such-cairn.toml"),
        CAIRN_GENERATOR="extractive",
        CAIRN_MIN_SIMILARITY="0.1",  # the stand-in encoder's similarities are lower
        CAIRN_TEST_FAULT=fault,
        PYTHONPATH=str(ROOT),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", DRIVER, *args],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


_PROGRESS = re.compile(r"^[a-z ]+: \d+/\d+$")


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    """The one error line of a failed command (exit status 2): no traceback, nothing else on
    stderr but ingest's progress lines."""
    assert done.returncode == 2, (done.returncode, done.stderr[-3000:])
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if not _PROGRESS.match(line)]
    assert len(errors) == 1 and errors[0].startswith("cairn: "), done.stderr[-3000:]
    return errors[0]


def cited_sources(done: subprocess.CompletedProcess[str]) -> set[str]:
    """The sources cited by the answer `cairn ask --json` printed."""
    assert done.returncode == 0, done.stderr[-3000:]
    answer = json.loads(done.stdout)
    return {c["source_id"] for c in answer["citations"]}


def bulk_source(corpus: Path, source_id: str, sections: int, words: str = "") -> Path:
    """A generated review of `sections` short sections (one chunk each)."""
    lines = [
        "---",
        f"id: {source_id}",
        f'title: "Notes {source_id}"',
        "kind: review",
        'citation: "Generated notes 2025"',
        "year: 2025",
        "last_reviewed: 2026-01-10",
        "status: current",
        "---",
    ]
    for i in range(sections):
        lines.append(f"# Note {i}\n{words or 'Observation'} note {i} of cohort {i * 7 % 97}.\n")
    path = corpus / "sources" / f"{source_id}.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
