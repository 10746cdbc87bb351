"""Index the corpus from settings: the entry point shared by the CLI and the UI.

report = ingest(Settings.load())           # sync corpus/sources
report = ingest(settings, [Path("new.md")])  # add or update one file
"""

from __future__ import annotations

from pathlib import Path

from assistant.render.progress import TerminalProgress
from assistant.settings import Settings
from ingest.chunking import ChunkingConfig
from ingest.corpus_info import CorpusInfo
from ingest.embedding import default_embedder
from ingest.index import IndexLocation
from ingest.pipeline import IngestJob, IngestReport, Progress, run_ingest
from ingest.rule_files import load_lexicon
from ingest.sources import SourceLimits


def index_location(settings: Settings) -> IndexLocation:
    return IndexLocation(
        path=settings.index.index_dir / "chroma",
        url=settings.index.chroma_url,
        collection=settings.index.collection,
    )


def source_limits(settings: Settings) -> SourceLimits:
    return SourceLimits(
        max_bytes=int(settings.index.max_source_mb * 2**20),
        max_chunks=settings.index.max_source_chunks,
    )


def ingest(
    settings: Settings,
    paths: list[Path] | None = None,
    rebuild: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    job = IngestJob(
        corpus=settings.corpus.sources_dir,
        root=settings.index.index_dir,
        location=index_location(settings),
        paths=paths,
        rebuild=rebuild,
        chunking=ChunkingConfig(
            max_chars=settings.index.chunk_max_chars,
            overlap_chars=settings.index.chunk_overlap_chars,
        ),
        limits=source_limits(settings),
    )
    CorpusInfo.load(settings.corpus.corpus_dir / "corpus.yaml")  # refuse a corpus without one
    lexicon = load_lexicon(settings.corpus.rules_dir / "lexicon.yaml")
    reporter = progress or TerminalProgress()
    try:
        return run_ingest(job, lexicon, default_embedder(), reporter)
    finally:
        if isinstance(reporter, TerminalProgress):
            reporter.close()
