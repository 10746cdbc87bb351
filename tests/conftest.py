"""Shared fixtures: corpora, settings, the embedding model, a real Chroma server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from filelock import FileLock

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from assistant.settings import CorpusSettings, IndexSettings, Settings
from evals.load import free_port, listening
from ingest.index import IndexLocation

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REAL_CORPUS = ROOT / "corpus"


@pytest.fixture
def mini_corpus(tmp_path: Path) -> Path:
    """A writable copy of the small fictional corpus (four sources, one lexicon)."""
    target = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "mini", target)
    return target


def make_settings(
    corpus: Path, data: Path, chroma_url: str | None = None, collection: str = "cairn-chunks"
) -> Settings:
    return Settings(
        corpus=CorpusSettings(corpus_dir=corpus),
        index=IndexSettings(data_dir=data, chroma_url=chroma_url, collection=collection),
    )


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `chroma run` on a free loopback port, stopped at the end of the session."""
    chroma = Path(sys.executable).parent / "chroma"
    data = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    argv = [str(chroma), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)]
    with listening(argv, port, 30, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(params=["embedded", "server"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> IndexLocation:
    """Every index test runs against the embedded index and a real Chroma server."""
    if request.param == "embedded":
        return IndexLocation(path=tmp_path / "chroma")
    url = request.getfixturevalue("chroma_server")
    return IndexLocation(url=url, collection=f"test-{uuid.uuid4().hex[:12]}")


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings over the real corpus with an index built once per test run: under pytest-xdist
    the first worker builds it in the run's shared directory, and every worker answers from its
    own copy (7 MB; embedding the corpus again would take minutes)."""
    from assistant.indexing import ingest

    if os.environ.get("PYTEST_XDIST_WORKER"):
        built = tmp_path_factory.getbasetemp().parent / "real-index"  # this run's, not older runs'
    else:
        built = tmp_path_factory.mktemp("real-index-built")
    with FileLock(f"{built}.lock"):
        if not (built / "index" / "manifest.json").is_file():
            ingest(make_settings(REAL_CORPUS, built))
    data = tmp_path_factory.mktemp("real-index")
    shutil.copytree(built / "index", data / "index")
    return make_settings(REAL_CORPUS, data)


@pytest.fixture(scope="session")
def real_cairn(real_settings: Settings):  # type: ignore[no-untyped-def]
    from assistant.pipeline import Cairn

    return Cairn.from_settings(real_settings)
