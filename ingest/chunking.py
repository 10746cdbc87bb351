"""Split a source into chunks along its section headings.

A chunk never spans two sections (of any heading level: the section path, e.g. 'Results >
Updated analysis', is kept with it); inside a section, paragraphs are packed up to
`max_chars` and consecutive chunks share up to `overlap_chars` of trailing sentences. Ids are
stable: the same text with the same metadata gets the same id on every run.

    chunks = chunk_source(loaded, ChunkingConfig())
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from guardrails.text import split_sentences
from ingest.records import Chunk, Source
from ingest.sources import LoadedSource

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.MULTILINE)

# Part of every chunk id: a change to what the encoder sees (Chunk.embedding_text) changes
# the ids, so the next ingest embeds every chunk again.
EMBEDDING_SCHEME = "label-title-head-v3"


@dataclass(frozen=True)
class ChunkingConfig:
    max_chars: int = 1100
    overlap_chars: int = 200


@dataclass(frozen=True)
class Section:
    path: tuple[str, ...]
    start: int  # offset of the section body (after its heading) in the source text
    text: str


def sections(text: str) -> list[Section]:
    """The sections of a Markdown-like text, each with its heading path."""
    found: list[Section] = []
    path: list[tuple[int, str]] = []
    position = 0
    heading_path: tuple[str, ...] = ("Introduction",)
    for match in _HEADING.finditer(text):
        _add_section(found, heading_path, text, position, match.start())
        level, title = len(match.group(1)), match.group(2).strip()
        path = [(lvl, t) for lvl, t in path if lvl < level] + [(level, title)]
        heading_path = tuple(t for _, t in path)
        position = match.end()
    _add_section(found, heading_path, text, position, len(text))
    return found


def _add_section(
    found: list[Section], path: tuple[str, ...], text: str, start: int, end: int
) -> None:
    body = text[start:end]
    if body.strip():
        found.append(Section(path, start, body))


def chunk_source(loaded: LoadedSource, config: ChunkingConfig) -> list[Chunk]:
    source = loaded.source
    chunks: list[Chunk] = []
    for section in sections(loaded.text):
        for ordinal, (start, end) in enumerate(_pack(section, config)):
            text = loaded.text[start:end].strip()
            chunks.append(_make_chunk(source, section, ordinal, text, start, end))
    return chunks


def _label(section: Section) -> str:
    return " > ".join(section.path)


def _pack(section: Section, config: ChunkingConfig) -> list[tuple[int, int]]:
    """Character spans (in the source text) of the chunks of one section."""
    sentences = split_sentences(section.text)
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(sentences):
        j = i
        while (
            j + 1 < len(sentences) and sentences[j + 1].end - sentences[i].start <= config.max_chars
        ):
            j += 1
        spans.append((section.start + sentences[i].start, section.start + sentences[j].end))
        if j + 1 >= len(sentences):
            break
        # Overlap: start the next chunk with the last sentences that fit in overlap_chars.
        k = j
        while k > i and sentences[j].end - sentences[k].start <= config.overlap_chars:
            k -= 1
        i = max(k + 1, i + 1)
    return spans


def _make_chunk(
    source: Source, section: Section, ordinal: int, text: str, start: int, end: int
) -> Chunk:
    label = _label(section)
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:60] or "section"
    fingerprint = "\x1f".join(
        (text, source.title, source.kind, source.status, str(source.year), label, EMBEDDING_SCHEME)
    )
    digest = hashlib.sha256(fingerprint.encode("utf-8")).hexdigest()[:10]
    return Chunk(
        id=f"{source.id}:{slug}:{ordinal}:{digest}",
        source_id=source.id,
        section=label,
        text=text,
        start=start,
        end=end,
        title=source.title,
        kind=source.kind,
        status=source.status,
        year=source.year,
    )
