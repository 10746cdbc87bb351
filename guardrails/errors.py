"""The error hierarchy: every error carries a fix hint and becomes one plain sentence at the
boundary (CLI, UI). Lives in the lowest package so every other package can raise it."""

from __future__ import annotations


class CairnError(Exception):
    """An error a user can fix. `message` says what is wrong, `fix` says what to do."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message} {self.fix}".strip()


class RulesError(CairnError):
    """A rule file (lexicon, doses, pathway) is missing or malformed."""

    def __init__(self, problems: list[str], fix: str = "") -> None:
        self.problems = problems
        super().__init__(
            "; ".join(problems), fix or "Correct the rule files under corpus/rules/ and run again."
        )
