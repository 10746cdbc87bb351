"""A damaged or unreachable dense index is an error naming the fix, never an empty answer with a
pass verdict, and one `cairn ingest --rebuild` repairs any damage to the embedded index.

The files are really damaged: Chroma's database deleted, emptied or overwritten in the middle,
its vector segment cut short, deleted or given a garbled header. The index holds more vectors
than Chroma keeps in its write-ahead log (1000), so the segment files are what it searches."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from evals.faults import DAMAGE, SERVER_FAULT, bulk_source, run_cairn
from evals.load import free_port, wait_for_port
from ingest.store import read_manifest
from tests.conftest import FIXTURES
from tests.ingest.faults import cited_sources, one_line_error

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A corpus of 1,211 chunks and its index, built once; tests damage copies."""
    root = tmp_path_factory.mktemp("damage")
    corpus = root / "corpus"
    shutil.copytree(FIXTURES / "mini", corpus)
    bulk_source(corpus, "zorba-registry", 1200, "Zorbatinib registry")
    done = run_cairn(["ingest"], corpus, root / "var")
    assert done.returncode == 0, done.stderr[-3000:]
    return corpus, root / "var"


@pytest.fixture
def copy(built: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    corpus, data = built
    shutil.copytree(data, tmp_path / "var")
    return corpus, tmp_path / "var"


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_index_is_an_error_and_one_rebuild_repairs_it(
    damage: str, copy: tuple[Path, Path]
) -> None:
    corpus, data = copy
    DAMAGE[damage].apply(data / "index" / "chroma")

    for command in (["ask", "zorbatinib dose?"], ["sources"]):
        error = one_line_error(run_cairn(command, corpus, data))
        assert "`cairn ingest" in error, error

    rebuilt = run_cairn(["ingest", "--rebuild"], corpus, data)
    assert rebuilt.returncode == 0, rebuilt.stderr[-3000:]
    answered = run_cairn(["ask", "zorbatinib dose?", "--json"], corpus, data)
    assert "zorbatinib-label" in cited_sources(answered)


def test_plain_ingest_names_rebuild_for_a_damaged_segment(copy: tuple[Path, Path]) -> None:
    corpus, data = copy
    DAMAGE["segment-deleted"].apply(data / "index" / "chroma")
    error = one_line_error(run_cairn(["ingest"], corpus, data))
    assert "`cairn ingest --rebuild`" in error


@pytest.fixture
def stopped_server(tmp_path: Path) -> Iterator[str]:
    """The address of a real `chroma run` server that was started, then killed."""
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    server = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "srv"), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, server)
    server.kill()
    server.wait()
    yield f"http://127.0.0.1:{port}"


def test_rebuild_against_an_unreachable_server_fails_before_touching_anything(
    copy: tuple[Path, Path], stopped_server: str
) -> None:
    corpus, data = copy
    index = data / "index"
    before = sorted(str(p.relative_to(index)) for p in index.rglob("*"))
    manifest = read_manifest(index)

    error = one_line_error(
        run_cairn(["ingest", "--rebuild"], corpus, data, CAIRN_CHROMA_URL=stopped_server)
    )
    assert f"Cannot reach the Chroma server at {stopped_server}" in error
    assert sorted(str(p.relative_to(index)) for p in index.rglob("*")) == before
    assert read_manifest(index) == manifest
    answered = run_cairn(["ask", "zorbatinib dose?", "--json"], corpus, data)
    assert "zorbatinib-label" in cited_sources(answered)


def test_a_chroma_server_dying_during_ingest_is_a_one_line_error(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    corpus, _ = built
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    server = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "srv"), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, server)
        done = run_cairn(
            ["ingest"],
            corpus,
            tmp_path / "var",
            fault=SERVER_FAULT,
            CAIRN_CHROMA_URL=f"http://127.0.0.1:{port}",
            CAIRN_FAULT_SERVER_PID=str(server.pid),
        )
        assert server.wait(timeout=10) == -signal.SIGKILL
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    error = one_line_error(done)
    assert f"Cannot reach the Chroma server at http://127.0.0.1:{port}" in error
    assert read_manifest(tmp_path / "var" / "index") is None
