"""The dense index behind a narrow protocol; Chroma stays inside this module.

Two backends share one class: the embedded `PersistentClient` (default) and a Chroma server
through `HttpClient` when a URL is configured.

    index = open_index(IndexLocation(path=Path("var/index/chroma")))
    index.upsert(chunks, vectors)
    hits = index.query(vector, k=20, where={"status": "current"})
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import urlparse

import numpy as np

from guardrails.errors import CairnError
from ingest.embedding import Vectors
from ingest.records import Chunk

COLLECTION = "cairn-chunks"
_BATCH = 1000
T = TypeVar("T")


class IndexUnavailable(CairnError):
    """The index cannot be opened or reached."""


class IndexDamaged(CairnError):
    """The index opens but does not hold what it must (its files are damaged)."""


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

    def _call(self, action: Callable[[], T]) -> T:
        """Run one Chroma call; a dead server or damaged files become an IndexUnavailable."""
        try:
            return action()
        except CairnError:
            raise
        except Exception as exc:  # chromadb raises its own, Rust and transport errors
            raise _unavailable(self.location, exc) from exc

    def upsert(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        for start in range(0, len(chunks), _BATCH):
            batch = chunks[start : start + _BATCH]
            self._call(
                partial(
                    self._collection.upsert,
                    ids=[c.id for c in batch],
                    embeddings=np.asarray(vectors[start : start + _BATCH], dtype=np.float32),
                    metadatas=[c.metadata() for c in batch],
                    documents=[c.text for c in batch],
                )
            )

    def delete(self, ids: Iterable[str]) -> None:
        pending = list(ids)
        for start in range(0, len(pending), _BATCH):
            self._call(partial(self._collection.delete, ids=pending[start : start + _BATCH]))

    def ids(self) -> set[str]:
        found: set[str] = set()
        offset = 0
        while True:
            page = self._get(limit=10_000, offset=offset)
            found.update(page["ids"])
            if len(page["ids"]) < 10_000:
                return found
            offset += 10_000

    def some_id(self) -> str | None:
        """Any one stored id (None when the collection is empty)."""
        ids = self._get(limit=1)["ids"]
        return str(ids[0]) if ids else None

    def existing(self, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), _BATCH):
            found.update(self._get(ids=list(ids[start : start + _BATCH]))["ids"])
        return found

    def vectors(self, ids: Sequence[str]) -> dict[str, Vectors]:
        """The stored embeddings of the given chunk ids."""
        found: dict[str, Vectors] = {}
        for start in range(0, len(ids), _BATCH):
            page = self._get(ids=list(ids[start : start + _BATCH]), include=["embeddings"])
            for chunk_id, vector in zip(page["ids"], page["embeddings"], strict=True):
                found[chunk_id] = np.asarray(vector, dtype=np.float32)
        return found

    def _get(self, include: list[str] | None = None, **kw: Any) -> Any:
        return self._call(partial(self._collection.get, include=include or [], **kw))

    def count(self) -> int:
        return int(self._call(self._collection.count))

    def query(self, vector: Vectors, k: int, where: dict[str, Any] | None = None) -> list[DenseHit]:
        if k <= 0:
            return []
        result = self._call(
            lambda: self._collection.query(
                query_embeddings=np.asarray(vector, dtype=np.float32).reshape(1, -1),
                n_results=k,
                where=where or None,
                include=["distances"],
            )
        )
        ids = result["ids"][0]
        distances = (result.get("distances") or [[]])[0]
        return [DenseHit(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]


def open_index(location: IndexLocation, fresh: bool = False) -> ChromaIndex:
    """The embedded index at `location.path`, or the server at `location.url`. `fresh` starts
    from an empty collection: the embedded folder is deleted without being opened (damaged
    files can make Chroma fail, or fail again on the next attempt), the server's collection
    is dropped once the server answers."""
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
            if fresh:
                _drop_collection(client, location.collection)
        else:
            assert location.path is not None
            if fresh:
                _forget(location.path)
                shutil.rmtree(location.path, ignore_errors=True)
            location.path.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(location.path), settings=settings)
        return ChromaIndex(client, location)
    except Exception as exc:
        if location.path is not None and not location.url:
            _forget(location.path)  # else the next attempt in this process gets the broken one
        if isinstance(exc, IndexUnavailable):
            raise
        raise _unavailable(location, exc) from exc


def _drop_collection(client: Any, name: str) -> None:
    if name in {getattr(c, "name", c) for c in client.list_collections()}:
        client.delete_collection(name)


def _forget(path: Path) -> None:
    """Drop Chroma's cached client of an embedded folder (it keeps one per path per process)."""
    from chromadb.api.shared_system_client import SharedSystemClient

    system = SharedSystemClient._identifier_to_system.pop(str(path), None)
    SharedSystemClient._identifier_to_refcount.pop(str(path), None)
    if system is not None:
        with contextlib.suppress(Exception):  # a system that failed to start may fail to stop
            system.stop()


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
