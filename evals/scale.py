"""The scale run: synthetic corpora of N chunks made from the real one by perturbation.

Each synthetic chunk is a real chunk with its sentences shuffled, some words dropped and its
numbers changed; its vector is the real chunk's vector plus noise. The encoder is not re-run
(its throughput is measured on the real corpus), so the figures show how the index writes and
queries grow with size. Everything lives in a temporary folder and is deleted afterwards.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant.indexing import index_location
from assistant.pipeline import Cairn
from assistant.retrieve.retrieval import HybridRetriever
from evals.metrics import percentile
from ingest.embedding import default_embedder
from ingest.index import IndexLocation, open_index
from ingest.lexical import LexicalIndex, Tokenizer
from ingest.records import Chunk
from ingest.store import IndexedSource, Manifest, Snapshot, commit_manifest, write_snapshot

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def scale_run(snapshot: Snapshot, cairn: Cairn, questions: list[str], size: int) -> dict[str, Any]:
    rng = random.Random(size)
    base = snapshot.chunks
    real = open_index(index_location(cairn.settings)).vectors([c.id for c in base])
    chunks = [_perturb(base[i % len(base)], i, rng) for i in range(size)]
    noise = np.random.default_rng(size)
    vectors = np.stack([real[base[i % len(base)].id] for i in range(size)])
    vectors = vectors + noise.normal(0, 0.03, vectors.shape).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    with tempfile.TemporaryDirectory(prefix=f"cairn-scale-{size}-") as scratch:
        root = Path(scratch)
        location = IndexLocation(path=root / "chroma")
        started = time.perf_counter()
        index = open_index(location)
        index.upsert(chunks, vectors)
        dense_seconds = time.perf_counter() - started
        started = time.perf_counter()
        tokenizer = Tokenizer(cairn.rules.lexicon)
        lexical = LexicalIndex.build([tokenizer(c.embedding_text) for c in chunks])
        write_snapshot(root, "scale", chunks, lexical)
        commit_manifest(root, _manifest(snapshot, chunks))
        lexical_seconds = time.perf_counter() - started
        retriever = HybridRetriever(
            cairn.settings.retrieval, cairn.rules.lexicon, default_embedder(), root, location
        )
        retriever.retrieve(questions[0], 8)
        times = []
        for question in questions:
            started = time.perf_counter()
            retriever.retrieve(question, 8)
            times.append((time.perf_counter() - started) * 1000)
    return {
        "chunks": size,
        "index_chunks_per_s": round(size / (dense_seconds + lexical_seconds), 1),
        "dense_write_s": round(dense_seconds, 1),
        "lexical_build_s": round(lexical_seconds, 1),
        "retrieve_p50_ms": round(percentile(times, 0.5), 1),
        "retrieve_p95_ms": round(percentile(times, 0.95), 1),
    }


def _perturb(chunk: Chunk, i: int, rng: random.Random) -> Chunk:
    sentences = re.split(r"(?<=[.!?])\s+", chunk.text)
    rng.shuffle(sentences)
    words = [w for w in " ".join(sentences).split() if rng.random() > 0.1]
    text = _NUMBER.sub(lambda m: f"{float(m.group()) * rng.uniform(0.8, 1.2):.1f}", " ".join(words))
    return chunk.model_copy(update={"id": f"synthetic-{i}", "text": text})


def _manifest(snapshot: Snapshot, chunks: list[Chunk]) -> Manifest:
    by_source: dict[str, list[str]] = {}
    for chunk in chunks:
        by_source.setdefault(chunk.source_id, []).append(chunk.id)
    return Manifest(
        version="scale",
        snapshot="scale",
        embedder="synthetic",
        created=dt.datetime.now(dt.UTC),
        sources=[
            IndexedSource(source=s.source, chunk_ids=by_source.get(s.source.id, []))
            for s in snapshot.manifest.sources
        ],
    )
