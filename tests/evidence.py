"""Retrieved passages for tests that need an `Evidence` without an index."""

from __future__ import annotations

import datetime as dt
from typing import Any

from assistant.records import Evidence
from ingest.records import Chunk, Source, SourceKind, SourceStatus


def make_evidence(
    source_id: str = "label-x",
    text: str = "A passage.",
    *,
    n: int | None = None,
    section: str = "Dose",
    kind: SourceKind = SourceKind.LABEL,
    score: float = 1.0,
    dense: float | None = None,
    **source: Any,
) -> Evidence:
    """A passage of a one-passage source; `source` overrides the Source's fields (title,
    citation, year, status, superseded_by, url)."""
    fields: dict[str, Any] = {
        "id": source_id,
        "title": source_id.title(),
        "kind": kind,
        "citation": "c",
        "year": 2025,
        "last_reviewed": dt.date(2025, 1, 1),
        "status": SourceStatus.CURRENT,
    }
    record = Source(**{**fields, **source})
    chunk = Chunk(
        id=f"{source_id}:{section.lower().replace(' ', '-')}:0:aa",
        source_id=source_id,
        section=section,
        text=text,
        start=0,
        end=len(text),
        title=record.title,
        kind=record.kind,
        status=record.status,
        year=record.year,
    )
    return Evidence(chunk=chunk, source=record, score=score, dense=dense, n=n)
