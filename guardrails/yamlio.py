"""Reading rule files: YAML errors become messages that name the file and the line, and a
place in a file (a path of keys and list positions) is found on its line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from guardrails.errors import RulesError

# The C parser where PyYAML has it: the same safe loader, about ten times faster on the rule files.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path) -> Any:
    return read_yaml(path)[0]


def read_yaml(path: Path) -> tuple[Any, str]:
    """The file's data and its text (the error formatter finds line numbers in the text)."""
    if not path.is_file():
        raise RulesError([f"{path}: file not found"], f"Create {path.name} under corpus/rules/.")
    text = path.read_text(encoding="utf-8")
    try:
        return yaml.load(text, Loader=_LOADER), text
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RulesError([f"{path}:{line} is not valid YAML ({problem})"]) from exc


def compose(text: str) -> yaml.Node | None:
    """The file as YAML nodes, which know their lines (None when it does not parse)."""
    try:
        return yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError:
        return None


def line_of(node: yaml.Node | None, loc: tuple[str | int, ...]) -> int | None:
    """The line of the deepest key or item of `loc` the file has (a missing key: its entry's)."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if pair is None:
                break
            line, node = pair[0].start_mark.line + 1, pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line
