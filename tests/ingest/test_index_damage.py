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
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ingest.store import read_manifest
from tests.conftest import FIXTURES, free_port, wait_for_port
from tests.ingest.faults import bulk_source, cited_sources, one_line_error, run_cairn

pytestmark = pytest.mark.integration


def _sqlite(chroma: Path) -> Path:
    return chroma / "chroma.sqlite3"


def _segment(chroma: Path) -> Path:
    folders = [p for p in chroma.iterdir() if p.is_dir()]
    assert len(folders) == 1, folders
    return folders[0]


def _overwrite(path: Path, offset: int, size: int) -> None:
    with path.open("r+b") as handle:
        handle.seek(offset)
        handle.write(b"\xde\xad\xbe\xef" * (size // 4))


DAMAGE: dict[str, Callable[[Path], object]] = {
    "database-deleted": lambda c: _sqlite(c).unlink(),
    "database-empty": lambda c: _sqlite(c).write_bytes(b""),
    "database-garbled": lambda c: _overwrite(_sqlite(c), 64 * 1024, 64 * 1024),
    "vectors-truncated": lambda c: _truncate(_segment(c) / "data_level0.bin", 1000),
    "segment-deleted": lambda c: shutil.rmtree(_segment(c)),
    "header-garbled": lambda c: _overwrite(_segment(c) / "header.bin", 0, 100),
}


def _truncate(path: Path, size: int) -> None:
    with path.open("r+b") as handle:
        handle.truncate(size)


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
    DAMAGE[damage](data / "index" / "chroma")

    for command in (["ask", "zorbatinib dose?"], ["sources"]):
        error = one_line_error(run_cairn(command, corpus, data))
        assert "`cairn ingest" in error, error

    rebuilt = run_cairn(["ingest", "--rebuild"], corpus, data)
    assert rebuilt.returncode == 0, rebuilt.stderr[-3000:]
    answered = run_cairn(["ask", "zorbatinib dose?", "--json"], corpus, data)
    assert "zorbatinib-label" in cited_sources(answered)


def test_plain_ingest_names_rebuild_for_a_damaged_segment(copy: tuple[Path, Path]) -> None:
    corpus, data = copy
    DAMAGE["segment-deleted"](data / "index" / "chroma")
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
            fault="kill-chroma-server",
            CAIRN_CHROMA_URL=f"http://127.0.0.1:{port}",
            CAIRN_TEST_SERVER_PID=str(server.pid),
        )
        assert server.wait(timeout=10) == -signal.SIGKILL
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    error = one_line_error(done)
    assert f"Cannot reach the Chroma server at http://127.0.0.1:{port}" in error
    assert read_manifest(tmp_path / "var" / "index") is None
