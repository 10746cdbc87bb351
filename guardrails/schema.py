"""Typed files: the base model of every corpus, rule and suite file, and the one formatter that
turns what is wrong with a file into lines that name the file, the entry, the field and the fix.

    table = parse(DoseFile, data, "doses.yaml", context={"lexicon": lexicon})
    # RulesError: doses.yaml:12: doses[3] ('tucatinib'): unknown field 'schedul'; did you
    #   mean 'schedule'? (allowed: amount, drug, id, ...)

Every problem of a file is listed at once. A check across files (an id of the lexicon or of
the corpus's sources: `guardrails.fields`) is a validator that reads the validation `context`;
a check across entries (an id used twice) is an `Issue` the loader adds.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from guardrails.errors import RulesError
from guardrails.yamlio import compose, line_of


class Strict(BaseModel):
    """A file's record: unknown fields refused (a misspelt key would drop what it holds)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


M = TypeVar("M")  # a pydantic model, or a dataclass with `__pydantic_config__` forbidding extras
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Issue:
    """One problem at a place in a file: `loc` is the path of keys and list positions."""

    loc: Loc
    message: str


_WANTED = {  # what a wrong type should have been, by pydantic's error type
    "text": ("string_type",),
    "a number": ("float_type", "float_parsing"),
    "a whole number": ("int_type", "int_parsing", "int_from_float"),
    "true or false": ("bool_type", "bool_parsing"),
    "a list": ("list_type", "tuple_type", "set_type", "frozen_set_type"),
    "a mapping of key: value": ("dict_type",),
    "a mapping of fields": ("model_type", "model_attributes_type"),
    "a date written YYYY-MM-DD": ("date_type", "date_parsing", "date_from_datetime_parsing"),
}
_KINDS = {kind: wanted for wanted, kinds in _WANTED.items() for kind in kinds}
_BOUNDS = {
    "greater_than": ("greater than", "gt"),
    "greater_than_equal": ("at least", "ge"),
    "less_than": ("less than", "lt"),
    "less_than_equal": ("at most", "le"),
}


def parse(model: type[M], data: Any, origin: str, **options: Any) -> M:
    """`data` as `model`; RulesError listing every problem (options: those of `validate`)."""
    value, problems = validate(model, data, origin, **options)
    if problems or value is None:
        raise RulesError(problems)
    return value


def validate(
    model: type[M],
    data: Any,
    origin: str,
    *,
    context: dict[str, Any] | None = None,
    text: str | None = None,
    issues: Sequence[Issue] = (),
) -> tuple[M | None, list[str]]:
    """`data` as `model` (None when invalid) and the problems, one line each."""
    found = list(issues)
    value = None
    try:
        value = TypeAdapter(model).validate_python(data, context=context)
    except ValidationError as exc:
        found += issues_of(exc, model)
    return (None if found else value), format_issues(found, origin, data, text)


def schema_problems(
    exc: ValidationError,
    origin: str,
    data: Any = None,
    model: type | None = None,
    text: str | None = None,
) -> list[str]:
    """The lines of a loader that validates by itself: every error of `exc`."""
    return format_issues(issues_of(exc, model), origin, data, text)


def issues_of(exc: ValidationError, model: type | None = None) -> list[Issue]:
    """Each error of pydantic as an Issue whose message says what to write instead."""
    found = []
    errors = exc.errors()
    for error in errors:
        loc: Loc = tuple(error["loc"])
        if error["type"] == "too_short" and any(
            len(e["loc"]) > len(loc) and tuple(e["loc"][: len(loc)]) == loc for e in errors
        ):
            continue  # a list whose entries are wrong is not also empty
        kind, given = error["type"], _shown(error.get("input"))
        key = field_path(loc)
        if kind in ("extra_forbidden", "unexpected_keyword_argument"):  # a model, a dataclass
            allowed = fields_at(model, loc[:-1]) if model else []
            found.append(Issue(loc, f"unknown field '{key}'{_suggest(str(loc[-1]), allowed)}"))
            continue
        if kind == "missing":
            found.append(Issue(loc, f"missing field '{key}'"))
            continue
        if kind in ("literal_error", "enum"):
            message = f"must be one of {error.get('ctx', {}).get('expected', '')}, not {given}"
        elif kind in ("model_type", "model_attributes_type") and model is not None:
            names = ", ".join(fields_at(model, loc))
            message = f"must be a mapping with the fields {names}, not {given}"
        elif kind in _KINDS:
            message = f"must be {_KINDS[kind]}, not {given}"
        elif kind in _BOUNDS:
            word, bound = _BOUNDS[kind]
            message = f"must be {word} {error.get('ctx', {}).get(bound):g}, not {given}"
        elif kind in ("too_short", "string_too_short"):
            least = error.get("ctx", {}).get("min_length", 1)
            message = "must not be empty" if least == 1 else f"needs at least {least} items"
        elif kind in ("value_error", "assertion_error"):
            message = str(error["msg"]).split(", ", 1)[-1]
        else:
            message = f"{error['msg']} (got {given})"
        found.append(Issue(loc, f"field '{key}': {message}" if key else message))
    return found


def format_issues(
    issues: Sequence[Issue], origin: str, data: Any, text: str | None = None
) -> list[str]:
    """One line per issue, in file order: `file[:line]: entry ('id'): message`."""
    tree = compose(text) if text and issues else None
    placed = []
    for issue in issues:
        line = line_of(tree, issue.loc) if tree is not None and issue.loc else None
        where = f"{origin}:{line}" if line else origin
        entry = _entry(issue.loc, data)
        placed.append((_order(issue.loc, data), f"{where}: {entry}{issue.message}"))
    return [message for _, message in sorted(placed, key=lambda p: p[0])]


def duplicates(data: Any, *sections: str, key: str = "id") -> list[Issue]:
    """An issue for each entry of the lists `data[section]` that repeats an earlier `key`."""
    seen: dict[Any, str] = {}
    found = []
    for section in sections:
        entries = data.get(section) if isinstance(data, dict) else None
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            value = entry.get(key) if isinstance(entry, dict) else None
            if not isinstance(value, str | int):
                continue
            if value in seen:
                found.append(
                    Issue(
                        (section, i, key),
                        f"field '{key}': '{value}' is used twice (also {seen[value]}); "
                        "give each entry its own",
                    )
                )
            seen.setdefault(value, f"{section}[{i}]")
    return found


def unknown_id(value: str, known: Collection[str], where: str) -> str:
    return f"'{value}' is not an id in {where}{_suggest(value, known, listed=False)}"


def _suggest(value: str, allowed: Collection[str], listed: bool = True) -> str:
    slack = max(1, len(value) // 4)  # 'kind' is not a misspelt 'id'
    similar = [a for a in allowed if abs(len(a) - len(value)) <= slack]
    close = difflib.get_close_matches(value, similar, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    if listed and allowed:
        hint += f" (allowed: {', '.join(sorted(allowed))})"
    return hint


def field_path(loc: Loc) -> str:
    """The field part of a place, below its list entry: ('doses', 3, 'unit', 1) -> 'unit[1]'."""
    rest = loc[2:] if len(loc) >= 2 and isinstance(loc[1], int) else loc
    path = ""
    for part in (p for p in rest if p != "[key]"):  # a mapping's key: its path names it
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _entry(loc: Loc, data: Any) -> str:
    """'doses[3] ('tucatinib'): ' for an issue inside a list entry with an id, else ''."""
    if len(loc) < 2 or not isinstance(loc[1], int):
        return ""
    label = f"{loc[0]}[{loc[1]}]"
    try:
        entry_id = data[loc[0]][loc[1]].get("id")
    except (KeyError, IndexError, TypeError, AttributeError):
        entry_id = None
    return f"{label} ('{entry_id}'): " if isinstance(entry_id, str | int) else f"{label}: "


def _order(loc: Loc, data: Any) -> tuple[int, ...]:
    """Where in the file a place is: each key's position in its mapping, each list index."""
    order = []
    for part in loc:
        if isinstance(data, dict):
            keys = list(data)
            order.append(keys.index(part) if part in keys else len(keys))
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int):
            order.append(part)
            data = data[part] if part < len(data) else None
        else:
            order.append(0)
    return tuple(order)


def fields_at(model: type, loc: Loc) -> list[str]:
    """The field names (as written in the file) of the model found at `loc`."""
    target: Any = model
    for part in loc:
        target = _inner(target, part)
    return list(_fields(target) or {})


def _fields(target: Any) -> dict[str, Any] | None:
    """A model's or a dataclass's fields, as written in a file, and their types."""
    if isinstance(target, type) and issubclass(target, BaseModel):
        return {f.alias or n: f.annotation for n, f in target.model_fields.items()}
    if isinstance(target, type) and dataclasses.is_dataclass(target):
        hints = typing.get_type_hints(target)
        return {f.name: hints[f.name] for f in dataclasses.fields(target)}
    return None


def _inner(annotation: Any, part: str | int) -> Any:
    """The type one step inside `annotation`: a field of a model, an item of a list or map."""
    annotation = _unwrap(annotation)
    fields = _fields(annotation)
    if fields is not None:
        return None if isinstance(part, int) else _unwrap(fields.get(part))
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin in (tuple, list, frozenset, set) and args:
        return _unwrap(args[0])
    if origin is dict and len(args) == 2:
        return _unwrap(args[1])
    return None


def _unwrap(annotation: Any) -> Any:
    """`Annotated[X, ...]` and `X | None` -> X."""
    while True:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is typing.Annotated:
            annotation = args[0]
        elif origin in (typing.Union, types.UnionType):
            kept = [a for a in args if a is not type(None)]
            if len(kept) != 1:
                return annotation
            annotation = kept[0]
        else:
            return annotation
