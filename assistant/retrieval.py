"""Hybrid retrieval: dense (Chroma) and lexical (BM25) candidates fused by reciprocal rank.

    retriever = HybridRetriever.from_settings(settings, lexicon)
    result = retriever.retrieve("Enhertu dose", k=8, filters=Filters(kinds=("label",)))

Queries are expanded through the lexicon (an abbreviation gains its generic name for the encoder;
every name of a drug is one concept token for BM25). Superseded sources rank below current ones.
The snapshot is re-read when `cairn ingest` commits a new version, without a restart.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np

from assistant.records import Evidence
from assistant.settings import RetrievalSettings, Settings
from guardrails.errors import CairnError
from guardrails.lexicon import Lexicon
from ingest.embedding import Embedder, default_embedder
from ingest.index import ChromaIndex, DenseHit, IndexLocation, open_index
from ingest.integrity import damaged, too_few, verify
from ingest.lexical import Tokenizer
from ingest.records import SourceStatus
from ingest.store import MANIFEST, Snapshot, load_snapshot

T = TypeVar("T")


@dataclass(frozen=True)
class Filters:
    """Metadata filters; empty means no filter."""

    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    year_min: int | None = None
    year_max: int | None = None
    source_ids: tuple[str, ...] = ()

    def where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.kinds:
            clauses.append({"kind": {"$in": list(self.kinds)}})
        if self.statuses:
            clauses.append({"status": {"$in": list(self.statuses)}})
        if self.year_min is not None:
            clauses.append({"year": {"$gte": self.year_min}})
        if self.year_max is not None:
            clauses.append({"year": {"$lte": self.year_max}})
        if self.source_ids:
            clauses.append({"source_id": {"$in": list(self.source_ids)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def admits(self, kind: str, status: str, year: int, source_id: str) -> bool:
        return (
            (not self.kinds or kind in self.kinds)
            and (not self.statuses or status in self.statuses)
            and (self.year_min is None or year >= self.year_min)
            and (self.year_max is None or year <= self.year_max)
            and (not self.source_ids or source_id in self.source_ids)
        )


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
        fused = self._fuse(snapshot, dense, lexical, titled, prefer_kinds, absent)
        top = _diverse(snapshot, fused, k, per_source or self.settings.max_per_source)
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
        ranked_sources = _rank_sources(snapshot, fused)
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

    def _fuse(
        self,
        snapshot: Snapshot,
        dense: dict[int, float],
        lexical: dict[int, float],
        titled: dict[int, float],
        prefer_kinds: tuple[str, ...] = (),
        absent: dict[int, float] | None = None,
    ) -> list[tuple[int, float]]:
        rrf_k = self.settings.rrf_k
        scores: dict[int, float] = {}
        for ranking in (_ranked(dense), _ranked(lexical), _ranked(titled), _ranked(absent or {})):
            for rank, row in enumerate(ranking):
                # A superseded passage, or one about another population than the corpus's
                # (a source's `population`), counts as if it ranked `superseded_demotion` lower;
                # a passage of a preferred kind, `kind_promotion` places higher.
                chunk = snapshot.chunks[row]
                other_population = snapshot.sources[chunk.source_id].population
                if chunk.status is SourceStatus.SUPERSEDED or other_population:
                    rank += self.settings.superseded_demotion
                if chunk.kind.value in prefer_kinds:
                    rank = max(0, rank - self.settings.kind_promotion)
                scores[row] = scores.get(row, 0.0) + 1.0 / (rrf_k + rank + 1)
        return sorted(scores.items(), key=lambda item: (-item[1], item[0]))

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


def _rank_sources(snapshot: Snapshot, fused: list[tuple[int, float]]) -> list[str]:
    """Sources by the fused score of their two best passages: a source with several relevant
    passages outranks one with a single lucky match."""
    best: dict[str, list[float]] = {}
    for row, score in fused:
        scores = best.setdefault(snapshot.chunks[row].source_id, [])
        if len(scores) < 2:
            scores.append(score)
    return sorted(best, key=lambda s: -(best[s][0] + 0.5 * sum(best[s][1:])))


def _diverse(
    snapshot: Snapshot, fused: list[tuple[int, float]], k: int, per_source: int
) -> list[tuple[int, float]]:
    """The top k, at most `per_source` passages of one source while others remain, so one
    long document cannot crowd out the rest."""
    chosen: list[tuple[int, float]] = []
    held: list[tuple[int, float]] = []
    counts: dict[str, int] = {}
    for row, score in fused:
        source = snapshot.chunks[row].source_id
        if counts.get(source, 0) < per_source:
            chosen.append((row, score))
            counts[source] = counts.get(source, 0) + 1
        else:
            held.append((row, score))
        if len(chosen) == k:
            return chosen
    return sorted([*chosen, *held[: k - len(chosen)]], key=lambda item: -item[1])


def _ranked(scores: dict[int, float]) -> Sequence[int]:
    return sorted(scores, key=lambda row: (-scores[row], row))
