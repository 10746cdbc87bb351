"""Field types shared by the typed files (`guardrails.schema`): checked text, and ids of
another file checked against the validation context.

    class Row(Strict):
        drug: LexiconId          # parse(Row, data, origin, context={"lexicon": ids})
        patterns: tuple[Regex, ...] = ()
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator, ValidationInfo

from guardrails.schema import unknown_id


def known_id(kind: str) -> Callable[[str, ValidationInfo], str]:
    """A validator: the value must be in `context[kind]` (skipped without it), e.g.
    `Annotated[str, AfterValidator(known_id("lexicon"))]` with context {"lexicon": ids}."""

    def check(value: str, info: ValidationInfo) -> str:
        known = (info.context or {}).get(kind)
        if known is not None and value not in known:
            raise ValueError(unknown_id(value, known, _WHERE.get(kind, kind)))
        return value

    return check


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"{value!r} is not a valid regular expression ({exc})") from exc
    return value


def _non_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


Regex = Annotated[str, AfterValidator(_regex)]  # kept as text; compiled by its reader
NonBlank = Annotated[str, AfterValidator(_non_blank)]
LexiconId = Annotated[str, AfterValidator(known_id("lexicon"))]
SourceId = Annotated[str, AfterValidator(known_id("sources"))]
_WHERE = {"lexicon": "lexicon.yaml", "sources": "the corpus's sources"}
