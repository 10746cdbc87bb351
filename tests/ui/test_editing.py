"""Editor actions: sign-in from the environment, upload limits, validation, publish and discard,
and that nothing lands outside the corpus folder."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

import pytest
import yaml

from assistant.settings import UISettings
from ui.editing import (
    Staged,
    check_credentials,
    discard,
    editor_credentials,
    publish,
    remove_upload,
    safe_stem,
    settle,
    stage_upload,
    withdraw,
)

NEW_SOURCE = """---
id: widget-review-2025
title: "Widget disease review 2025"
kind: review
citation: "Roe R. Fictional Rev 2025"
year: 2025
last_reviewed: 2026-02-01
status: current
---
# Summary
Velmab plus zorbatinib is the usual first-line treatment of widget disease.
"""

METADATA = {
    "id": "widget-notes",
    "title": "Widget notes",
    "kind": "review",
    "citation": "Roe R. Fictional Notes 2025",
    "year": 2025,
    "status": "current",
    "last_reviewed": dt.date(2026, 2, 1),  # the Sources tab parses the date it is given
}


@pytest.fixture
def staging(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Staging folders go here instead of the system temp folder, so the tests can see them."""
    folder = tmp_path / "staging"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    folder.mkdir()
    return folder


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- credentials ------------------------------------------------------------------------------


def test_credentials_come_from_the_variables_the_settings_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ui = UISettings()
    assert (ui.editor_user_env, ui.editor_password_env) == (
        "CAIRN_EDITOR_USER",
        "CAIRN_EDITOR_PASSWORD",
    )
    monkeypatch.setenv("CAIRN_EDITOR_USER", "editor")
    monkeypatch.setenv("CAIRN_EDITOR_PASSWORD", "s3cret")
    assert editor_credentials(ui.editor_user_env, ui.editor_password_env) == ("editor", "s3cret")


def test_other_variable_names_can_be_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_USER", "ann")
    monkeypatch.setenv("MY_PASS", "pw")
    assert editor_credentials("MY_USER", "MY_PASS") == ("ann", "pw")


@pytest.mark.parametrize(("user", "password"), [(None, None), ("editor", None), ("editor", "")])
def test_without_both_credentials_the_app_is_read_only(
    monkeypatch: pytest.MonkeyPatch, user: str | None, password: str | None
) -> None:
    for name, value in (("T_USER", user), ("T_PASS", password)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    credentials = editor_credentials("T_USER", "T_PASS")
    assert credentials is None
    assert not check_credentials(credentials, "", "")
    assert not check_credentials(credentials, "editor", "")


def test_sign_in_needs_both_the_user_and_the_password() -> None:
    credentials = ("editor", "correct horse")
    assert check_credentials(credentials, "editor", "correct horse")
    assert not check_credentials(credentials, "editor", "wrong")
    assert not check_credentials(credentials, "Editor", "correct horse")
    assert not check_credentials(credentials, "editor", "correct horse ")


# --- safe names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\System32\\evil.txt", "evil"),
        ("/abs/path/Report.PDF", "report"),
        ("My Notes (v2).md", "my-notes-v2"),
        ("trial.results.2024.html", "trial-results-2024"),
        ("Überblick–ä.txt", "berblick"),
        ("..", "source"),
        (".hidden", "source"),
        ("", "source"),
    ],
)
def test_safe_stem_strips_paths_and_odd_characters(name: str, stem: str) -> None:
    assert safe_stem(name) == stem


def test_safe_stem_is_always_a_plain_short_name() -> None:
    for name in ["a" * 200 + ".txt", "-.-.-x-", "a/../../b", "C:\\x\\..\\y.pdf", "$(rm -rf).md"]:
        stem = safe_stem(name)
        assert re.fullmatch(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?", stem), (name, stem)
        assert len(stem) <= 80


# --- type and size limits ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["tool.exe", "notes.md.exe", "archive.zip", "README"])
def test_files_of_other_types_are_refused(
    mini_corpus: Path, staging: Path, uploads: Path, name: str
) -> None:
    upload = write(uploads, "upload", NEW_SOURCE)
    staged = stage_upload(mini_corpus / "sources", upload, name, {}, max_mb=10)
    assert len(staged.problems) == 1
    assert "is not accepted" in staged.problems[0] and name in staged.problems[0]
    assert staged.files == []
    with pytest.raises(ValueError):
        publish(staged)


def test_a_file_type_is_recognised_whatever_its_case(
    mini_corpus: Path, staging: Path, uploads: Path
) -> None:
    upload = write(uploads, "upload", "Widget notes.")
    staged = stage_upload(mini_corpus / "sources", upload, "NOTES.TXT", METADATA, max_mb=10)
    assert staged.problems == []
    assert staged.target == mini_corpus / "sources" / "widget-notes.txt"


def test_a_file_above_the_size_limit_is_refused(
    mini_corpus: Path, staging: Path, uploads: Path
) -> None:
    upload = write(uploads, "big.md", NEW_SOURCE + "x" * 3000)
    staged = stage_upload(mini_corpus / "sources", upload, "big.md", {}, max_mb=0.002)
    assert len(staged.problems) == 1
    assert staged.problems[0].startswith("big.md: ")
    assert staged.problems[0].endswith("MB is larger than the 0.002 MB limit")
    assert staged.files == []


def test_a_file_at_the_size_limit_is_accepted(
    mini_corpus: Path, staging: Path, uploads: Path
) -> None:
    upload = write(uploads, "widget-review-2025.md", NEW_SOURCE)
    size_mb = upload.stat().st_size / 1_000_000
    staged = stage_upload(mini_corpus / "sources", upload, upload.name, {}, max_mb=size_mb)
    assert staged.problems == []


# --- staging and validation -------------------------------------------------------------------


def test_a_malformed_markdown_source_returns_its_problems_and_writes_nothing(
    mini_corpus: Path, staging: Path, uploads: Path
) -> None:
    before = snapshot(mini_corpus)
    broken = NEW_SOURCE.replace("kind: review", "kind: blog").replace("year: 2025\n", "")
    upload = write(uploads, "widget-review-2025.md", broken)
    staged = stage_upload(mini_corpus / "sources", upload, upload.name, {}, max_mb=10)
    target = mini_corpus / "sources" / "widget-review-2025.md"
    assert staged.target == target
    assert f"{target}:2: missing field 'year'" in staged.problems
    assert any(p.startswith(f"{target}:4: field 'kind': must be one of") for p in staged.problems)
    assert not any(str(staging) in p for p in staged.problems)
    discard(staged)
    assert snapshot(mini_corpus) == before
    assert list(staging.iterdir()) == []


def test_markdown_without_front_matter_is_refused(
    mini_corpus: Path, staging: Path, uploads: Path
) -> None:
    upload = write(uploads, "notes.md", "# Notes\nJust text.\n")
    staged = stage_upload(mini_corpus / "sources", upload, "notes.md", {}, max_mb=10)
    assert len(staged.problems) == 1 and "no YAML front matter" in staged.problems[0]


def test_a_markdown_upload_with_an_existing_id_updates_that_source(
    mini_corpus: Path, staging: Path, uploads: Path
) -> None:
    text = NEW_SOURCE.replace("widget-review-2025", "zorba-trial")
    upload = write(uploads, "zorba-copy.md", text)
    staged = stage_upload(mini_corpus / "sources", upload, "zorba-copy.md", {}, max_mb=10)
    # the id in the front matter names the file, so the upload replaces zorba-trial.md
    assert staged.target == mini_corpus / "sources" / "zorba-trial.md"
    assert staged.problems == []


def test_a_sidecar_id_already_used_by_a_markdown_source_is_a_problem(
    mini_corpus: Path, staging: Path, uploads: Path
) -> None:
    upload = write(uploads, "notes.txt", "Zorbatinib notes.")
    meta = {**METADATA, "id": "zorba-trial"}
    staged = stage_upload(mini_corpus / "sources", upload, "notes.txt", meta, max_mb=10)
    assert staged.target == mini_corpus / "sources" / "zorba-trial.txt"
    repeated = [p for p in staged.problems if "id 'zorba-trial' is already used by" in p]
    assert len(repeated) == 1  # once, with what to do about it
    assert "give the new source its own id" in repeated[0]


def test_a_successor_missing_from_the_corpus_is_a_problem(
    mini_corpus: Path, staging: Path, uploads: Path
) -> None:
    text = NEW_SOURCE.replace("status: current", "status: superseded\nsuperseded_by: nowhere")
    upload = write(uploads, "widget-review-2025.md", text)
    staged = stage_upload(mini_corpus / "sources", upload, upload.name, {}, max_mb=10)
    assert staged.problems == [
        f"{mini_corpus / 'sources' / 'widget-review-2025.md'}: field 'superseded_by' names "
        "'nowhere', which is not a source id in the corpus"
    ]


def test_a_text_upload_gets_a_sidecar_with_its_metadata(
    mini_corpus: Path, staging: Path, uploads: Path
) -> None:
    upload = write(uploads, "whatever.txt", "Widget notes: velmab first.")
    meta = {**METADATA, "url": "", "tags": None}
    staged = stage_upload(mini_corpus / "sources", upload, "whatever.txt", meta, max_mb=10)
    assert staged.problems == [] and staged.source_id == "widget-notes"
    assert [f.name for f in staged.files] == ["widget-notes.txt", "widget-notes.meta.yaml"]
    sidecar = yaml.safe_load(staged.files[1].read_text(encoding="utf-8"))
    assert sidecar["id"] == "widget-notes" and "url" not in sidecar and "tags" not in sidecar
    assert all(f.parent == staged.folder for f in staged.files)


def test_a_text_upload_without_metadata_lists_the_missing_fields(
    mini_corpus: Path, staging: Path, uploads: Path
) -> None:
    upload = write(uploads, "notes.txt", "Some text.")
    staged = stage_upload(mini_corpus / "sources", upload, "notes.txt", {}, max_mb=10)
    missing = {f for p in staged.problems for f in re.findall(r"missing field '(\w+)'", p)}
    assert missing == {"title", "kind", "citation", "year", "last_reviewed", "status"}


# --- publish and discard ----------------------------------------------------------------------


def test_publish_moves_a_valid_markdown_source_into_the_corpus(
    mini_corpus: Path, staging: Path, uploads: Path
) -> None:
    upload = write(uploads, "Any Name.md", NEW_SOURCE)
    staged = stage_upload(mini_corpus / "sources", upload, "Any Name.md", {}, max_mb=10)
    assert staged.problems == [] and staged.source_id == "widget-review-2025"
    assert not staged.target.exists()
    target = publish(staged)
    settle(staged)
    assert target == mini_corpus / "sources" / "widget-review-2025.md"
    assert target.read_text(encoding="utf-8") == NEW_SOURCE
    settle(staged)
    assert list(staging.iterdir()) == []


def test_publish_moves_the_source_and_its_sidecar(
    mini_corpus: Path, staging: Path, uploads: Path
) -> None:
    upload = write(uploads, "notes.txt", "Widget notes: velmab first.")
    staged = stage_upload(mini_corpus / "sources", upload, "notes.txt", METADATA, max_mb=10)
    publish(staged)
    sources = mini_corpus / "sources"
    assert (sources / "widget-notes.txt").read_text() == "Widget notes: velmab first."
    assert yaml.safe_load((sources / "widget-notes.meta.yaml").read_text())["title"] == (
        "Widget notes"
    )


def test_an_upload_under_an_existing_name_replaces_that_source(
    mini_corpus: Path, staging: Path, uploads: Path
) -> None:
    old = (mini_corpus / "sources" / "zorba-trial.md").read_text(encoding="utf-8")
    new = old.replace("400 patients", "402 patients")
    upload = write(uploads, "zorba-trial.md", new)
    staged = stage_upload(mini_corpus / "sources", upload, "zorba-trial.md", {}, max_mb=10)
    assert staged.problems == []
    publish(staged)
    assert (mini_corpus / "sources" / "zorba-trial.md").read_text(encoding="utf-8") == new


def test_withdrawing_a_failed_update_restores_the_previous_source_and_sidecars(
    mini_corpus: Path, staging: Path, uploads: Path
) -> None:
    sources = mini_corpus / "sources"
    old = (sources / "zorba-trial.md").read_text(encoding="utf-8")
    upload = write(uploads, "zorba-trial.md", old.replace("400 patients", "402 patients"))
    staged = stage_upload(sources, upload, "zorba-trial.md", {}, max_mb=10)
    publish(staged)
    withdraw(staged)  # indexing failed: nothing may be lost
    assert (sources / "zorba-trial.md").read_text(encoding="utf-8") == old
    notes = write(uploads, "notes.txt", "Widget notes.")
    staged = stage_upload(sources, notes, "notes.txt", METADATA, max_mb=10)
    publish(staged)
    withdraw(staged)
    assert not (sources / "widget-notes.txt").exists()
    assert not (sources / "widget-notes.meta.yaml").exists()
    assert list(staging.iterdir()) == []


def test_discard_removes_the_staged_files_and_leaves_the_corpus(
    mini_corpus: Path, staging: Path, uploads: Path
) -> None:
    before = snapshot(mini_corpus)
    upload = write(uploads, "notes.txt", "Widget notes.")
    staged = stage_upload(mini_corpus / "sources", upload, "notes.txt", METADATA, max_mb=10)
    assert staged.problems == [] and all(f.is_file() for f in staged.files)
    discard(staged)
    assert not staged.folder.exists()
    assert snapshot(mini_corpus) == before


def test_a_staged_upload_with_problems_cannot_be_published(
    mini_corpus: Path, staging: Path, uploads: Path
) -> None:
    before = snapshot(mini_corpus)
    upload = write(uploads, "notes.txt", "Widget notes.")
    staged = stage_upload(mini_corpus / "sources", upload, "notes.txt", {}, max_mb=10)
    with pytest.raises(ValueError, match="cannot be published"):
        publish(staged)
    assert snapshot(mini_corpus) == before


def test_publish_refuses_a_staged_file_that_would_land_outside_the_corpus(
    mini_corpus: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "staged"
    folder.mkdir()
    escape = write(folder, "evil.md", NEW_SOURCE)
    link = mini_corpus / "sources" / "evil.md"
    link.symlink_to(tmp_path / "outside.md")
    staged = Staged(folder, [escape], mini_corpus / "sources" / "evil.md")
    with pytest.raises(ValueError, match="outside"):
        publish(staged)
    assert not (tmp_path / "outside.md").exists()


# --- nothing outside the corpus ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "meta_id"),
    [
        ("../../etc/passwd.txt", "../../etc/passwd"),
        ("..\\..\\evil.html", "..\\..\\evil"),
        ("/tmp/abs.txt", "/tmp/abs"),
        ("notes.txt", "../../../outside"),
    ],
)
def test_traversal_in_names_and_ids_stays_inside_the_corpus(
    mini_corpus: Path, staging: Path, uploads: Path, tmp_path: Path, name: str, meta_id: str
) -> None:
    suffix = Path(name.replace("\\", "/")).suffix
    upload = write(uploads, "upload" + suffix, "<p>Widget notes.</p>")
    outside_before = {p for p in tmp_path.rglob("*") if not p.is_relative_to(mini_corpus)}
    naive = (mini_corpus / "sources" / (meta_id.replace("\\", "/") + suffix)).resolve()
    staged = stage_upload(
        mini_corpus / "sources", upload, name, {**METADATA, "id": meta_id}, max_mb=10
    )
    assert staged.problems == []
    assert staged.target.parent == mini_corpus / "sources"
    assert re.fullmatch(r"[a-z0-9-]+", staged.source_id)
    target = publish(staged)
    settle(staged)
    assert target.resolve().is_relative_to((mini_corpus / "sources").resolve())
    outside_after = {p for p in tmp_path.rglob("*") if not p.is_relative_to(mini_corpus)}
    assert outside_after - outside_before == set()
    assert not naive.exists()
    assert list(staging.iterdir()) == []


def test_a_markdown_id_with_a_path_never_becomes_the_file_name(
    mini_corpus: Path, staging: Path, uploads: Path, tmp_path: Path
) -> None:
    text = NEW_SOURCE.replace("id: widget-review-2025", "id: ../../../evil")
    upload = write(uploads, "x.md", text)
    staged = stage_upload(mini_corpus / "sources", upload, "../../evil.md", {}, max_mb=10)
    assert staged.target == mini_corpus / "sources" / "evil.md"
    assert any("field 'id': '../../../evil' must be lowercase" in p for p in staged.problems)
    discard(staged)
    assert not (tmp_path / "evil.md").exists() and not (mini_corpus / "evil.md").exists()


# --- the web server's copy of an upload -------------------------------------------------------


def test_an_upload_and_its_folder_are_removed(uploads: Path) -> None:
    held = uploads / "3f2a9c" / "note.md"
    held.parent.mkdir()
    held.write_text("x")
    remove_upload(held, uploads)
    assert list(uploads.iterdir()) == []


def test_a_folder_still_holding_another_upload_is_kept(uploads: Path) -> None:
    (uploads / "3f2a9c").mkdir()
    held, other = uploads / "3f2a9c" / "note.md", uploads / "3f2a9c" / "other.md"
    held.write_text("x")
    other.write_text("y")
    remove_upload(held, uploads)
    assert not held.exists() and other.exists()


def test_a_path_outside_the_upload_folder_is_left_alone(uploads: Path, tmp_path: Path) -> None:
    outside = write(tmp_path, "corpus-file.md", "keep me")
    remove_upload(outside, uploads)
    remove_upload(uploads / ".." / "corpus-file.md", uploads)
    remove_upload(uploads, uploads)
    assert outside.read_text() == "keep me" and uploads.is_dir()
