"""The Gradio app.

app = build_app(Settings.load())
launch(app, settings)  # 127.0.0.1:7860 by default; never a share link
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.audit import AuditLog
from assistant.pipeline import Cairn
from assistant.settings import Settings
from guardrails.errors import CairnError
from ingest.store import read_manifest
from ui.api import register
from ui.ask import AskTab
from ui.evals_tab import EvalsTab
from ui.sources_tab import SourcesTab
from ui.style import CSS, HEAD


def build_app(settings: Settings, cairn: Cairn | None = None) -> gr.Blocks:
    cairn = cairn or Cairn.from_settings(settings)
    audit = AuditLog(settings.audit_path, settings.audit.audit_enabled)
    _ = cairn.retriever.snapshot  # opened now: a damaged index stops the app, with its message
    # Gradio keeps every upload (even one no event ever uses) in its cache until deleted
    keep = settings.ui.upload_keep_s
    with gr.Blocks(title="Cairn", delete_cache=(max(1, min(60, keep // 4)), keep)) as app:
        header_text = _header(cairn.corpus.name, settings.index.index_dir)
        header = gr.Markdown(header_text)  # a function: read again on every page load
        with gr.Tab("Ask", id="ask"):
            AskTab(cairn, audit).build()
        with gr.Tab("Sources", id="sources"):
            sources = SourcesTab(settings)
            editor = sources.build()
        # and after an upload, which changes the sources table
        sources.table.change(header_text, None, header, queue=False, show_progress="hidden")
        with gr.Tab("Evals", id="evals"):
            EvalsTab(cairn, settings.index.data_dir / "reports" / "last.json").build(editor)
        register(cairn, audit)
    # model answers hold at most llm_concurrency workers of an event (ModelSlots), for up to
    # llm_timeout_s each: `concurrency` workers always remain for extractive answers
    workers = settings.ui.concurrency + settings.generator.llm_concurrency
    app.queue(default_concurrency_limit=workers)
    return app


def _header(name: str, index_dir: Path) -> Callable[[], str]:
    def header() -> str:
        try:
            manifest = read_manifest(index_dir)
        except CairnError as exc:
            return f"## Cairn · {name}\n{exc}"
        if manifest is None:
            return f"## Cairn · {name}\nNo index: run `cairn ingest`."
        return (
            f"## Cairn · {name}\n"
            f"Corpus version {manifest.version} · {len(manifest.sources)} sources · "
            f"evidence as of {manifest.evidence_as_of}"
        )

    return header


def launch(app: gr.Blocks, settings: Settings, host: str, port: int, **extra: Any) -> None:
    app.launch(
        server_name=host,
        server_port=port,
        share=False,
        css=CSS,
        head=HEAD,
        max_file_size=f"{settings.ui.max_upload_mb:g}mb",
        footer_links=[],
        **extra,
    )
