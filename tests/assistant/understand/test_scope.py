"""What the corpus covers, and whether a question falls inside it (real corpus.yaml and lexicon;
the vocabulary is every word of the real sources, as the index snapshot builds it)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from assistant.records import Evidence
from assistant.retrieve.retrieval import RetrievalResult
from assistant.settings import RetrievalSettings
from assistant.understand.analysis import QuestionAnalysis
from assistant.understand.reader import Reader
from assistant.understand.scope import (
    ScopeDecision,
    correct_spelling,
    judge_scope,
    not_covered_text,
    unknown_terms,
)
from assistant.understand.topic import TopicReading
from assistant.understand.topic_index import TopicIndex
from guardrails.lexicon import Lexicon
from guardrails.measures import Measures
from ingest.corpus_info import CorpusInfo
from ingest.rule_files import load_rulebook
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


RULES = load_rulebook(REAL_CORPUS / "rules")
INDEX = TopicIndex.from_texts([])


def analysis_of(
    question: str, topic: TopicReading | None = None, vocabulary: frozenset[str] = VOCABULARY
) -> QuestionAnalysis:
    """The question read as the pipeline reads it, with the given topic reading (none: no
    topic word is uncovered)."""
    analysis = Reader(RULES, INFO, vocabulary, INDEX).analyze(question)
    return replace(analysis, topic=topic or TopicReading())


def judge(question: str, similarity: float = 0.9, found: bool = True) -> tuple[bool, str]:
    decision = judge_scope(analysis_of(question), result(similarity, found), INFO, SETTINGS)
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


# topic fidelity: what of the question's topic the sources do not cover -------------------------

MEASURES = Measures.load(REAL_CORPUS / "rules" / "measures.yaml")


def judge_topic(
    question: str, topic: TopicReading, similarity: float = 0.9, found: bool = True
) -> ScopeDecision:
    return judge_scope(analysis_of(question, topic), result(similarity, found), INFO, SETTINGS)


def test_an_uncovered_topic_is_answered_with_a_notice_not_refused() -> None:
    topic = TopicReading(("fridge",), ("fridge",), 0.6, ("trastuzumab deruxtecan",))
    decision = judge_topic("Enhertu vial, how long in the fridge?", topic)
    assert decision.covered
    assert decision.uncovered == ("fridge",)
    assert decision.subjects == ("trastuzumab deruxtecan",)


def test_an_uncovered_word_of_little_weight_changes_nothing() -> None:
    topic = TopicReading(("reflux", "omeprazole"), ("reflux",), 0.3, ("neratinib",))
    decision = judge_topic("nerlynx pt on omeprazole for reflux - fine?", topic)
    assert decision.covered and decision.uncovered == ()


def test_weak_retrieval_for_a_named_drug_with_an_uncovered_word_gets_the_closest_material() -> None:
    topic = TopicReading(("filter",), ("filter",), 0.3, ("trastuzumab emtansine",))
    decision = judge_topic("Kadcyla - D5W bag ok? filter?", topic, similarity=0.2)
    assert decision.covered and decision.uncovered == ("filter",)


def test_weak_retrieval_for_a_named_drug_whose_topic_words_its_passages_use_is_answered() -> None:
    question = "cape gr 3 hand-foot, first time. once better, restart at what %?"
    topic = TopicReading(("hand", "restart"), (), 0.0, ("capecitabine",))
    assert judge_topic(question, topic, similarity=0.3).covered
    # no evidence at all, or no topic word read: still outside the corpus
    assert not judge_topic(question, topic, similarity=0.3, found=False).covered
    assert not judge_topic(question, TopicReading(), similarity=0.3).covered


def test_weak_retrieval_without_a_named_drug_is_still_outside_the_corpus() -> None:
    topic = TopicReading(("fridge",), ("fridge",), 0.3, ())
    assert not judge_topic("how long in the fridge?", topic, similarity=0.2).covered
    assert not judge_topic("Kadcyla fridge?", topic, similarity=0.2, found=False).covered


@pytest.mark.parametrize(
    "question",
    [
        "Enhertu C3D1 ANC 0.8 x10^9/L, afebrile. hold?",
        "kadcyla plt 40,000/mm3 today",
        "T-DM1: ALT 4x ULN, hold?",
        "cape for HER2CLIMB regimen, CrCl 40 mL/min. dose adj?",
        "eribulin, ANC 1,200/uL on D8",
    ],
)
def test_lab_values_and_units_are_measures_never_unknown_terms(question: str) -> None:
    vocabulary = VOCABULARY | MEASURES.unit_words()
    decision = judge_scope(
        analysis_of(question, vocabulary=vocabulary), result(0.9), INFO, SETTINGS
    )
    assert decision.covered, decision.reason


@pytest.mark.parametrize("shorthand", ["x3", "q21d", "G3", "gr3", "T2N1", "PS2", "v5"])
def test_clinical_shorthand_is_never_an_unknown_name(shorthand: str) -> None:
    """Counts, frequencies, grades, stages, scores: at most two letters and two digits."""
    question = f"HER2+ MBC, new brain mets {shorthand}, tucatinib?"
    decision = judge_scope(analysis_of(question), result(0.9), INFO, SETTINGS)
    assert decision.covered, decision.reason


def test_a_question_naming_no_known_drug_gets_no_topic_notice() -> None:
    topic = TopicReading(("antibiotic", "pneumonia"), ("antibiotic", "pneumonia"), 0.9, ())
    decision = judge_topic("empiric antibiotic for outpatient pneumonia?", topic, similarity=0.3)
    assert not decision.covered and decision.uncovered == ()
