"""Shared by the tests of the dose-rule checks: rule sets loaded once, and the rule ids a check
finds in an answer to a question.

    rule_ids(check_modifications, MINI_RULES, "Widgets 8,000 on zorbatinib?", "Hold it.")
    # ['doses.modification']: the fictional table discontinues zorbatinib under 10,000/mm3
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

from guardrails.answer import AnswerSentence, parse_answer
from guardrails.dose_conditions import Question
from guardrails.dose_mentions import DoseMention, find_doses
from guardrails.dose_table import DoseTable
from guardrails.doses import check_doses
from guardrails.lexicon import Lexicon
from guardrails.measures import Measures
from guardrails.records import Finding, PatientContext
from guardrails.rules import RuleBook
from tests.conftest import FIXTURES, REAL_CORPUS

MINI_RULES = FIXTURES / "mini" / "rules"  # engine tests: the fictional corpus
CORPUS_RULES = REAL_CORPUS / "rules"  # corpus tests: the real labels' tables

Check = Callable[[Sequence[AnswerSentence], Question, DoseTable, Lexicon, Measures], list[Finding]]


@cache
def rules_at(folder: Path) -> RuleBook:
    return RuleBook.load(folder)


def asked(folder: Path, question: str) -> Question:
    rules = rules_at(folder)
    return Question.read(question, rules.lexicon, rules.measures)


def rule_ids(check: Check, folder: Path, question: str, answer: str) -> list[str]:
    rules = rules_at(folder)
    found = check(
        parse_answer(answer), asked(folder, question), rules.doses, rules.lexicon, rules.measures
    )
    return [f.rule_id for f in found]


def doses(rules: RuleBook, text: str) -> list[DoseMention]:
    """The dose mentions of an answer text."""
    return find_doses(parse_answer(text), rules.lexicon, rules.dose_vocabulary)


def dose_findings(rules: RuleBook, text: str) -> list[Finding]:
    """The dose table's findings on an answer text, for a patient with no stated facts."""
    return check_doses(doses(rules, text), rules.doses, rules.lexicon, PatientContext())


def dose_ids(rules: RuleBook, text: str) -> list[str]:
    return [f.rule_id for f in dose_findings(rules, text)]
