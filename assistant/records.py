"""The assistant's records: retrieved evidence and the answer a user sees."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from guardrails.records import Passage, PatientContext, Review
from ingest.records import Chunk, Source


class Evidence(BaseModel):
    """A retrieved chunk with its scores; `n` is its citation number once cited."""

    model_config = ConfigDict(frozen=True)

    chunk: Chunk
    source: Source
    score: float = Field(description="Fused retrieval score")
    dense: float | None = Field(None, description="Cosine similarity to the question")
    lexical: float | None = Field(None, description="BM25 score")
    n: int | None = None

    def passage(self) -> Passage:
        return Passage(
            n=self.n, source_id=self.source.id, text=self.chunk.text, section=self.chunk.section
        )


class Citation(BaseModel):
    model_config = ConfigDict(frozen=True)

    n: int
    source_id: str
    title: str
    section: str
    citation: str
    year: int
    status: str
    url: str | None = None
    chunk_id: str
    snippet: str = Field(description="The cited passage")


class Answer(BaseModel):
    """What every interface shows: the text, its references and the review verdict."""

    question: str
    standalone_question: str
    search_query: str = Field("", description="What retrieval searched for")
    context: PatientContext
    text: str = Field(description="Markdown shown to the user (after review)")
    draft: str = Field("", description="The generator's text before review replaced it, if it did")
    citations: list[Citation]
    review: Review
    timings: dict[str, float] = Field(description="Milliseconds per stage")
    corpus_version: str
    evidence_as_of: dt.date | None = None
    generator: str
    covered: bool = True
    uncovered_topics: list[str] = Field(
        default_factory=list,
        description="Topic words of the question the sources do not cover (the answer says so "
        "first, then gives the closest material)",
    )
    assumptions: list[str] = Field(
        default_factory=list, description="Facts carried from earlier turns"
    )
    notices: list[str] = Field(default_factory=list, description="Urgent-care and fallback notices")
    retrieved: list[str] = Field(default_factory=list, description="Chunk ids retrieved")
    retrieved_sources: list[str] = Field(
        default_factory=list, description="Source ids in retrieval order (up to 20)"
    )
    invalid_markers: list[int] = Field(
        default_factory=list, description="Citation numbers that pointed to no passage (removed)"
    )
