"""Real damage to the files of an embedded index (its `chroma` folder), for the chaos run's
damage matrix and the index-damage tests; and the generated source that makes an index large
enough to be damaged.

    bulk_source(corpus, "filler", 1200)          # then `cairn ingest` over `corpus`
    DAMAGE["header-garbled"].apply(data / "index" / "chroma")

Chroma writes its vector segment files only once the index holds more vectors than it keeps in
its write-ahead log (1000): the segment cases need a source of more sections than that.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Damage:
    name: str
    description: str
    apply: Callable[[Path], object]


def _sqlite(chroma: Path) -> Path:
    return chroma / "chroma.sqlite3"


def _segment(chroma: Path) -> Path:
    folders = [p for p in chroma.iterdir() if p.is_dir()]
    if len(folders) != 1:
        raise ValueError(f"{chroma} has {len(folders)} segment folders, not one")
    return folders[0]


def _overwrite(path: Path, offset: int, size: int) -> None:
    with path.open("r+b") as handle:
        handle.seek(offset)
        handle.write(b"\xde\xad\xbe\xef" * (size // 4))


def _truncate(path: Path, size: int) -> None:
    with path.open("r+b") as handle:
        handle.truncate(size)


DAMAGE = {
    damage.name: damage
    for damage in (
        Damage("database-deleted", "chroma.sqlite3 deleted", lambda c: _sqlite(c).unlink()),
        Damage("database-empty", "chroma.sqlite3 0 bytes", lambda c: _sqlite(c).write_bytes(b"")),
        Damage(
            "database-garbled",
            "64 KB overwritten mid-database",
            lambda c: _overwrite(_sqlite(c), 64 * 1024, 64 * 1024),
        ),
        Damage(
            "vectors-truncated",
            "HNSW data_level0.bin cut to 1000 bytes",
            lambda c: _truncate(_segment(c) / "data_level0.bin", 1000),
        ),
        Damage(
            "segment-deleted",
            "vector segment folder deleted",
            lambda c: shutil.rmtree(_segment(c)),
        ),
        Damage(
            "header-garbled",
            "HNSW header.bin overwritten",
            lambda c: _overwrite(_segment(c) / "header.bin", 0, 100),
        ),
    )
}


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
