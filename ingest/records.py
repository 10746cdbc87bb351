"""The records ingest produces: a `Source` (one document) and its `Chunk`s."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class SourceKind(StrEnum):
    GUIDELINE = "guideline"
    TRIAL = "trial"
    LABEL = "label"
    REVIEW = "review"
    CONSENSUS = "consensus"


class SourceStatus(StrEnum):
    CURRENT = "current"
    SUPERSEDED = "superseded"


class Source(BaseModel):
    """One source document's metadata (front matter or sidecar) and where it came from."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    kind: SourceKind
    citation: str
    year: int
    url: str | None = None
    last_reviewed: dt.date
    status: SourceStatus = SourceStatus.CURRENT
    superseded_by: str | None = None
    tags: tuple[str, ...] = ()
    recalled_facts: tuple[str, ...] = ()
    population: dict[str, str] = Field(
        default_factory=dict,
        description="the patients the source is about when they are not the corpus's own "
        "(fact ids of rules/facts.yaml); its passages rank lower unless a question names it",
    )
    covers: dict[str, tuple[str, ...]] = Field(
        default_factory=dict, description="subject id -> topics of it the source covers"
    )
    path: str = ""
    sha256: str = ""


class Chunk(BaseModel):
    """A passage of a source. `id` is stable: source id, section, ordinal and a content hash,
    so unchanged text keeps its id (and its embedding) across runs."""

    model_config = ConfigDict(frozen=True)

    id: str
    source_id: str
    section: str = Field(description="Section path, e.g. 'Results > Updated analysis'")
    text: str
    start: int = Field(description="Character offset of the chunk in the source text")
    end: int
    title: str
    kind: SourceKind
    status: SourceStatus
    year: int

    @property
    def embedding_text(self) -> str:
        """What the encoder sees: the title and section give a passage its context. Past the
        summary of a label, only the title's head (before a colon: the drug) comes along: a
        label's description repeats the corpus's scope, and on every small passage of every
        label it would pull all of them toward every question (a trial's or a guideline's
        description names its arms or subject and stays)."""
        head_only = self.kind is SourceKind.LABEL and not self.section.lower().startswith("summary")
        title = self.title.split(":")[0] if head_only else self.title
        return f"{title}. {self.section}. {self.text}"

    def metadata(self) -> dict[str, str | int]:
        return {
            "source_id": self.source_id,
            "section": self.section,
            "kind": self.kind.value,
            "status": self.status.value,
            "year": self.year,
        }
