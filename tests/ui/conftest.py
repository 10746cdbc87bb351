"""A real `cairn serve` on a free loopback port over a private copy of the corpus (uploads in the
browser tests write there, never into the repository's corpus)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.settings import Settings
from tests.conftest import FIXTURES, REAL_CORPUS, free_port, listening

EDITOR = ("editor", "correct horse battery staple")


@dataclass(frozen=True)
class Served:
    url: str
    corpus: Path
    data: Path

    @property
    def log(self) -> Path:
        """What the server printed (stdout and stderr)."""
        return self.data.parent / "serve.log"


@contextlib.contextmanager
def serve(root: Path, source: Path, index_of: Path | None = None) -> Iterator[Served]:
    """`cairn ingest` then `cairn serve` over a copy of the corpus at `source`; `index_of`: a
    data directory whose index of the same corpus is copied first (ingest then embeds nothing)."""
    corpus, data = root / "corpus", root / "var"
    shutil.copytree(source, corpus)
    if index_of is not None:
        shutil.copytree(index_of / "index", data / "index")
    env = {
        **os.environ,
        "CAIRN_CORPUS_DIR": str(corpus),
        "CAIRN_DATA_DIR": str(data),
        "CAIRN_EDITOR_USER": EDITOR[0],
        "CAIRN_EDITOR_PASSWORD": EDITOR[1],
        "CAIRN_GENERATOR": "extractive",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "GRADIO_TEMP_DIR": str(data / "gradio"),  # uploads, where the tests can see them
        "CAIRN_SIGNIN_BACKOFF_S": "0.2",
        "CAIRN_SIGNIN_BACKOFF_MAX_S": "1.6",
        "CAIRN_UPLOAD_KEEP_S": "15",
    }
    cairn = str(Path(sys.executable).parent / "cairn")
    subprocess.run([cairn, "ingest"], env=env, check=True, capture_output=True)
    port = free_port()
    with (
        (root / "serve.log").open("w") as log,
        listening(
            [cairn, "serve", "--port", str(port)], port, 120, env=env, stdout=log, stderr=log
        ),
    ):
        yield Served(f"http://127.0.0.1:{port}", corpus, data)


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory, real_settings: Settings) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("served")
    with serve(root, REAL_CORPUS, real_settings.index.data_dir) as app:
        yield app


@pytest.fixture(scope="session")
def served_mini(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The app over the small fictional corpus: quick to start, for tests not about answers."""
    with serve(tmp_path_factory.mktemp("served-mini"), FIXTURES / "mini") as app:
        yield app
