"""Editor actions behind the Sources tab: sign-in, upload validation and indexing. No Gradio
here, so every rule (size, type, names, paths, validation) is tested without a browser.

    staged = stage_upload(corpus, upload_path, "notes.txt", metadata, max_mb=10)
    staged.problems  # the messages `cairn corpus check` would print, [] when valid
    publish(staged)  # moves the file(s) into corpus/sources
"""

from __future__ import annotations

import contextlib
import hmac
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ingest.sources import SIDECAR_SUFFIX, cross_check, load_source, load_sources

ALLOWED = (".md", ".txt", ".html", ".htm", ".pdf")
_SAFE = re.compile(r"[^a-z0-9-]+")


def editor_credentials(user_env: str, password_env: str) -> tuple[str, str] | None:
    """The editor's user name and password from the environment, or None (read-only)."""
    user, password = os.environ.get(user_env, ""), os.environ.get(password_env, "")
    return (user, password) if user and password else None


def check_credentials(credentials: tuple[str, str] | None, user: str, password: str) -> bool:
    if credentials is None:
        return False
    ok_user = hmac.compare_digest(user.encode(), credentials[0].encode())
    ok_password = hmac.compare_digest(password.encode(), credentials[1].encode())
    return ok_user and ok_password


def safe_stem(name: str) -> str:
    """A file name reduced to lowercase letters, digits and hyphens: no paths, no dots."""
    stem = Path(name.replace("\\", "/")).name.rsplit(".", 1)[0]
    return _SAFE.sub("-", stem.lower()).strip("-")[:80] or "source"


_REPLACED = "replaced"


@dataclass
class Staged:
    folder: Path  # a private staging folder
    files: list[Path]  # the staged source (and sidecar)
    target: Path  # where the source goes in the corpus
    problems: list[str] = field(default_factory=list)
    source_id: str = ""


def stage_upload(
    corpus_sources: Path, upload: Path, original_name: str, metadata: dict[str, Any], max_mb: float
) -> Staged:
    """Copy an upload into a staging folder, with a sidecar for non-Markdown, and validate it as
    `cairn corpus check` would, against the sources already in the corpus."""
    suffix = Path(original_name).suffix.lower()
    staging = Path(tempfile.mkdtemp(prefix="cairn-upload-"))
    staged = Staged(staging, [], corpus_sources / "invalid")
    if suffix not in ALLOWED:
        staged.problems.append(
            f"{original_name}: file type {suffix or '(none)'} is not accepted; "
            f"use {', '.join(ALLOWED)}"
        )
        return staged
    size_mb = upload.stat().st_size / 1_000_000
    if size_mb > max_mb:
        staged.problems.append(
            f"{original_name}: {size_mb:.1f} MB is larger than the {max_mb:g} MB limit"
        )
        return staged
    if suffix == ".md":
        stem = _markdown_id(upload) or safe_stem(original_name)
    else:
        stem = safe_stem(str(metadata.get("id") or original_name))
        metadata = {**{k: v for k, v in metadata.items() if v not in (None, "")}, "id": stem}
    source = staging / f"{stem}{suffix}"
    shutil.copyfile(upload, source)
    staged.files.append(source)
    if suffix != ".md":
        sidecar = staging / f"{stem}{SIDECAR_SUFFIX}"
        sidecar.write_text(
            yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
        staged.files.append(sidecar)
    staged.target = corpus_sources / source.name
    staged.source_id = stem
    staged.problems = _validate(source, staged.target, corpus_sources)
    return staged


def publish(staged: Staged) -> Path:
    """Move a valid staged upload into the corpus folder. Files it replaces (an update of a
    source) are kept in the staging folder until `settle`, so `withdraw` can put them back."""
    if staged.problems:
        raise ValueError("a staged upload with problems cannot be published")
    corpus = staged.target.parent.resolve()
    kept = staged.folder / _REPLACED
    for file in staged.files:
        destination = (corpus / file.name).resolve()
        if not destination.is_relative_to(corpus):
            raise ValueError(f"refusing to write outside {corpus}")
        if destination.exists():
            kept.mkdir(exist_ok=True)
            shutil.copy2(destination, kept / destination.name)
        shutil.move(str(file), destination)
    return staged.target


def withdraw(staged: Staged) -> None:
    """Undo a publish whose indexing failed: remove the new files, restore the replaced ones."""
    corpus = staged.target.parent.resolve()
    kept = staged.folder / _REPLACED
    for file in staged.files:
        (corpus / file.name).unlink(missing_ok=True)
        if (kept / file.name).exists():
            shutil.move(str(kept / file.name), corpus / file.name)
    settle(staged)


def settle(staged: Staged) -> None:
    """Forget a publish that indexed: the replaced files are no longer needed."""
    shutil.rmtree(staged.folder, ignore_errors=True)


def discard(staged: Staged) -> None:
    shutil.rmtree(staged.folder, ignore_errors=True)


def remove_upload(upload: Path, upload_root: Path) -> None:
    """Delete a file the web server stored for an upload, and its folder once empty; a path
    outside `upload_root` (the server's upload folder) is left alone."""
    root = upload_root.resolve()
    path = upload.resolve()
    if not path.is_relative_to(root) or path == root:
        return
    path.unlink(missing_ok=True)
    if path.parent != root:  # kept if not empty: another upload is still in it
        with contextlib.suppress(OSError):
            path.parent.rmdir()


def _markdown_id(path: Path) -> str:
    match = re.search(
        r"^id:\s*([a-z0-9-]+)\s*$", path.read_text(encoding="utf-8", errors="replace"), re.M
    )
    return match.group(1) if match else ""


def _validate(staged: Path, target: Path, corpus_sources: Path) -> list[str]:
    """Problems worded as for the file's place in the corpus (as `cairn corpus check` prints)."""
    problems: list[str] = []
    try:
        loaded = load_source(staged)
        existing, _ = load_sources([corpus_sources])
        others = [item.source for item in existing if Path(item.source.path).name != target.name]
        same_id = [s for s in others if s.id == loaded.source.id]
        if same_id:
            problems.append(
                f"{staged}: id '{loaded.source.id}' is already used by {same_id[0].path}; "
                "give the new source its own id, or upload it under the same file name to update it"
            )
        new = loaded.source.model_copy(update={"path": str(target)})
        repeated = f"id '{new.id}' is already used"  # reported above, in an editor's words
        problems.extend(
            p for p in cross_check([*others, new]) if str(target) in p and repeated not in p
        )
    except Exception as exc:  # SourceError carries the problems; anything else is one problem
        problems.extend(getattr(exc, "problems", [str(exc)]))
    return [p.replace(str(staged.parent) + os.sep, str(target.parent) + os.sep) for p in problems]
