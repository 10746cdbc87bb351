"""The Sources tab: the indexed sources for everyone; sign-in, upload and re-indexing for
editors."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.utils import get_upload_folder

from assistant.indexing import ingest
from assistant.settings import Settings
from guardrails.errors import CairnError
from ingest.records import SourceKind, SourceStatus
from ingest.store import read_manifest
from ui.editing import (
    check_credentials,
    discard,
    editor_credentials,
    publish,
    remove_upload,
    settle,
    stage_upload,
    withdraw,
)
from ui.progress import GradioProgress
from ui.signin import SignInBackoff

COLUMNS = ["id", "kind", "year", "status", "last reviewed", "chunks", "title"]
ANY = "any"


class SourcesTab:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.credentials = editor_credentials(
            settings.ui.editor_user_env, settings.ui.editor_password_env
        )
        self.backoff = SignInBackoff(settings.ui.signin_backoff_s, settings.ui.signin_backoff_max_s)

    def rows(self, search: str = "", kind: str = ANY, status: str = ANY) -> list[list[Any]]:
        manifest = read_manifest(self.settings.index.index_dir)
        if manifest is None:
            return []
        needle = search.strip().lower()
        rows = []
        for entry in manifest.sources:
            s = entry.source
            wrong_kind = kind != ANY and s.kind.value != kind
            if wrong_kind or (status != ANY and s.status.value != status):
                continue
            if needle and needle not in f"{s.id} {s.title} {s.citation}".lower():
                continue
            reviewed = str(s.last_reviewed)
            rows.append(
                [
                    s.id,
                    s.kind.value,
                    s.year,
                    s.status.value,
                    reviewed,
                    len(entry.chunk_ids),
                    s.title,
                ]
            )
        return rows

    def build(self) -> gr.State:
        """Build the tab; returns the session's signed-in state for other editor-only events."""
        editor = gr.State(False)
        with gr.Row():
            search = gr.Textbox(label="Search", placeholder="id, title or citation", scale=3)
            kind = gr.Dropdown(
                [ANY, *(k.value for k in SourceKind)], value=ANY, label="Kind", scale=1
            )
            status = gr.Dropdown(
                [ANY, *(s.value for s in SourceStatus)], value=ANY, label="Status", scale=1
            )
        table = self.table = gr.Dataframe(
            self.rows,  # a function: read again on every page load
            headers=COLUMNS,
            interactive=False,
            elem_id="cairn-sources-table",
            wrap=True,
        )
        for control in (search, kind, status):
            control.change(self.rows, [search, kind, status], table)
        gr.Markdown("### Editing")
        if self.credentials is None:
            gr.Markdown(
                f"Editing is disabled: set `{self.settings.ui.editor_user_env}` and "
                f"`{self.settings.ui.editor_password_env}` in the environment to allow editors "
                "to sign in."
            )
        with gr.Row(visible=self.credentials is not None) as sign_in_row:
            user = gr.Textbox(label="Editor user", elem_id="editor-user")
            password = gr.Textbox(label="Password", type="password", elem_id="editor-password")
            sign_in = gr.Button("Sign in", elem_id="editor-sign-in")
        signed = gr.Markdown()
        with gr.Group(visible=False) as upload_group:
            upload = gr.File(
                label="Source file (.md, .txt, .html, .pdf)",
                file_types=[".md", ".txt", ".html", ".htm", ".pdf"],
                elem_id="editor-upload",
            )
            gr.Markdown(
                "Metadata for .txt, .html and .pdf sources (Markdown carries its own front matter):"
            )
            with gr.Row():
                meta_id = gr.Textbox(label="id")
                meta_title = gr.Textbox(label="title")
                meta_kind = gr.Dropdown([k.value for k in SourceKind], value="review", label="kind")
            with gr.Row():
                meta_citation = gr.Textbox(label="citation")
                meta_year = gr.Number(label="year", precision=0, value=None)
                meta_status = gr.Dropdown(
                    [s.value for s in SourceStatus], value="current", label="status"
                )
                meta_reviewed = gr.Textbox(
                    label="last reviewed (YYYY-MM-DD)", value=str(dt.date.today())
                )
            add = gr.Button("Validate and index", variant="primary", elem_id="editor-add")
            report = gr.Markdown(elem_id="editor-report")
        sign_in.click(self.sign_in, [user, password], [editor, signed, upload_group, sign_in_row])
        meta = [
            meta_id,
            meta_title,
            meta_kind,
            meta_citation,
            meta_year,
            meta_status,
            meta_reviewed,
        ]
        add.click(self.add, [editor, upload, *meta], [report, table])
        return editor

    def sign_in(self, user: str, password: str, request: gr.Request) -> tuple[Any, ...]:
        client = request.client.host if request and request.client else "unknown"
        attempt = self.backoff.attempt(
            client, lambda: check_credentials(self.credentials, user, password)
        )
        if attempt.ok:
            return (
                True,
                f"Signed in as **{user}**.",
                gr.update(visible=True),
                gr.update(visible=False),
            )
        wait = _seconds(attempt.retry_after)
        message = (
            f"Sign-in failed: wrong user name or password. Try again in {wait}."
            if attempt.checked
            else f"Too many failed sign-ins: try again in {wait}."
        )
        return False, message, gr.update(visible=False), gr.update()

    def add(
        self,
        editor: bool,
        upload: str | None,
        meta_id: str,
        title: str,
        kind: str,
        citation: str,
        year: float | None,
        status: str,
        reviewed: str,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio injects it
    ) -> tuple[str, Any]:
        if not upload:
            return "Choose a file to upload.", gr.update()
        path = Path(upload)
        try:
            if not editor:
                return "Sign in as an editor first.", gr.update()
            if not path.is_file():
                return "The upload has expired: choose the file again.", gr.update()
            metadata = {
                "id": meta_id, "title": title, "kind": kind, "citation": citation,
                "year": int(year) if year else None, "status": status,
                "last_reviewed": _date(reviewed),
            }  # fmt: skip
            return self._add(path, metadata, progress)
        finally:  # accepted or not, the web server's copy of the upload is not kept
            remove_upload(path, Path(get_upload_folder()))

    def _add(self, path: Path, metadata: dict[str, Any], progress: gr.Progress) -> tuple[str, Any]:
        staged = stage_upload(
            self.settings.corpus.sources_dir,
            path,
            path.name,
            metadata,
            self.settings.ui.max_upload_mb,
        )
        if staged.problems:
            discard(staged)
            listed = "\n".join(f"- {p}" for p in staged.problems)
            return (
                f"**The source was not added.** Fix these and upload again:\n\n{listed}",
                gr.update(),
            )
        target = publish(staged)
        try:
            result = ingest(self.settings, [target], progress=GradioProgress(progress))
        except CairnError as exc:
            withdraw(staged)  # the corpus folder is as it was; the index never changed
            return f"**Indexing failed; the corpus is as it was.** {exc}", gr.update()
        settle(staged)
        return f"Added **{staged.source_id}** as `{target}`. {result.summary()}", self.rows()


def _seconds(delay: float) -> str:
    return f"{delay:.1f} s" if delay < 10 else f"{math.ceil(delay)} s"


def _date(text: str) -> Any:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return text.strip() or None
