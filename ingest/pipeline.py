"""Incremental, crash-safe ingest.

    report = run_ingest(IngestJob(paths=None, corpus=Path("corpus/sources"), root=Path("var/index"),
                                  location=IndexLocation(path=Path("var/index/chroma"))),
                        lexicon, embedder)
    print(report.summary())

Order of work, chosen so that killing the process at any moment leaves the previous version
answering and the next run finishes the job:
1. validate every source (nothing is written while any is invalid);
2. embed only chunks whose id (content hash) is not yet in the dense index, and upsert them;
3. write the new snapshot (chunks + BM25) into a folder of a new name (never over the live one);
4. replace the manifest (the commit point);
5. delete dense vectors and snapshots that the manifest no longer references.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from guardrails.lexicon import Lexicon
from ingest.chunking import ChunkingConfig, chunk_source
from ingest.embedding import Embedder
from ingest.index import ChromaIndex, IndexDamaged, IndexLocation, IndexUnavailable, open_index
from ingest.integrity import check_readable
from ingest.lexical import LexicalIndex, Tokenizer
from ingest.records import Chunk, Source
from ingest.sources import (
    LoadedSource,
    SourceError,
    SourceLimits,
    cross_check,
    load_source,
    load_sources,
)
from ingest.store import (
    IndexedSource,
    Manifest,
    commit_manifest,
    corpus_version,
    ingest_lock,
    new_snapshot_name,
    read_manifest,
    remove_stale_snapshots,
    remove_stale_temporaries,
    write_snapshot,
)

EMBED_BATCH = 128


class Progress(Protocol):
    def phase(self, name: str, total: int) -> None: ...

    def advance(self, count: int) -> None: ...


class SilentProgress:
    def phase(self, name: str, total: int) -> None:
        pass

    def advance(self, count: int) -> None:
        pass


@dataclass(frozen=True)
class IngestJob:
    corpus: Path  # the folder a full sync reads
    root: Path  # manifest and snapshots
    location: IndexLocation
    paths: list[Path] | None = None  # given files: add or update only these
    rebuild: bool = False
    chunking: ChunkingConfig = field(default_factory=ChunkingConfig)
    limits: SourceLimits = field(default_factory=SourceLimits)


@dataclass
class IngestReport:
    version: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    chunks_total: int = 0
    chunks_embedded: int = 0
    chunks_deleted: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"Indexed corpus version {self.version}: {len(self.added)} added, "
            f"{len(self.updated)} updated, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged; {self.chunks_embedded} of {self.chunks_total} "
            f"chunks embedded, {self.chunks_deleted} deleted, in {self.seconds:.1f} s."
        )


def run_ingest(
    job: IngestJob, lexicon: Lexicon, embedder: Embedder, progress: Progress | None = None
) -> IngestReport:
    progress = progress or SilentProgress()
    started = time.perf_counter()
    with ingest_lock(job.root):
        remove_stale_temporaries(job.root)
        previous = read_manifest(job.root) if not job.rebuild else None
        loaded = _load_valid(job, previous)
        report = _classify(loaded, previous, job.paths is None)
        chunks = _chunks(loaded, job)
        index = _open(job)
        report.chunks_embedded = _embed_missing(index, chunks, embedder, job.rebuild, progress)
        salt = f"{embedder.name}|{job.chunking}|{_lexicon_hash(lexicon)}"
        report.version = corpus_version([item.source for item in loaded], salt)
        progress.phase("writing lexical index", len(chunks))
        tokenizer = Tokenizer(lexicon)
        lexical = LexicalIndex.build([tokenizer(c.embedding_text) for c in chunks])
        snapshot = new_snapshot_name(report.version)
        write_snapshot(job.root, snapshot, chunks, lexical)
        progress.advance(len(chunks))
        manifest = _manifest(report.version, snapshot, embedder.name, loaded, chunks)
        commit_manifest(job.root, manifest)
        live = {c.id for c in chunks}
        stale = index.ids() - live
        index.delete(stale)
        remove_stale_snapshots(job.root, keep=snapshot)
    report.chunks_total = len(chunks)
    report.chunks_deleted = len(stale)
    report.seconds = time.perf_counter() - started
    return report


def _load_valid(job: IngestJob, previous: Manifest | None) -> list[LoadedSource]:
    """The sources of the new version; raise SourceError listing every problem."""
    loaded, problems = load_sources(
        job.paths if job.paths is not None else [job.corpus], job.limits
    )
    if job.paths is not None and previous is not None:
        # Given files join the indexed corpus: the other indexed sources stay.
        given = {item.source.id for item in loaded}
        kept = _reload([s.source for s in previous.sources if s.source.id not in given], problems)
        loaded = [*kept, *loaded]
        between = cross_check([item.source for item in loaded])
        problems.extend(p for p in between if p not in problems)
    if not loaded and not problems:
        problems.append(f"{job.corpus}: no source documents found (.md, .txt, .html, .pdf)")
    if problems:
        raise SourceError(problems)
    return loaded


def _reload(sources: list[Source], problems: list[str]) -> list[LoadedSource]:
    """Re-read kept sources from their paths (their unchanged chunks are not re-embedded)."""
    reloaded = []
    for source in sources:
        try:
            reloaded.append(load_source(Path(source.path)))
        except (SourceError, OSError) as exc:
            problems.append(f"{source.path}: indexed source can no longer be read ({exc})")
    return reloaded


def _classify(
    loaded: list[LoadedSource], previous: Manifest | None, full_sync: bool
) -> IngestReport:
    before = {s.source.id: s.source.sha256 for s in (previous.sources if previous else [])}
    report = IngestReport(version="")
    now = set()
    for item in loaded:
        source = item.source
        now.add(source.id)
        if source.id not in before:
            report.added.append(source.id)
        elif before[source.id] != source.sha256:
            report.updated.append(source.id)
        else:
            report.unchanged.append(source.id)
    if full_sync:
        report.removed = sorted(set(before) - now)
    return report


def _chunks(loaded: list[LoadedSource], job: IngestJob) -> list[Chunk]:
    """Every chunk; SourceError when a source makes more than the limit allows."""
    chunks, problems = [], []
    for item in loaded:
        pieces = chunk_source(item, job.chunking)
        if len(pieces) > job.limits.max_chunks:
            problems.append(
                f"{item.source.path}: makes {len(pieces)} chunks, more than the limit of "
                f"{job.limits.max_chunks} per source (CAIRN_MAX_SOURCE_CHUNKS); split it"
            )
        chunks.extend(pieces)
    if problems:
        raise SourceError(problems)
    return chunks


def _open(job: IngestJob) -> ChromaIndex:
    """The dense index, checked; with --rebuild a damaged one is recreated empty (damaged files
    are deleted, never opened again: Chroma can fail on them twice). An unreachable server
    fails here, before anything is written or deleted."""
    try:
        index = open_index(job.location)
    except IndexUnavailable:
        if job.location.url or not job.rebuild:
            raise
        return open_index(job.location, fresh=True)
    try:
        check_readable(index)
    except (IndexUnavailable, IndexDamaged):
        if not job.rebuild:
            raise
        return open_index(job.location, fresh=True)
    return index


def _embed_missing(
    index: ChromaIndex, chunks: list[Chunk], embedder: Embedder, rebuild: bool, progress: Progress
) -> int:
    ids = [c.id for c in chunks]
    present = set() if rebuild else index.existing(ids)
    # Batches of similar length waste no work on padding.
    missing = sorted(
        (c for c in chunks if c.id not in present), key=lambda c: len(c.embedding_text)
    )
    progress.phase("embedding chunks", len(missing))
    for start in range(0, len(missing), EMBED_BATCH):
        batch = missing[start : start + EMBED_BATCH]
        vectors = embedder.embed([c.embedding_text for c in batch])
        index.upsert(batch, vectors)
        progress.advance(len(batch))
    return len(missing)


def _manifest(
    version: str,
    snapshot: str,
    embedder_name: str,
    loaded: list[LoadedSource],
    chunks: list[Chunk],
) -> Manifest:
    by_source: dict[str, list[str]] = {}
    for chunk in chunks:
        by_source.setdefault(chunk.source_id, []).append(chunk.id)
    return Manifest(
        version=version,
        snapshot=snapshot,
        embedder=embedder_name,
        created=dt.datetime.now(dt.UTC),
        sources=[
            IndexedSource(source=item.source, chunk_ids=by_source.get(item.source.id, []))
            for item in sorted(loaded, key=lambda i: i.source.id)
        ],
    )


def _lexicon_hash(lexicon: Lexicon) -> str:
    names = sorted(f"{c.id}:{'|'.join(c.all_names)}" for c in lexicon.concepts.values())
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:8]
