"""The extractive generator's choices: near-duplicates are dropped, but two results that share
only their framing (a 95% CI, a 12-month rate) are not duplicates."""

from __future__ import annotations

from assistant.generators.extractive import _duplicate
from ingest.lexical import Tokenizer

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
