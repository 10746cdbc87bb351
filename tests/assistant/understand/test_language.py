"""A question in another language than the corpus's gets a notice, not an answer: measured on
every golden question (none may be read as another language) and on questions written in French,
Spanish, German, Italian and Portuguese (tests/fixtures/languages/other-languages.yaml)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from assistant.pipeline import Cairn
from assistant.understand.language import LanguageReading, read_language
from guardrails.lexicon import Lexicon
from guardrails.records import Verdict
from ingest.chunking import ChunkingConfig, chunk_source
from ingest.rule_files import load_rulebook
from ingest.sources import load_sources
from ingest.store import vocabulary
from tests.conftest import FIXTURES, REAL_CORPUS, ROOT

OTHER = yaml.safe_load((FIXTURES / "languages" / "other-languages.yaml").read_text("utf-8"))
WRITTEN_FIRST = [q for questions in OTHER["first"].values() for q in questions]
# Not read as another language: too many of their words are also English or the corpus's.
MISSED = {
    "Quelle est la dose de trastuzumab deruxtécan pour un cancer du sein métastatique HER2+ ?",
    "Come si riduce la dose di neratinib in caso di diarrea?",
    "Como ajustar a dose de capecitabina na insuficiência renal?",
    "Combien de cycles de docétaxel avant l'entretien par trastuzumab et pertuzumab ?",
}
ENGLISH = [
    "T-DXd dose?",
    "THP after 14 mo DFI, LVEF 48%?",
    "ANC 0.8 x10^9/L, hold?",
    "Ｔ－ＤＸｄ ｄｏｓｅ？",
    "plts 35k, go?",
    "pt w Sjögren's on HP, ok?",
    "tepotinib vs capmatinib?",
    "Enhertu C3D1 ok today?",
    "Mr. Tomasz Kowalczyk, LVEF 45%: T-DXd dose?",
    "Ms Siobhán Ní Bhriain, HER2 3+, what next after THP?",
]


@cache
def real() -> tuple[frozenset[str], Lexicon]:
    """The real corpus's words as the index holds them (chunked, not embedded), and its lexicon."""
    rules = load_rulebook(REAL_CORPUS / "rules")
    loaded, problems = load_sources([REAL_CORPUS / "sources"])
    assert not problems
    chunks = [c for source in loaded for c in chunk_source(source, ChunkingConfig())]
    return vocabulary(chunks) | rules.measures.unit_words(), rules.lexicon


def reading(question: str) -> LanguageReading:
    words, lexicon = real()
    return read_language(question, words, lexicon)


def suite_questions(folder: Path) -> list[str]:
    """Every question and earlier user turn of the suite files in `folder`."""
    questions = []
    for path in sorted(folder.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text("utf-8"))["cases"]:
            questions.append(case["question"])
            questions += [t["content"] for t in case.get("history") or [] if t["role"] == "user"]
    return questions


def test_no_golden_question_is_read_as_another_language() -> None:
    golden = suite_questions(ROOT / "evals" / "golden")
    assert len(golden) > 300
    assert [q for q in golden if reading(q).other_language] == []


def test_no_adversarial_question_or_example_is_read_as_another_language() -> None:
    info = yaml.safe_load((REAL_CORPUS / "corpus.yaml").read_text("utf-8"))
    questions = suite_questions(ROOT / "evals" / "adversarial") + info["examples"]
    assert [q for q in questions if reading(q).other_language] == []


@pytest.mark.parametrize("question", ENGLISH)
def test_english_questions_full_of_abbreviations_or_names_are_english(question: str) -> None:
    assert not reading(question).other_language, reading(question)


@pytest.mark.parametrize("question", [q for q in WRITTEN_FIRST if q not in MISSED])
def test_questions_in_other_languages_are_read_as_such(question: str) -> None:
    assert reading(question).other_language, reading(question)


@pytest.mark.parametrize("question", [q for q in OTHER["second"] if q not in MISSED])
def test_questions_written_after_the_rule_was_chosen_are_read_as_such(question: str) -> None:
    assert reading(question).other_language, reading(question)


def test_the_measured_share_of_other_languages_detected() -> None:
    questions = WRITTEN_FIRST + OTHER["second"]
    detected = [q for q in questions if reading(q).other_language]
    assert (len(detected), len(questions)) == (56, 60)
    assert not any(reading(q).other_language for q in OTHER["short"])  # a documented limit


def test_names_acronyms_and_accents_are_weighed_as_the_module_says() -> None:
    spanish = reading("¿Cuál es la dosis de T-DXd en cáncer de mama?")
    assert spanish.foreign == ("cuál", "dosis", "cáncer")
    assert spanish.native == 2  # 'de', twice: a word the corpus uses ('de novo')
    assert reading("Кадсила доза?").foreign == ("кадсила", "доза")  # another script
    assert reading("Dosis für T-DXd?").other_language  # short, but 'für' has an accent
    english = reading("What is the T-DXd dose today, LVEF 48%?")
    assert english.foreign == () and english.native >= 3


@pytest.mark.integration
def test_a_question_in_another_language_gets_the_notice_not_an_answer(mini_cairn: Cairn) -> None:
    answer = mini_cairn.ask("Quelle est la posologie du zorbatinib chez une patiente âgée ?")
    assert not answer.covered and answer.citations == []
    assert answer.text.startswith("**Please ask in English**")
    assert "Cairn's corpus (Widget disease (test corpus)) is written in English" in answer.text
    assert "150 mg" not in answer.text and answer.review.verdict is Verdict.PASS


@pytest.mark.integration
def test_the_same_question_in_english_is_answered(mini_cairn: Cairn) -> None:
    answer = mini_cairn.ask("What is the dose of zorbatinib for an older patient?")
    assert answer.covered and "150 mg" in answer.text
