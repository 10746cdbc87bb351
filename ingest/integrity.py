"""Whether the dense index holds what the manifest says it holds.

Chroma answers from whatever files it finds: with its database deleted it starts an empty one,
with a vector segment deleted or cut short it searches what is left. A search over such an index
returns nothing, or too little, and the question would be answered "not covered" with a pass
verdict. These checks turn that into an error naming the fix.

    check_readable(index)            # every stored vector can be found by a search
    verify(index, manifest)          # and every passage the manifest lists is stored
"""

from __future__ import annotations

from ingest.index import ChromaIndex, IndexDamaged
from ingest.store import IndexMissing, Manifest

# Above this many vectors the search probe asks for this many hits only (it stays fast).
PROBE_LIMIT = 20_000


def too_few(found: int, wanted: int) -> bool:
    """An approximate (HNSW) search asked for every vector returns most but not all of them
    (1168 of 1211 on an intact index); a lost segment leaves a fraction (201 of 1200)."""
    return found < wanted // 2


class IndexIncomplete(IndexMissing):
    """The dense index lacks passages the committed manifest lists."""


def check_readable(index: ChromaIndex) -> int:
    """The number of stored vectors; IndexDamaged when a search cannot find them all."""
    count = index.count()
    probe = index.some_id()
    if count == 0 or probe is None:
        return count
    vector = index.vectors([probe]).get(probe)
    wanted = min(count, PROBE_LIMIT)
    found = len(index.query(vector, wanted)) if vector is not None else 0
    if too_few(found, wanted):
        raise damaged(index, f"a search finds {found} of its {count} vectors")
    return count


def verify(index: ChromaIndex, manifest: Manifest) -> int:
    """Check that the index holds every passage of `manifest` and that a search finds them;
    return how many stored vectors the manifest does not list (left by a killed ingest)."""
    live = [cid for s in manifest.sources for cid in s.chunk_ids]
    missing = len(live) - len(index.existing(live))
    if missing:
        raise IndexIncomplete(
            f"The {index.location.describe()} lacks {missing} of the {len(live)} passages of "
            f"corpus version {manifest.version}.",
            "Run `cairn ingest` to embed them again.",
        )
    return check_readable(index) - len(live)


def damaged(index: ChromaIndex, what: str) -> IndexDamaged:
    return IndexDamaged(
        f"The {index.location.describe()} is damaged: {what}.",
        "Run `cairn ingest --rebuild` to recreate it from the corpus.",
    )
