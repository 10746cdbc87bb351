"""Killing `cairn ingest` at any moment leaves the previous index answering, and the next run
finishes the job. The kill is a real SIGKILL of a real ingest process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.retrieve.retrieval import HybridRetriever
from assistant.settings import RetrievalSettings
from evals.faults import INGEST_FAULTS, FaultPoint, WordEmbedder, bulk_source, run_cairn
from guardrails.lexicon import Lexicon
from ingest.embedding import Embedder, default_embedder
from ingest.index import IndexLocation, open_index
from ingest.store import read_manifest
from tests.ingest.faults import cited_sources

pytestmark = pytest.mark.integration


def change_corpus(corpus: Path) -> None:
    """Version 2: one source edited, one removed, one added."""
    sources = corpus / "sources"
    label = sources / "zorbatinib-label.md"
    label.write_text(label.read_text().replace("150 mg orally", "175 mg orally"))
    (sources / "widget-guideline-2019.md").unlink()
    new = (sources / "widget-guideline-2024.md").read_text()
    (sources / "widget-addendum.md").write_text(
        new.replace("widget-guideline-2024", "widget-addendum").replace(
            "recommends zorbatinib plus velmab", "adds a pangolin schedule"
        )
    )


def assert_answers_queries(
    root: Path, location: IndexLocation, lexicon: Lexicon, embedder: Embedder
) -> str:
    """The committed version answers; every chunk it lists is in the dense index."""
    manifest = read_manifest(root)
    assert manifest is not None
    live = {cid for s in manifest.sources for cid in s.chunk_ids}
    assert live <= open_index(location).ids()
    search = HybridRetriever(RetrievalSettings(), lexicon, embedder, root, location)
    result = search.retrieve("zorbatinib dose", k=3)
    assert result.evidence and all(e.chunk.id in live for e in result.evidence)
    return manifest.version


@pytest.mark.parametrize("point", INGEST_FAULTS, ids=lambda p: p.name)
def test_killed_ingest_keeps_an_answering_index_and_the_next_run_completes(
    point: FaultPoint, mini_corpus: Path, tmp_path: Path
) -> None:
    """`cairn ingest` of a changed corpus killed at each named point of its work."""
    lexicon = Lexicon.load(mini_corpus / "rules" / "lexicon.yaml")
    data, root = tmp_path / "var", tmp_path / "var" / "index"
    location, embedder = IndexLocation(path=root / "chroma"), WordEmbedder()
    assert run_cairn(["ingest"], mini_corpus, data).returncode == 0
    v1 = assert_answers_queries(root, location, lexicon, embedder)
    change_corpus(mini_corpus)

    killed = run_cairn(["ingest"], mini_corpus, data, fault=point.name)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]

    version = assert_answers_queries(root, location, lexicon, embedder)
    assert (version != v1) == point.commits

    final = run_cairn(["ingest"], mini_corpus, data)
    assert final.returncode == 0, final.stderr[-2000:]
    manifest = read_manifest(root)
    assert manifest is not None and manifest.version != v1
    assert open_index(location).ids() == {cid for s in manifest.sources for cid in s.chunk_ids}
    assert assert_answers_queries(root, location, lexicon, embedder) == manifest.version


def test_cairn_ingest_killed_at_any_moment(mini_corpus: Path, tmp_path: Path) -> None:
    """The real command, killed at spread-out moments of its run."""
    lexicon = Lexicon.load(mini_corpus / "rules" / "lexicon.yaml")
    env = {
        **os.environ,
        "CAIRN_CORPUS_DIR": str(mini_corpus),
        "CAIRN_DATA_DIR": str(tmp_path / "var"),
        "CAIRN_CHROMA_URL": "",
    }
    env.pop("CAIRN_CHROMA_URL")
    cairn = Path(sys.executable).parent / "cairn"
    subprocess.run([str(cairn), "ingest"], env=env, check=True, capture_output=True)
    root, location = (
        tmp_path / "var" / "index",
        IndexLocation(path=tmp_path / "var" / "index" / "chroma"),
    )
    change_corpus(mini_corpus)
    for delay in (0.5, 1.5, 2.5, 3.5, 4.5):
        process = subprocess.Popen(
            [str(cairn), "ingest", "--rebuild"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert_answers_queries(root, location, lexicon, default_embedder())
    done = subprocess.run([str(cairn), "ingest"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    manifest = read_manifest(root)
    assert manifest is not None
    assert {s.source.id for s in manifest.sources} >= {"widget-addendum"}
    assert open_index(location).ids() == {cid for s in manifest.sources for cid in s.chunk_ids}


# The real command line with a fast stand-in encoder (evals/faults.py) -------------------------


@pytest.mark.parametrize(
    "fault", ["before-snapshot-rename", "after-snapshot-rename", "before-manifest-rename"]
)
def test_rebuild_killed_at_the_snapshot_swap_keeps_the_index_answering(
    fault: str, mini_corpus: Path, tmp_path: Path
) -> None:
    """A same-version `--rebuild` never deletes the live snapshot: it writes a new one beside
    it, and only the manifest moves readers on."""
    data = tmp_path / "var"
    assert run_cairn(["ingest"], mini_corpus, data).returncode == 0
    before = read_manifest(data / "index")

    killed = run_cairn(["ingest", "--rebuild"], mini_corpus, data, fault=fault)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    assert read_manifest(data / "index") == before
    answered = run_cairn(["ask", "zorbatinib dose?", "--json"], mini_corpus, data)
    assert "zorbatinib-label" in cited_sources(answered)

    again = run_cairn(["ingest"], mini_corpus, data)
    assert again.returncode == 0, again.stderr[-3000:]
    manifest = read_manifest(data / "index")
    assert manifest is not None and manifest.version == before.version  # type: ignore[union-attr]
    index = data / "index"
    assert [p.name for p in (index / "snapshots").iterdir()] == [manifest.snapshot]
    assert not list(index.glob(".manifest.json.*"))  # drafts of killed runs are removed


def test_vectors_of_a_killed_ingest_do_not_crowd_out_the_answer(
    mini_corpus: Path, tmp_path: Path
) -> None:
    """A killed ingest of a large new source leaves vectors the manifest does not list, all
    closer to the question than the indexed passages; the question still finds those, and
    the next ingest deletes the leftovers."""
    data, index = tmp_path / "var", tmp_path / "var" / "index"
    assert run_cairn(["ingest"], mini_corpus, data).returncode == 0
    registry = bulk_source(mini_corpus, "zorba-dose-registry", 400, "Zorbatinib dose")
    killed = run_cairn(["ingest"], mini_corpus, data, fault="after-first-upsert")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    location = IndexLocation(path=index / "chroma")
    manifest = read_manifest(index)
    assert manifest is not None
    live = {cid for s in manifest.sources for cid in s.chunk_ids}
    assert len(open_index(location).ids() - live) >= 128  # one batch of the new source

    lexicon = Lexicon.load(mini_corpus / "rules" / "lexicon.yaml")
    search = HybridRetriever(RetrievalSettings(), lexicon, WordEmbedder(), index, location)
    result = search.retrieve("zorbatinib dose", k=3)
    assert result.best_similarity > 0.3
    assert any(e.dense is not None for e in result.evidence)

    registry.unlink()
    assert run_cairn(["ingest"], mini_corpus, data).returncode == 0
    manifest = read_manifest(index)
    assert manifest is not None
    assert open_index(location).ids() == {cid for s in manifest.sources for cid in s.chunk_ids}
