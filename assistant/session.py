"""Entry points for interfaces: open the assistant, read a chat history, review any text."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.pipeline import Cairn, Turn
from assistant.settings import Settings
from guardrails.errors import CairnError
from guardrails.records import Review


def open_cairn(settings: Settings) -> Cairn:
    return Cairn.from_settings(settings)


def read_history(path: Path) -> list[Turn]:
    """A JSON list of {"role": "user" | "assistant", "content": "..."} turns."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # ValueError: bad JSON, or not UTF-8 text at all
        raise CairnError(
            f"The history file {path} is not readable JSON ({_reason(exc)}).",
            'Give a JSON list of {"role": "user", "content": "..."} objects.',
        ) from exc
    if not isinstance(data, list):
        raise CairnError(f"The history file {path} is not a JSON list.", "Wrap the turns in [ ].")
    turns = []
    for i, item in enumerate(data):
        role = item.get("role") if isinstance(item, dict) else None
        content = item.get("content") if isinstance(item, dict) else None
        if role not in ("user", "assistant") or not isinstance(content, str):
            raise CairnError(
                f"Turn {i} of {path} needs 'role' (user or assistant) and 'content' (text).",
                "Correct that turn and run again.",
            )
        turns.append(Turn(role, content))
    return turns


def _reason(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text at byte {exc.start}"
    return str(exc)


def check_answer(settings: Settings, question: str, text: str, overrides: dict[str, str]) -> Review:
    """Review an answer written anywhere; without retrieval, numbers are checked against the
    whole corpus."""
    cairn = open_cairn(settings)
    return cairn.check(question, text, overrides)
