"""The dense index behind a narrow protocol; Chroma stays inside this module.

Two backends share one class: the embedded `PersistentClient` (default) and a Chroma server
through `HttpClient` when a URL is configured.

    index = open_index(IndexLocation(path=Path("var/index/chroma")))
    index.upsert(chunks, vectors)
    hits = index.query(vector, k=20, where={"status": "current"})
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

import numpy as np

from guardrails.errors import CairnError
from ingest.embedding import Vectors
from ingest.records import Chunk

COLLECTION = "cairn-chunks"
_BATCH = 1000


class IndexUnavailable(CairnError):
    """The index cannot be opened or reached."""


@dataclass(frozen=True)
class DenseHit:
    chunk_id: str
    similarity: float  # cosine similarity, 1.0 = identical


@dataclass(frozen=True)
class IndexLocation:
    path: Path | None = None
    url: str | None = None
    collection: str = COLLECTION

    def describe(self) -> str:
        return f"Chroma server {self.url}" if self.url else f"embedded index at {self.path}"


class VectorIndex(Protocol):
    def upsert(self, chunks: Sequence[Chunk], vectors: Vectors) -> None: ...

    def delete(self, ids: Iterable[str]) -> None: ...

    def ids(self) -> set[str]: ...

    def query(
        self, vector: Vectors, k: int, where: dict[str, Any] | None = None
    ) -> list[DenseHit]: ...


class ChromaIndex:
    """A Chroma collection of chunk embeddings (cosine space); no embedding function of its own."""

    def __init__(self, client: Any, location: IndexLocation) -> None:
        self.location = location
        try:
            self._collection = client.get_or_create_collection(
                location.collection,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
            )
        except Exception as exc:  # chromadb raises its own and transport errors
            raise _unavailable(location, exc) from exc

    def upsert(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        for start in range(0, len(chunks), _BATCH):
            batch = chunks[start : start + _BATCH]
            self._collection.upsert(
                ids=[c.id for c in batch],
                embeddings=np.asarray(vectors[start : start + _BATCH], dtype=np.float32),
                metadatas=[c.metadata() for c in batch],
                documents=[c.text for c in batch],
            )

    def delete(self, ids: Iterable[str]) -> None:
        pending = list(ids)
        for start in range(0, len(pending), _BATCH):
            self._collection.delete(ids=pending[start : start + _BATCH])

    def ids(self) -> set[str]:
        found: set[str] = set()
        offset = 0
        while True:
            page = self._collection.get(include=[], limit=10_000, offset=offset)
            found.update(page["ids"])
            if len(page["ids"]) < 10_000:
                return found
            offset += 10_000

    def existing(self, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), _BATCH):
            found.update(
                self._collection.get(ids=list(ids[start : start + _BATCH]), include=[])["ids"]
            )
        return found

    def vectors(self, ids: Sequence[str]) -> dict[str, Vectors]:
        """The stored embeddings of the given chunk ids."""
        found: dict[str, Vectors] = {}
        for start in range(0, len(ids), _BATCH):
            page = self._collection.get(
                ids=list(ids[start : start + _BATCH]), include=["embeddings"]
            )
            for chunk_id, vector in zip(page["ids"], page["embeddings"], strict=True):
                found[chunk_id] = np.asarray(vector, dtype=np.float32)
        return found

    def count(self) -> int:
        return int(self._collection.count())

    def query(self, vector: Vectors, k: int, where: dict[str, Any] | None = None) -> list[DenseHit]:
        if k <= 0:
            return []
        try:
            result = self._collection.query(
                query_embeddings=np.asarray(vector, dtype=np.float32).reshape(1, -1),
                n_results=k,
                where=where or None,
                include=["distances"],
            )
        except Exception as exc:
            raise _unavailable(self.location, exc) from exc
        ids = result["ids"][0]
        distances = (result.get("distances") or [[]])[0]
        return [DenseHit(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]


def open_index(location: IndexLocation) -> ChromaIndex:
    """The embedded index at `location.path`, or the server at `location.url`."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    try:
        if location.url:
            parsed = urlparse(location.url)
            if not parsed.hostname:
                raise IndexUnavailable(
                    f"CAIRN_CHROMA_URL '{location.url}' is not a URL.",
                    "Set it like http://127.0.0.1:8000, or unset it to use the embedded index.",
                )
            client = chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=settings,
            )
        else:
            assert location.path is not None
            location.path.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(location.path), settings=settings)
    except IndexUnavailable:
        raise
    except Exception as exc:
        raise _unavailable(location, exc) from exc
    return ChromaIndex(client, location)


def _unavailable(location: IndexLocation, exc: Exception) -> IndexUnavailable:
    if location.url:
        return IndexUnavailable(
            f"Cannot reach the Chroma server at {location.url} ({type(exc).__name__}).",
            "Start it (`chroma run --path DIR --port PORT`) or unset CAIRN_CHROMA_URL "
            "to use the embedded index.",
        )
    return IndexUnavailable(
        f"The embedded index at {location.path} cannot be opened ({exc}).",
        "Run `cairn ingest --rebuild` to rebuild it from corpus/sources.",
    )
