"""API endpoints of the app (for scripts and `gradio_client`), beside the UI's own events.

client = gradio_client.Client("http://127.0.0.1:7860")
answer = json.loads(client.predict("T-DXd dose?", "[]", "{}", "", api_name="/answer"))
"""

from __future__ import annotations

import json

import gradio as gr

from assistant.audit import AuditLog
from assistant.conversation import Turn
from assistant.pipeline import Cairn
from guardrails.errors import CairnError


def register(cairn: Cairn, audit: AuditLog) -> None:
    """Add the endpoints to the Blocks being built."""

    def answer(question: str, history_json: str, context_json: str, generator: str) -> str:
        """Answer a question: returns the Answer record as JSON (as `cairn ask --json`)."""
        try:
            turns = [Turn(t["role"], t["content"]) for t in json.loads(history_json or "[]")]
            overrides = {str(k): str(v) for k, v in json.loads(context_json or "{}").items()}
            result = cairn.ask(question, turns, overrides, generator=generator or None)
        except (CairnError, ValueError, KeyError, TypeError) as exc:
            raise gr.Error(f"Cairn could not answer: {exc}") from exc
        audit.record(result, "api")
        return result.model_dump_json()

    def check(question: str, text: str, context_json: str) -> str:
        """Review any answer text: returns the Review as JSON (as `cairn check --json`)."""
        overrides = {str(k): str(v) for k, v in json.loads(context_json or "{}").items()}
        try:
            return cairn.check(question, text, overrides).model_dump_json()
        except CairnError as exc:
            raise gr.Error(str(exc)) from exc

    def sources() -> str:
        """The indexed sources as JSON."""
        manifest = cairn.retriever.snapshot.manifest
        rows = [
            {**s.source.model_dump(mode="json", include={"id", "title", "kind", "year", "status"}),
             "chunks": len(s.chunk_ids)}
            for s in manifest.sources
        ]  # fmt: skip
        return json.dumps({"version": manifest.version, "sources": rows})

    gr.api(answer, api_name="answer")
    gr.api(check, api_name="check")
    gr.api(sources, api_name="sources")
