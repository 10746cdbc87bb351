"""What the corpus covers, and whether a question falls inside it (real corpus.yaml and lexicon;
the vocabulary is every word of the real sources, as the index snapshot builds it)."""

from __future__ import annotations

import re

import pytest

from assistant.records import Evidence
from assistant.retrieval import RetrievalResult
from assistant.scope import (
    correct_spelling,
    judge_scope,
    not_covered_text,
    unknown_terms,
)
from assistant.settings import RetrievalSettings
from guardrails.context import extract_context
from guardrails.lexicon import Lexicon
from ingest.corpus_info import CorpusInfo
from ingest.sources import load_sources
from tests.conftest import REAL_CORPUS
from tests.evidence import make_evidence

LEXICON = Lexicon.load(REAL_CORPUS / "rules" / "lexicon.yaml")
INFO = CorpusInfo.load(REAL_CORPUS / "corpus.yaml")
SETTINGS = RetrievalSettings()  # min_similarity 0.40


def _vocabulary() -> frozenset[str]:
    loaded, problems = load_sources([REAL_CORPUS / "sources"])
    assert not problems
    word = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
    return frozenset(
        w for item in loaded for w in word.findall(f"{item.source.title}. {item.text}".lower())
    )


VOCABULARY = _vocabulary()


def _evidence() -> Evidence:
    return make_evidence(title="A label", citation="Label 2025", dense=0.9)


def result(similarity: float, found: bool = True) -> RetrievalResult:
    return RetrievalResult(evidence=[_evidence()] if found else [], best_similarity=similarity)


def judge(question: str, similarity: float = 0.9, found: bool = True) -> tuple[bool, str]:
    context = extract_context(question, [], LEXICON)
    decision = judge_scope(
        question, context, result(similarity, found), INFO, VOCABULARY, LEXICON, SETTINGS
    )
    return decision.covered, decision.reason


# judge_scope ------------------------------------------------------------------------------------


def test_a_question_inside_the_corpus_is_covered() -> None:
    assert judge("T-DXd dose in HER2+ metastatic breast cancer?") == (True, "")


def test_her2_negative_disease_is_outside_a_her2_positive_corpus() -> None:
    assert judge("HER2-negative MBC, what first line?") == (
        False,
        "the question is about her2 negative",
    )


def test_early_disease_is_outside_a_metastatic_corpus() -> None:
    covered, reason = judge("HER2+ early breast cancer after surgery, which adjuvant therapy?")
    assert not covered and reason == "the question is about setting early"


def test_another_cancer_is_outside_the_corpus() -> None:
    assert judge("What is the first-line treatment of HER2+ gastric cancer?") == (
        False,
        "the question is about gastric cancer",
    )


def test_breast_cancer_and_generic_words_before_cancer_are_not_another_condition() -> None:
    assert judge("T-DXd dose in HER2-positive metastatic cancer?")[0]
    assert judge("T-DXd dose in HER2+ breast cancer?")[0]


def test_an_excluded_topic_gives_its_reason() -> None:
    assert judge("How much does T-DXd cost?") == (
        False,
        "the corpus does not cover drug prices and reimbursement",
    )


def test_a_drug_like_name_the_corpus_never_uses_is_outside_it() -> None:
    assert judge("Is osimertinib an option in HER2+ MBC?") == (
        False,
        "the corpus never mentions osimertinib",
    )


@pytest.mark.parametrize("term", ["KEYNOTE-522", "ESR1"])
def test_letter_digit_names_the_corpus_never_uses_are_outside_it(term: str) -> None:
    assert judge(f"Is {term} relevant in HER2+ MBC?") == (
        False,
        f"the corpus never mentions {term}",
    )


def test_an_unknown_acronym_is_outside_the_corpus_only_when_retrieval_is_weak() -> None:
    question = "Does BRCA status matter in HER2+ MBC?"
    assert unknown_terms(question, VOCABULARY, LEXICON) == ([], ["BRCA"])
    assert judge(question, similarity=0.59) == (False, "the corpus never mentions BRCA")
    assert judge(question, similarity=0.61) == (True, "")


def test_an_acronym_the_corpus_uses_is_not_unknown() -> None:
    assert unknown_terms("Does EGFR matter in HER2+ MBC?", VOCABULARY, LEXICON) == ([], [])


def test_a_typo_of_a_corpus_word_is_not_an_unknown_name() -> None:
    assert unknown_terms("What is the dose of trastuzamab?", VOCABULARY, LEXICON) == ([], [])
    assert judge("What is the dose of trastuzamab?") == (True, "")


def test_weak_or_empty_retrieval_is_outside_the_corpus() -> None:
    weak = (False, "no passage of the corpus is close to the question")
    assert judge("T-DXd dose in HER2+ MBC?", similarity=0.39) == weak
    assert judge("T-DXd dose in HER2+ MBC?", similarity=0.9, found=False) == weak


# correct_spelling and not_covered_text ----------------------------------------------------------


def test_misspelt_words_are_replaced_by_the_closest_corpus_word() -> None:
    assert (
        correct_spelling("What is the dose of trastuzamab and pertuzamab?", VOCABULARY, LEXICON)
        == "What is the dose of trastuzumab and pertuzumab?"
    )


def test_lexicon_names_short_words_and_unknown_words_are_left_alone() -> None:
    text = "T-DXd dose for Enhertu in HER2+ patients, osimertinib, tucatnib?"
    corrected = correct_spelling(text, VOCABULARY, LEXICON)
    assert corrected == "T-DXd dose for Enhertu in HER2+ patients, osimertinib, tucatinib?"


def test_not_covered_text_gives_the_reason_and_lists_what_the_corpus_covers() -> None:
    text = not_covered_text(INFO, "the corpus never mentions osimertinib")
    assert text.startswith("**Not covered**\n- Cairn's corpus (HER2-positive metastatic breast")
    assert "(the corpus never mentions osimertinib)" in text
    listed = text.split("**What the corpus covers**\n")[1].splitlines()
    assert listed == [f"- {item}" for item in INFO.covers]
    assert "- brain metastases in HER2-positive disease" in listed


def test_not_covered_text_without_a_reason_has_no_empty_brackets() -> None:
    text = not_covered_text(INFO, "")
    assert "does not answer this question, so" in text and "()" not in text
