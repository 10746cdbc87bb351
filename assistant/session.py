"""Entry points for interfaces: open the assistant, read a chat history and patient facts (one
check for the command line and the API), review any text."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.pipeline import Cairn, Turn
from assistant.settings import Settings
from guardrails.errors import CairnError
from guardrails.records import Review

HISTORY_SHAPE = 'a JSON list of {"role": "user" or "assistant", "content": "..."} objects'
FACTS_SHAPE = "a JSON object of patient facts keyed by the ids of rules/facts.yaml, or {}"


def open_cairn(settings: Settings) -> Cairn:
    return Cairn.from_settings(settings)


def read_history(path: Path) -> list[Turn]:
    """A JSON list of {"role": "user" | "assistant", "content": "..."} turns."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # ValueError: bad JSON, or not UTF-8 text at all
        raise CairnError(
            f"The history file {path} is not readable JSON ({_reason(exc)}).",
            f"Give {HISTORY_SHAPE}.",
        ) from exc
    return history_turns(data, str(path))


def history_turns(data: object, name: str) -> list[Turn]:
    """The earlier turns of a conversation from decoded JSON: the one check of `cairn ask
    --history` and the app's API. Only user and assistant turns: Cairn's instructions to a
    model are its own, so a 'system' turn is refused, not passed on.

        history_turns([{"role": "user", "content": "HER2+ MBC"}], "history_json")
    """
    if not isinstance(data, list):
        raise CairnError(f"{name} is not a JSON list but {_kind(data)}.", "Wrap the turns in [ ].")
    turns = []
    for i, item in enumerate(data):
        role = item.get("role") if isinstance(item, dict) else None
        content = item.get("content") if isinstance(item, dict) else None
        if role == "system":
            raise CairnError(
                f"Turn {i} of {name} has the role 'system': Cairn reads only user and "
                "assistant turns.",
                "Remove that turn and try again.",
            )
        if role not in ("user", "assistant") or not isinstance(content, str):
            raise CairnError(
                f"Turn {i} of {name} needs 'role' (user or assistant) and 'content' (text).",
                "Correct that turn and try again.",
            )
        turns.append(Turn(role, content))
    return turns


def patient_facts(data: object, name: str) -> dict[str, str]:
    """Patient facts from decoded JSON, as `--context K=V` gives them: an object of fact names
    to single values (a null value is left out). What a fact may be is checked later, by the
    same code for every interface.

        patient_facts({"lvef": 45, "ild_history": True}, "context_json")
        # -> {"lvef": "45", "ild_history": "true"}
    """
    if not isinstance(data, dict):
        raise CairnError(f"{name} is not a JSON object but {_kind(data)}.", f"Give {FACTS_SHAPE}.")
    facts = {}
    for key, value in data.items():
        if isinstance(value, (dict, list)):
            raise CairnError(
                f"The patient fact '{key}' in {name} is {_kind(value)}, not one value.",
                "Give each fact one value; list therapies in one text, separated by commas.",
            )
        if value is not None:
            facts[str(key)] = str(value).lower() if isinstance(value, bool) else str(value)
    return facts


def json_argument(text: str | None, name: str, empty: str) -> object:
    """Decoded JSON text of an API argument; `empty` stands in for no text at all."""
    try:
        return json.loads(text or empty)
    except ValueError as exc:
        raise CairnError(
            f"{name} is not valid JSON ({_reason(exc)}).",
            f"Send JSON text for {name}, or leave it empty.",
        ) from exc


def _kind(value: object) -> str:
    if value is None:
        return "null"
    names = {dict: "an object", list: "a list", str: "a string", bool: "true or false"}
    return names.get(type(value), "a number")


def _reason(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text at byte {exc.start}"
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at character {exc.pos}"
    return str(exc)


def check_answer(settings: Settings, question: str, text: str, overrides: dict[str, str]) -> Review:
    """Review an answer written anywhere; without retrieval, numbers are checked against the
    whole corpus."""
    cairn = open_cairn(settings)
    return cairn.check(question, text, overrides)
