"""Fixtures of the assistant tests: the small fictional corpus indexed once per session."""

from __future__ import annotations

import shutil

import pytest

from assistant.indexing import ingest
from assistant.pipeline import Cairn
from assistant.settings import Settings
from ingest.pipeline import SilentProgress
from tests.conftest import FIXTURES, make_settings


@pytest.fixture(scope="session")
def mini_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings over a private copy of the mini corpus, indexed once (tests must not edit it)."""
    root = tmp_path_factory.mktemp("mini-index")
    shutil.copytree(FIXTURES / "mini", root / "corpus")
    settings = make_settings(root / "corpus", root / "var")
    ingest(settings, progress=SilentProgress())
    return settings


@pytest.fixture(scope="session")
def mini_cairn(mini_settings: Settings) -> Cairn:
    return Cairn.from_settings(mini_settings)
