"""The shared index suite: every test runs on the embedded index and on a real Chroma server."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.retrieve.retrieval import Filters, HybridRetriever
from assistant.settings import RetrievalSettings
from guardrails.lexicon import Lexicon
from ingest.embedding import Vectors, default_embedder
from ingest.index import IndexLocation, open_index
from ingest.pipeline import IngestJob, run_ingest
from ingest.sources import SourceError
from ingest.store import read_manifest

pytestmark = pytest.mark.integration


class CountingEmbedder:
    """The real model, counting what it is asked to embed."""

    def __init__(self) -> None:
        self.inner = default_embedder()
        self.name = self.inner.name
        self.dimensions = self.inner.dimensions
        self.embedded: list[str] = []

    def embed(self, texts: list[str]) -> Vectors:
        self.embedded.extend(texts)
        return self.inner.embed(texts)


def job(corpus: Path, root: Path, location: IndexLocation, **kw: object) -> IngestJob:
    return IngestJob(corpus=corpus / "sources", root=root, location=location, **kw)  # type: ignore[arg-type]


def retriever(root: Path, location: IndexLocation, lexicon: Lexicon) -> HybridRetriever:
    return HybridRetriever(RetrievalSettings(), lexicon, default_embedder(), root, location)


def test_full_then_incremental_ingest(
    mini_corpus: Path, tmp_path: Path, backend: IndexLocation
) -> None:
    lexicon = Lexicon.load(mini_corpus / "rules" / "lexicon.yaml")
    root, embedder = tmp_path / "index", CountingEmbedder()

    first = run_ingest(job(mini_corpus, root, backend), lexicon, embedder)
    assert sorted(first.added) == [
        "widget-guideline-2019", "widget-guideline-2024", "zorba-trial", "zorbatinib-label",
    ]  # fmt: skip
    manifest = read_manifest(root)
    assert manifest is not None
    live = {cid for s in manifest.sources for cid in s.chunk_ids}
    assert open_index(backend).ids() == live
    assert first.chunks_embedded == len(live)

    embedder.embedded.clear()
    again = run_ingest(job(mini_corpus, root, backend), lexicon, embedder)
    assert (len(again.unchanged), again.chunks_embedded, embedder.embedded) == (4, 0, [])
    assert again.version == first.version

    label = mini_corpus / "sources" / "zorbatinib-label.md"
    label.write_text(label.read_text().replace("150 mg orally", "200 mg orally"))
    (mini_corpus / "sources" / "widget-guideline-2019.md").unlink()
    changed = run_ingest(job(mini_corpus, root, backend), lexicon, embedder)
    assert changed.updated == ["zorbatinib-label"]
    assert changed.removed == ["widget-guideline-2019"]
    assert changed.chunks_embedded == 1  # only the edited section
    assert len(embedder.embedded) == 1 and "200 mg" in embedder.embedded[0]
    manifest = read_manifest(root)
    assert manifest is not None
    assert open_index(backend).ids() == {cid for s in manifest.sources for cid in s.chunk_ids}


def test_given_files_join_the_index_and_others_stay(
    mini_corpus: Path, tmp_path: Path, backend: IndexLocation
) -> None:
    lexicon = Lexicon.load(mini_corpus / "rules" / "lexicon.yaml")
    root = tmp_path / "index"
    run_ingest(job(mini_corpus, root, backend), lexicon, default_embedder())
    extra = tmp_path / "extra.md"
    extra.write_text(
        (mini_corpus / "sources" / "widget-guideline-2024.md")
        .read_text()
        .replace("widget-guideline-2024", "extra")
        .replace("recommends zorbatinib plus velmab", "recommends a quokka protocol")
    )
    report = run_ingest(job(mini_corpus, root, backend, paths=[extra]), lexicon, default_embedder())
    assert report.added == ["extra"] and len(report.unchanged) == 4 and report.removed == []
    hits = retriever(root, backend, lexicon).retrieve("quokka protocol", k=1)
    assert hits.evidence[0].source.id == "extra"


def test_an_invalid_source_leaves_the_previous_index_untouched(
    mini_corpus: Path, tmp_path: Path, backend: IndexLocation
) -> None:
    lexicon = Lexicon.load(mini_corpus / "rules" / "lexicon.yaml")
    root = tmp_path / "index"
    run_ingest(job(mini_corpus, root, backend), lexicon, default_embedder())
    before = (root / "manifest.json").read_bytes()
    bad = mini_corpus / "sources" / "zorba-trial.md"
    bad.write_text(bad.read_text().replace("kind: trial", "kind: rumour"))
    (mini_corpus / "sources" / "new-doc.md").write_text("no front matter at all\n")
    with pytest.raises(SourceError) as caught:
        run_ingest(job(mini_corpus, root, backend), lexicon, default_embedder())
    assert len(caught.value.problems) == 2
    assert (root / "manifest.json").read_bytes() == before
    assert retriever(root, backend, lexicon).retrieve("zorbatinib rash", k=2).evidence


def test_hybrid_retrieval_filters_and_ranks_superseded_last(
    mini_corpus: Path, tmp_path: Path, backend: IndexLocation
) -> None:
    lexicon = Lexicon.load(mini_corpus / "rules" / "lexicon.yaml")
    root = tmp_path / "index"
    run_ingest(job(mini_corpus, root, backend), lexicon, default_embedder())
    search = retriever(root, backend, lexicon)

    first_line = search.retrieve("first-line treatment of widget disease", k=20)
    sources = [e.source.id for e in first_line.evidence]
    assert sources.index("widget-guideline-2024") < sources.index("widget-guideline-2019")

    brand = search.retrieve("Zorbix dose reduction", k=1)
    assert brand.evidence[0].chunk.section == "Dose reductions"

    labels = search.retrieve("zorbatinib", k=10, filters=Filters(kinds=("label",)))
    assert {e.source.kind for e in labels.evidence} == {"label"}
    recent = search.retrieve("widget guideline", k=10, filters=Filters(year_max=2020))
    assert {e.source.id for e in recent.evidence} == {"widget-guideline-2019"}
