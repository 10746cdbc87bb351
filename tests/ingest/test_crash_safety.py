"""Killing `cairn ingest` at any moment leaves the previous index answering, and the next run
finishes the job. The kill is a real SIGKILL of a real ingest process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from assistant.retrieval import HybridRetriever
from assistant.settings import RetrievalSettings
from guardrails.lexicon import Lexicon
from ingest.embedding import default_embedder
from ingest.index import IndexLocation, open_index
from ingest.pipeline import IngestJob, run_ingest
from ingest.store import read_manifest
from tests.ingest.faults import WordEmbedder, bulk_source, cited_sources, run_cairn

pytestmark = pytest.mark.integration

# A driver that runs the real ingest and kills itself with SIGKILL at one point of the work.
DRIVER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    import ingest.pipeline as pipeline
    from guardrails.lexicon import Lexicon
    from ingest.embedding import default_embedder
    from ingest.index import IndexLocation

    point, corpus, root, chroma = sys.argv[1:5]

    def die(*_a, **_k):
        os.kill(os.getpid(), signal.SIGKILL)

    def after(name, count=1):
        original = getattr(pipeline, name)
        calls = []
        def wrapped(*a, **k):
            result = original(*a, **k)
            calls.append(1)
            if len(calls) >= count:
                die()
            return result
        setattr(pipeline, name, wrapped)

    if point == "mid-embedding":
        pipeline.EMBED_BATCH = 2
        original = pipeline.ChromaIndex.upsert
        def upsert(self, chunks, vectors):
            original(self, chunks, vectors)
            die()
        pipeline.ChromaIndex.upsert = upsert
    elif point == "after-snapshot":
        after("write_snapshot")
    elif point == "after-commit":
        after("commit_manifest")
    elif point == "mid-delete":
        original = pipeline.ChromaIndex.delete
        def delete(self, ids):
            ids = list(ids)
            original(self, ids[:1])
            die()
        pipeline.ChromaIndex.delete = delete

    lexicon = Lexicon.load(Path(corpus) / "rules" / "lexicon.yaml")
    job = pipeline.IngestJob(corpus=Path(corpus) / "sources", root=Path(root),
                             location=IndexLocation(path=Path(chroma)))
    pipeline.run_ingest(job, lexicon, default_embedder())
    """
)


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


def assert_answers_queries(root: Path, location: IndexLocation, lexicon: Lexicon) -> str:
    """The committed version answers; every chunk it lists is in the dense index."""
    manifest = read_manifest(root)
    assert manifest is not None
    live = {cid for s in manifest.sources for cid in s.chunk_ids}
    assert live <= open_index(location).ids()
    search = HybridRetriever(RetrievalSettings(), lexicon, default_embedder(), root, location)
    result = search.retrieve("zorbatinib dose", k=3)
    assert result.evidence and all(e.chunk.id in live for e in result.evidence)
    return manifest.version


@pytest.mark.parametrize("point", ["mid-embedding", "after-snapshot", "after-commit", "mid-delete"])
def test_killed_ingest_keeps_an_answering_index_and_the_next_run_completes(
    point: str, mini_corpus: Path, tmp_path: Path
) -> None:
    lexicon = Lexicon.load(mini_corpus / "rules" / "lexicon.yaml")
    root, location = tmp_path / "index", IndexLocation(path=tmp_path / "chroma")
    job = IngestJob(corpus=mini_corpus / "sources", root=root, location=location)
    v1 = run_ingest(job, lexicon, default_embedder()).version
    change_corpus(mini_corpus)

    killed = subprocess.run(
        [sys.executable, "-c", DRIVER, point, str(mini_corpus), str(root), str(location.path)],
        capture_output=True,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]

    version = assert_answers_queries(root, location, lexicon)
    expected_old = point in {"mid-embedding", "after-snapshot"}
    assert (version == v1) == expected_old

    final = run_ingest(job, lexicon, default_embedder())
    assert final.version != v1
    manifest = read_manifest(root)
    assert manifest is not None and manifest.version == final.version
    assert open_index(location).ids() == {cid for s in manifest.sources for cid in s.chunk_ids}
    assert assert_answers_queries(root, location, lexicon) == final.version


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
        assert_answers_queries(root, location, lexicon)
    done = subprocess.run([str(cairn), "ingest"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    manifest = read_manifest(root)
    assert manifest is not None
    assert {s.source.id for s in manifest.sources} >= {"widget-addendum"}
    assert open_index(location).ids() == {cid for s in manifest.sources for cid in s.chunk_ids}


# The real command line with a fast stand-in encoder (tests/ingest/faults.py) -------------------


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
