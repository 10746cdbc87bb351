"""The manifest and snapshots on disk."""

from __future__ import annotations

import os
from pathlib import Path

from ingest.store import new_snapshot_name, remove_stale_temporaries


def test_every_snapshot_gets_a_new_folder_name() -> None:
    names = {new_snapshot_name("abc123") for _ in range(50)}
    assert len(names) == 50 and all(n.startswith("abc123-") for n in names)


def test_manifest_drafts_of_killed_runs_are_removed(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text("{}")
    (tmp_path / f".manifest.json.{os.getpid() + 1}").write_text("{")
    remove_stale_temporaries(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]
