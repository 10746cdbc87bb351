"""Metadata filters of a search: kinds, statuses, a year range, source ids.

Filters(kinds=("label",)).where()   # Chroma's where clause
Filters(source_ids=("a",)).admits("label", "current", 2024, "a")  # BM25's mask
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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
