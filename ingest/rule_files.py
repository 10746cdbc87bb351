"""Loading a corpus's rule files, refusing files that are not text.

The loaders in `guardrails` read YAML as UTF-8; a binary or wrongly saved file would end in a
UnicodeDecodeError traceback. These wrappers name the file instead.

    rules = load_rulebook(Path("corpus/rules"))
    lexicon = load_lexicon(Path("corpus/rules/lexicon.yaml"))
"""

from __future__ import annotations

from pathlib import Path

from guardrails.errors import RulesError
from guardrails.lexicon import Lexicon
from guardrails.rules import RuleBook


def load_rulebook(folder: Path) -> RuleBook:
    """Every rule file of `folder`, validated together (RulesError lists every problem)."""
    require_text(sorted(folder.glob("*.yaml")))
    return RuleBook.load(folder)


def load_lexicon(path: Path) -> Lexicon:
    require_text([path])
    return Lexicon.load(path)


def require_text(paths: list[Path]) -> None:
    """RulesError naming every file of `paths` that exists and is not UTF-8 text."""
    problems = []
    for path in paths:
        try:
            raw = path.read_bytes()
        except OSError:
            continue  # a missing file is reported by its loader, with the fix
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8 YAML")
            continue
        if "\x00" in text:
            problems.append(f"{path}: a binary file, not YAML text")
    if problems:
        raise RulesError(problems)
