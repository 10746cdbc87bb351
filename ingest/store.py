"""The on-disk index state: a manifest that points at an immutable snapshot.

    var/index/
      manifest.json              the commit point, replaced atomically
      snapshots/<version>/       chunks.jsonl and the BM25 index for that corpus version
      chroma/                    the embedded Chroma index (unless a server is configured)

Readers only follow `manifest.json`, so a crash at any moment leaves them on the previous
version; dense hits whose ids are not in the manifest are ignored.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import os
import re
import secrets
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ValidationError

from guardrails.errors import CairnError
from ingest.lexical import LexicalIndex
from ingest.records import Chunk, Source

MANIFEST = "manifest.json"
_WORD = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
SNAPSHOTS = "snapshots"
FORMAT = 1


class IndexMissing(CairnError):
    """No index has been built yet, or it is unreadable."""


class IndexedSource(BaseModel):
    source: Source
    chunk_ids: list[str]


class Manifest(BaseModel):
    format: int = FORMAT
    version: str
    snapshot: str
    embedder: str
    created: dt.datetime
    sources: list[IndexedSource]

    @property
    def evidence_as_of(self) -> dt.date | None:
        """The most recent review date of the indexed sources."""
        return max((s.source.last_reviewed for s in self.sources), default=None)


def corpus_version(sources: list[Source], salt: str) -> str:
    """A short hash of every source's content and the indexing settings."""
    digest = hashlib.sha256(salt.encode())
    for source in sorted(sources, key=lambda s: s.id):
        digest.update(f"{source.id}:{source.sha256}\n".encode())
    return digest.hexdigest()[:12]


@dataclass
class Snapshot:
    """One committed corpus version, loaded for reading."""

    manifest: Manifest
    chunks: list[Chunk]
    lexical: LexicalIndex
    by_id: dict[str, int] = field(init=False)
    sources: dict[str, Source] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {chunk.id: row for row, chunk in enumerate(self.chunks)}
        self.sources = {s.source.id: s.source for s in self.manifest.sources}

    @cached_property
    def words(self) -> frozenset[str]:
        """Every word of the indexed text and titles, lower case: the corpus vocabulary."""
        return vocabulary(self.chunks)


def vocabulary(chunks: Iterable[Chunk]) -> frozenset[str]:
    """Every word of the chunks' text and titles, lower case."""
    found: set[str] = set()
    for chunk in chunks:
        found.update(_WORD.findall(chunk.embedding_text.lower()))
    return frozenset(found)


def read_manifest(root: Path) -> Manifest | None:
    path = root / MANIFEST
    if not path.is_file():
        return None
    try:
        return Manifest.model_validate_json(path.read_text(encoding="utf-8"))
    except (ValidationError, OSError, ValueError) as exc:
        raise IndexMissing(
            f"The index manifest {path} is unreadable ({type(exc).__name__}).",
            "Run `cairn ingest --rebuild` to rebuild the index.",
        ) from exc


def load_snapshot(root: Path) -> Snapshot:
    manifest = read_manifest(root)
    if manifest is None:
        raise IndexMissing(
            f"No index found at {root}.", "Run `cairn ingest` to index corpus/sources first."
        )
    folder = root / SNAPSHOTS / manifest.snapshot
    try:
        with (folder / "chunks.jsonl").open(encoding="utf-8") as handle:
            chunks = [Chunk.model_validate_json(line) for line in handle if line.strip()]
        listed = [cid for s in manifest.sources for cid in s.chunk_ids]
        if sorted(c.id for c in chunks) != sorted(listed):
            raise ValueError(f"{len(chunks)} passages where the manifest lists {len(listed)}")
        lexical = LexicalIndex.load(folder / "bm25", size=len(chunks))
    except (OSError, ValidationError, ValueError) as exc:
        raise IndexMissing(
            f"The index snapshot {folder} is damaged ({_reason(exc)}).",
            "Run `cairn ingest` to write it again.",
        ) from exc
    return Snapshot(manifest, chunks, lexical)


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "a passage record is cut off or malformed"
    return str(exc) if isinstance(exc, ValueError) else type(exc).__name__


def new_snapshot_name(version: str) -> str:
    """A folder name no earlier snapshot has used: the live snapshot is never overwritten."""
    return f"{version}-{secrets.token_hex(4)}"


def write_snapshot(root: Path, name: str, chunks: list[Chunk], lexical: LexicalIndex) -> None:
    """Write a snapshot folder completely, then move it into place in one rename. Ingest gives a
    fresh name (`new_snapshot_name`), so the live snapshot stays until the manifest moves on."""
    snapshots = root / SNAPSHOTS
    snapshots.mkdir(parents=True, exist_ok=True)
    staging = snapshots / f".staging-{name}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    with (staging / "chunks.jsonl").open("w", encoding="utf-8") as handle:
        for chunk in chunks:
            handle.write(chunk.model_dump_json() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    lexical.save(staging / "bm25")
    final = snapshots / name
    if final.exists():
        shutil.rmtree(final)
    os.replace(staging, final)
    _fsync_dir(snapshots)


def commit_manifest(root: Path, manifest: Manifest) -> None:
    """The commit point: readers see the new version from here on."""
    root.mkdir(parents=True, exist_ok=True)
    temporary = root / f".{MANIFEST}.{os.getpid()}"
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(manifest.model_dump_json(indent=1))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, root / MANIFEST)
    _fsync_dir(root)


def remove_stale_snapshots(root: Path, keep: str) -> None:
    snapshots = root / SNAPSHOTS
    if not snapshots.is_dir():
        return
    for folder in snapshots.iterdir():
        if folder.name != keep:
            shutil.rmtree(folder, ignore_errors=True)


def remove_stale_temporaries(root: Path) -> None:
    """Manifest drafts of killed runs (`.manifest.json.<pid>`); call it holding the lock."""
    for draft in root.glob(f".{MANIFEST}.*"):
        draft.unlink(missing_ok=True)


@contextlib.contextmanager
def ingest_lock(root: Path) -> Iterator[None]:
    """One writer at a time; a second `cairn ingest` waits for the first."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / "ingest.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
