"""Cairn's progress protocol (ingest, evals) on a Gradio progress bar."""

from __future__ import annotations

import gradio as gr


class GradioProgress:
    def __init__(self, progress: gr.Progress) -> None:
        self.progress = progress
        self.name, self.total, self.done = "", 0, 0

    def phase(self, name: str, total: int) -> None:
        self.name, self.total, self.done = name, total, 0
        self.progress(0.0, desc=name)

    def advance(self, count: int) -> None:
        self.done += count
        self.progress(self.done / max(1, self.total), desc=self.name)
