"""Hybrid retrieval: dense (Chroma) and lexical (BM25) candidates fused by reciprocal rank.

    retriever = HybridRetriever.from_settings(settings, lexicon)
    result = retriever.retrieve("Enhertu dose", k=8, filters=Filters(kinds=("label",)))

Queries are expanded through the lexicon (an abbreviation gains its generic name for the encoder;
every name of a drug is one concept token for BM25). Superseded sources rank below current ones.
The snapshot is re-read when `cairn ingest` commits a new version, without a restart. The
rankings are fused, and the top k chosen, in `assistant.retrieve.ranking`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

import numpy as np

from assistant.records import Evidence
from assistant.retrieve.filters import Filters
from assistant.retrieve.ranking import diverse, fuse, rank_sources
from assistant.settings import RetrievalSettings, Settings
from guardrails.errors import CairnError
from guardrails.lexicon import Lexicon
from ingest.embedding import Embedder, default_embedder
from ingest.index import ChromaIndex, DenseHit, IndexLocation, open_index
from ingest.integrity import damaged, too_few, verify
from ingest.lexical import Tokenizer
from ingest.store import MANIFEST, Snapshot, load_snapshot

T = TypeVar("T")


@dataclass
class RetrievalResult:
    evidence: list[Evidence]
    ranked_sources: list[str] = field(default_factory=list)
    best_similarity: float = 0.0
    query_terms: list[str] = field(default_factory=list)
    matched_terms: list[str] = field(default_factory=list)

    @property
    def term_coverage(self) -> float:
        """Share of the query's terms that occur in the retrieved passages."""
        return len(self.matched_terms) / len(self.query_terms) if self.query_terms else 0.0


class Retriever(Protocol):
    def retrieve(
        self,
        query: str,
        k: int,
        filters: Filters | None = None,
        prefer_kinds: tuple[str, ...] = (),
        per_source: int | None = None,
    ) -> RetrievalResult: ...

    def passage_from(self, source_id: str, query: str) -> Evidence | None: ...

    @property
    def snapshot(self) -> Snapshot: ...


class HybridRetriever:
    def __init__(
        self,
        settings: RetrievalSettings,
        lexicon: Lexicon,
        embedder: Embedder,
        index_root: Path,
        location: IndexLocation,
    ) -> None:
        self.settings = settings
        self.lexicon = lexicon
        self.embedder = embedder
        self.tokenizer = Tokenizer(lexicon)
        self.index_root = index_root
        self.location = location
        self._index: ChromaIndex | None = None
        self._snapshot: Snapshot | None = None
        self._manifest_stamp: tuple[int, int] | None = None
        self._lock = threading.Lock()
        self._vectors: dict[str, np.ndarray] = {}
        self._terms: dict[str, set[str]] = {}
        self._headings: dict[str, frozenset[str]] = {}

    @classmethod
    def from_settings(cls, settings: Settings, lexicon: Lexicon) -> HybridRetriever:
        from assistant.indexing import index_location

        location = index_location(settings)
        return cls(
            settings.retrieval, lexicon, default_embedder(), settings.index.index_dir, location
        )

    @property
    def snapshot(self) -> Snapshot:
        """The committed snapshot, its dense index checked against it; re-read when the
        manifest changes on disk. A failed check is raised again on the next call."""
        path = self.index_root / MANIFEST
        try:
            info = path.stat()
            stamp = (info.st_mtime_ns, info.st_size)
        except FileNotFoundError:
            stamp = None
        with self._lock:
            if self._snapshot is None or stamp != self._manifest_stamp:
                snapshot = load_snapshot(self.index_root)
                self._checked(lambda index: verify(index, snapshot.manifest))
                self._snapshot, self._manifest_stamp = snapshot, stamp
            return self._snapshot

    @property
    def index(self) -> ChromaIndex:
        if self._index is None:
            self._index = open_index(self.location)
        return self._index

    def _checked(self, action: Callable[[ChromaIndex], T]) -> T:
        """Run `action` on the dense index; after a failure the index is opened afresh next
        time (a restarted server, an index rebuilt by another process)."""
        try:
            return action(self.index)
        except CairnError:
            self._index = None
            raise

    def expand(self, query: str) -> str:
        """The query with the generic name after each abbreviation or brand, for the encoder."""
        pieces, position = [], 0
        for mention in self.lexicon.find(query):
            generic = self.lexicon.label(mention.concept_id)
            pieces.append(query[position : mention.end])
            position = mention.end
            if generic.lower() != mention.text.lower():
                pieces.append(f" ({generic})")
        pieces.append(query[position:])
        return "".join(pieces)

    def embed_query(self, text: str) -> np.ndarray:
        vector = self._vectors.get(text)
        if vector is None:
            vector = self.embedder.embed([text])[0]
            if len(self._vectors) > 2048:
                self._vectors.clear()
            self._vectors[text] = vector
        return vector

    def retrieve(
        self,
        query: str,
        k: int,
        filters: Filters | None = None,
        prefer_kinds: tuple[str, ...] = (),
        per_source: int | None = None,
    ) -> RetrievalResult:
        """The top k passages; `prefer_kinds` ranks sources of those kinds (e.g. labels for a
        dose question) a few places higher; `per_source` overrides how many passages of one
        source may be chosen while other sources remain."""
        snapshot = self.snapshot
        filters = filters or Filters()
        candidates = max(self.settings.candidates, k)
        dense = self._dense(snapshot, query, candidates, filters)
        tokens = self.tokenizer(query)
        lexical = self._lexical(snapshot, tokens, candidates, filters)
        titled = self._titled(snapshot, set(tokens), dense.keys() | lexical.keys())
        absent = self._absent(snapshot, tokens, lexical)
        fused = fuse(snapshot, (dense, lexical, titled, absent), self.settings, prefer_kinds)
        top = diverse(snapshot, fused, k, per_source or self.settings.max_per_source)
        evidence = [
            Evidence(
                chunk=snapshot.chunks[row],
                source=snapshot.sources[snapshot.chunks[row].source_id],
                score=score,
                dense=dense.get(row),
                lexical=lexical.get(row),
            )
            for row, score in top
        ]
        terms = sorted(set(tokens))
        seen = {t for row, _ in top for t in self._row_terms(snapshot, row)}
        ranked_sources = rank_sources(snapshot, fused)
        return RetrievalResult(
            evidence=evidence,
            ranked_sources=ranked_sources[:20],
            best_similarity=max(dense.values(), default=0.0),
            query_terms=terms,
            matched_terms=[t for t in terms if t in seen],
        )

    def passage_from(self, source_id: str, query: str) -> Evidence | None:
        """The passage of one source that best matches `query` (for rule-backed statements)."""
        result = self.retrieve(query, k=1, filters=Filters(source_ids=(source_id,)))
        if result.evidence:
            return result.evidence[0]
        snapshot = self.snapshot
        for chunk in snapshot.chunks:
            if chunk.source_id == source_id:
                return Evidence(chunk=chunk, source=snapshot.sources[source_id], score=0.0)
        return None

    def _dense(
        self, snapshot: Snapshot, query: str, candidates: int, filters: Filters
    ) -> dict[int, float]:
        vector = self.embed_query(self.expand(query))
        where = filters.where()

        def search(index: ChromaIndex) -> list[DenseHit]:
            # Vectors the manifest does not list (a killed ingest wrote them) must not crowd
            # out the listed ones: ask for as many more hits as there are.
            extra = max(0, index.count() - len(snapshot.chunks))
            hits = index.query(vector, candidates + 10 + extra, where=where)
            if where is None and too_few(len(hits), min(candidates, len(snapshot.chunks))):
                raise damaged(index, f"a search returned {len(hits)} passages")
            return hits

        found: dict[int, float] = {}
        for hit in self._checked(search):
            row = snapshot.by_id.get(hit.chunk_id)  # ids outside the manifest are stale
            if row is not None and len(found) < candidates:
                found[row] = hit.similarity
        return found

    def _lexical(
        self, snapshot: Snapshot, tokens: list[str], candidates: int, filters: Filters
    ) -> dict[int, float]:
        mask = None
        if filters.where() is not None:
            mask = np.array(
                [
                    filters.admits(c.kind.value, c.status.value, c.year, c.source_id)
                    for c in snapshot.chunks
                ],
                dtype=np.float32,
            )
        return dict(snapshot.lexical.search(tokens, candidates, mask))

    def _titled(
        self, snapshot: Snapshot, query: set[str], candidates: Iterable[int]
    ) -> dict[int, float]:
        """Candidates whose section heading the question spells out ("grade 1 ILD" and the
        section "Grade 1"), scored by the heading's words: a third vote in the fusion."""
        found = {}
        for row in candidates:
            chunk = snapshot.chunks[row]
            words = self._headings.get(chunk.id)
            if words is None:
                leaf = chunk.section.split(" > ")[-1]
                words = self._headings[chunk.id] = frozenset(self.tokenizer(leaf))
            if words and words <= query:
                found[row] = float(len(words))
        return found

    def _absent(
        self, snapshot: Snapshot, tokens: list[str], lexical: dict[int, float]
    ) -> dict[int, float]:
        """Candidates that share a name the query marks as absent ("chemo-free"), by their
        lexical score: a vote for a constraint the encoder cannot represent."""
        wanted = {t for t in tokens if t.endswith(":absent")}
        if not wanted:
            return {}
        return {
            row: score for row, score in lexical.items() if wanted & self._row_terms(snapshot, row)
        }

    def _row_terms(self, snapshot: Snapshot, row: int) -> set[str]:
        chunk = snapshot.chunks[row]
        terms = self._terms.get(chunk.id)
        if terms is None:
            terms = self._terms[chunk.id] = set(self.tokenizer(chunk.embedding_text))
        return terms
