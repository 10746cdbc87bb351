"""Reading rule files: YAML errors become messages that name the file and the line."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from guardrails.errors import RulesError


def load_yaml(path: Path) -> Any:
    if not path.is_file():
        raise RulesError([f"{path}: file not found"], f"Create {path.name} under corpus/rules/.")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RulesError([f"{path}:{line} is not valid YAML ({problem})"]) from exc


def require(entry: dict[str, Any], key: str, kind: type, where: str, problems: list[str]) -> Any:
    """Return entry[key] if present and of `kind`; otherwise record a problem and return None."""
    if key not in entry or entry[key] is None:
        problems.append(f"{where}: missing field '{key}'")
        return None
    value = entry[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        problems.append(
            f"{where}: field '{key}' must be {kind.__name__}, got {type(value).__name__}"
        )
        return None
    return value


def unknown_fields(entry: dict[str, Any], allowed: Iterable[str], where: str) -> list[str]:
    """A problem for each key outside `allowed`: a misspelt key would drop what it holds."""
    known = sorted(allowed)
    return [
        f"{where}: unknown field '{key}' (allowed: {', '.join(known)})"
        for key in entry
        if key not in known
    ]
