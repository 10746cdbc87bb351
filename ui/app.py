"""The Gradio app.

app = build_app(Settings.load())
launch(app, settings)  # 127.0.0.1:7860 by default; never a share link
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.audit import AuditLog
from assistant.pipeline import Cairn
from assistant.settings import Settings
from ui.api import register
from ui.ask import AskTab
from ui.evals_tab import EvalsTab
from ui.sources_tab import SourcesTab
from ui.style import CSS, HEAD


def build_app(settings: Settings, cairn: Cairn | None = None) -> gr.Blocks:
    cairn = cairn or Cairn.from_settings(settings)
    audit = AuditLog(settings.audit_path, settings.audit.audit_enabled)
    manifest = cairn.retriever.snapshot.manifest
    # Gradio keeps every upload (even one no event ever uses) in its cache until deleted
    keep = settings.ui.upload_keep_s
    with gr.Blocks(title="Cairn", delete_cache=(max(1, min(60, keep // 4)), keep)) as app:
        gr.Markdown(
            f"## Cairn · {cairn.corpus.name}\n"
            f"Corpus version {manifest.version} · {len(manifest.sources)} sources · "
            f"evidence as of {manifest.evidence_as_of}"
        )
        with gr.Tab("Ask", id="ask"):
            AskTab(cairn, audit).build()
        with gr.Tab("Sources", id="sources"):
            editor = SourcesTab(settings).build()
        with gr.Tab("Evals", id="evals"):
            EvalsTab(cairn, settings.index.data_dir / "reports" / "last.json").build(editor)
        register(cairn, audit)
    # model answers hold at most llm_concurrency workers of an event (ModelSlots), for up to
    # llm_timeout_s each: `concurrency` workers always remain for extractive answers
    workers = settings.ui.concurrency + settings.generator.llm_concurrency
    app.queue(default_concurrency_limit=workers)
    return app


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
