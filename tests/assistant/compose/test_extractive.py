"""The extractive generator's choices: near-duplicates are dropped, but two results that share
only their framing (a 95% CI, a 12-month rate) are not duplicates; each part of a question
gets a sentence."""

from __future__ import annotations

from dataclasses import replace

from assistant.compose.base import GenerationRequest
from assistant.compose.extractive import ExtractiveGenerator, _duplicate
from assistant.understand.intent import Intent
from guardrails.rules import RuleBook
from ingest.lexical import Tokenizer
from tests.assistant.reading import read
from tests.conftest import FIXTURES
from tests.evidence import make_evidence

TOKENS = Tokenizer()


def terms(text: str) -> frozenset[str]:
    return frozenset(TOKENS(text))


def test_the_same_statement_in_other_words_is_a_duplicate() -> None:
    a = terms("In ZORBA-1, median PFS was 12.4 months with zorbatinib vs 8.1 months with placebo.")
    b = terms("In ZORBA-1, median PFS with zorbatinib was 12.4 months vs 8.1 months with placebo.")
    assert _duplicate(a, b)


def test_two_results_sharing_only_their_framing_numbers_are_not_duplicates() -> None:
    pfs = terms(
        "In the cohort of ZORBA-1, the 12-month PFS rate was 61.6% (95% CI 54.9-67.6) "
        "with zorbatinib."
    )
    cns = terms(
        "In the cohort of ZORBA-1, the 12-month CNS PFS rate was 58.9% (95% CI 51.9-65.3) "
        "with zorbatinib."
    )
    assert not _duplicate(pfs, cns)


def test_a_two_part_question_gets_a_sentence_for_its_second_part() -> None:
    """Eight sentences answer "when does the rash start"; the one about the liver, which scores
    lower, still makes the answer because no other sentence answers that part."""
    rules = RuleBook.load(FIXTURES / "mini" / "rules")
    sites = [
        "face scalp forehead cheeks nose",
        "upper arms elbows wrists hands",
        "chest wall sternum ribs belly",
        "lower legs shins calves ankles",
        "palms fingers nails cuticles",
        "back shoulders spine hips",
        "neck ears throat jaw",
        "feet toes heels soles",
    ]
    rash = [f"Zorbatinib rash on the {site} starts early." for site in sites]
    liver = "Zorbatinib can harm the liver."
    evidence = [
        make_evidence(f"source-{n}", text, n=n, section="Safety")
        for n, text in enumerate([*rash, liver], start=1)
    ]
    question = "when does the zorbatinib rash start, and what about the liver?"
    request = GenerationRequest(read(question, intent=Intent.SAFETY), evidence)
    assert liver in ExtractiveGenerator(rules).compose(request)


def test_a_dose_question_after_a_toxicity_grade_puts_what_to_do_first() -> None:
    rules = RuleBook.load(FIXTURES / "mini" / "rules")
    text = (
        "The zorbatinib dose after pneumonitis is 150 mg orally twice daily. "
        "Zorbatinib is permanently discontinued for grade 2 or higher pneumonitis."
    )
    request = GenerationRequest(
        read("zorbatinib dose after grade 2 pneumonitis?", intent=Intent.DOSE),
        [make_evidence("zorbatinib-label", text, n=1)],
    )
    answer = ExtractiveGenerator(rules).compose(request)
    assert answer.index("permanently discontinued") < answer.index("150 mg")
    answer = ExtractiveGenerator(rules).compose(
        replace(request, analysis=read("zorbatinib dose?", intent=Intent.DOSE))
    )
    assert answer.index("150 mg") < answer.index("permanently discontinued")
