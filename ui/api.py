"""API endpoints of the app (for scripts and `gradio_client`), beside the UI's own events.

client = gradio_client.Client("http://127.0.0.1:7860")
answer = json.loads(client.predict("T-DXd dose?", "[]", "{}", "", api_name="/answer"))
"""

from __future__ import annotations

import json

import gradio as gr

from assistant.audit import AuditLog
from assistant.pipeline import Cairn
from assistant.session import history_turns, json_argument, patient_facts
from guardrails.errors import CairnError
from ui.errors import user_error


def register(cairn: Cairn, audit: AuditLog) -> None:
    """Add the endpoints to the Blocks being built."""

    def answer(question: str, history_json: str, context_json: str, generator: str) -> str:
        """Answer a question: returns the Answer record as JSON (as `cairn ask --json`)."""
        try:
            turns = history_turns(json_argument(history_json, "history_json", "[]"), "history_json")
            overrides = _facts(context_json)
            result = cairn.ask(question or "", turns, overrides, generator=generator or None)
        except CairnError as exc:
            raise user_error(f"Cairn could not answer: {exc}", "/answer") from exc
        audit.record(result, "api")
        return result.model_dump_json()

    def check(question: str, text: str, context_json: str) -> str:
        """Review any answer text: returns the Review as JSON (as `cairn check --json`)."""
        try:
            return cairn.check(question or "", text or "", _facts(context_json)).model_dump_json()
        except CairnError as exc:
            raise user_error(f"Cairn could not check the text: {exc}", "/check") from exc

    def sources() -> str:
        """The indexed sources as JSON."""
        try:
            manifest = cairn.retriever.snapshot.manifest
        except CairnError as exc:
            raise user_error(str(exc), "/sources") from exc
        rows = [
            {**s.source.model_dump(mode="json", include={"id", "title", "kind", "year", "status"}),
             "chunks": len(s.chunk_ids)}
            for s in manifest.sources
        ]  # fmt: skip
        return json.dumps({"version": manifest.version, "sources": rows})

    gr.api(answer, api_name="answer")
    gr.api(check, api_name="check")
    gr.api(sources, api_name="sources")


def _facts(context_json: str | None) -> dict[str, str]:
    return patient_facts(json_argument(context_json, "context_json", "{}"), "context_json")
