"""`cairn corpus check`: validate the sources and the rule files together.

problems, summary = check_corpus(Path("corpus"))
"""

from __future__ import annotations

from pathlib import Path

from guardrails.errors import RulesError
from guardrails.rules import RuleBook
from ingest.sources import load_sources


def check_corpus(folder: Path) -> tuple[list[str], str]:
    """Every problem of the corpus at `folder`, and a one-line summary when it is valid."""
    loaded, problems = load_sources([folder / "sources"])
    rules = None
    try:
        rules = RuleBook.load(folder / "rules")
    except RulesError as exc:
        problems.extend(exc.problems)
    summary = f"{len(loaded)} sources"
    if rules is not None:
        summary += f", {len(rules.lexicon.concepts)} lexicon entries"
    return problems, summary
