"""How hybrid retrieval's rankings become one: reciprocal rank fusion with the demotion of
superseded passages and other populations, per-source diversity, and the sources' ranking.

    fused = fuse(snapshot, (dense, lexical, titled, absent), settings, prefer_kinds)
    top = diverse(snapshot, fused, k, per_source)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from assistant.settings import RetrievalSettings
from ingest.records import SourceStatus
from ingest.store import Snapshot


def fuse(
    snapshot: Snapshot,
    rankings: Iterable[dict[int, float]],
    settings: RetrievalSettings,
    prefer_kinds: tuple[str, ...] = (),
) -> list[tuple[int, float]]:
    """Rows by the sum of their reciprocal ranks over the rankings (each a row -> score map)."""
    rrf_k = settings.rrf_k
    scores: dict[int, float] = {}
    for ranking in (_ranked(r) for r in rankings):
        for rank, row in enumerate(ranking):
            # A superseded passage, or one about another population than the corpus's
            # (a source's `population`), counts as if it ranked `superseded_demotion` lower;
            # a passage of a preferred kind, `kind_promotion` places higher.
            chunk = snapshot.chunks[row]
            other_population = snapshot.sources[chunk.source_id].population
            if chunk.status is SourceStatus.SUPERSEDED or other_population:
                rank += settings.superseded_demotion
            if chunk.kind.value in prefer_kinds:
                rank = max(0, rank - settings.kind_promotion)
            scores[row] = scores.get(row, 0.0) + 1.0 / (rrf_k + rank + 1)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def rank_sources(snapshot: Snapshot, fused: list[tuple[int, float]]) -> list[str]:
    """Sources by the fused score of their two best passages: a source with several relevant
    passages outranks one with a single lucky match."""
    best: dict[str, list[float]] = {}
    for row, score in fused:
        scores = best.setdefault(snapshot.chunks[row].source_id, [])
        if len(scores) < 2:
            scores.append(score)
    return sorted(best, key=lambda s: -(best[s][0] + 0.5 * sum(best[s][1:])))


def diverse(
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
