import itertools

from ingest.chunking import ChunkingConfig, chunk_source, sections
from ingest.records import Source
from ingest.sources import LoadedSource

TEXT = """# Summary
First summary sentence. Second summary sentence.

# Results
## Primary analysis
Primary result sentence one. Primary result sentence two.

## Updated analysis
Updated result sentence.
"""


def loaded(text: str = TEXT) -> LoadedSource:
    source = Source(
        id="doc", title="Doc", kind="trial", citation="c", year=2024, last_reviewed="2026-01-01"
    )
    return LoadedSource(source, text)


def test_sections_keep_their_heading_path() -> None:
    paths = [s.path for s in sections(TEXT)]
    assert paths == [("Summary",), ("Results", "Primary analysis"), ("Results", "Updated analysis")]


def test_a_chunk_never_spans_two_sections() -> None:
    chunks = chunk_source(loaded(), ChunkingConfig())
    assert [c.section for c in chunks] == [
        "Summary",
        "Results > Primary analysis",
        "Results > Updated analysis",
    ]
    assert "Updated" not in chunks[1].text


def test_long_sections_split_with_overlap_and_spans_match_the_text() -> None:
    body = " ".join(f"Sentence number {i} says a few words." for i in range(40))
    item = loaded(f"# Long\n{body}\n")
    chunks = chunk_source(item, ChunkingConfig(max_chars=300, overlap_chars=80))
    assert len(chunks) > 3
    assert all(len(c.text) <= 300 for c in chunks)
    for first, second in itertools.pairwise(chunks):
        assert first.text.split(". ")[-1].rstrip(".") in second.text  # overlap
    for chunk in chunks:
        assert item.text[chunk.start : chunk.end] == chunk.text


def test_ids_are_stable_and_change_with_the_text() -> None:
    first = chunk_source(loaded(), ChunkingConfig())
    again = chunk_source(loaded(), ChunkingConfig())
    assert [c.id for c in first] == [c.id for c in again]
    edited = chunk_source(
        loaded(TEXT.replace("Updated result", "Revised result")), ChunkingConfig()
    )
    assert [c.id for c in edited][:2] == [c.id for c in first][:2]
    assert edited[2].id != first[2].id
    assert first[1].id.startswith("doc:results-primary-analysis:0:")
