"""The literal screen in front of a rule pattern: a necessary condition, never a second opinion."""

from __future__ import annotations

import re

import pytest

from guardrails.rules import RuleBook
from guardrails.screen import Screened, required_words
from guardrails.text import split_sentences
from tests.conftest import ROOT

PATTERNS = [
    r"\b(?:stop|end)\w*\s+(?:the\s+)?(?:zorbatinib|plumavir)[^.]{0,30}?\bwith\s+(?:chemo|taxane)",
    r"(?<!and )\bquinbox\s+(?:alone|on its own|as (?:a )?single[- ]agent)",
    r"\b(?:grade [34]|severe)\s+(?:rash|diarrh(?:o)?ea)",
    r"\d+\s*(?:mg|)",  # an empty alternative and a class: no required word
    r"\bthen\s+(?:all\s+)?(?:treatment|therapy)\s+(?:stops|ends)",
]
TEXTS = [
    "Stop the zorbatinib together with chemo.",
    "Stopping zorbatinib with taxane is an error.",
    "Quinbox alone is not given.",
    "and quinbox alone",
    "Grade 3 diarrhea needs a hold.",
    "Severe diarrhoea: hold.",
    "An option is to continue.",
    "Then all therapy ends.",
    "Nothing relevant here at all.",
    "",
]


@pytest.mark.parametrize("raw", PATTERNS)
def test_the_screen_never_rejects_a_text_the_pattern_matches(raw: str) -> None:
    screened = Screened(re.compile(raw, re.IGNORECASE))
    for text in TEXTS:
        assert (screened.search(text) is None) == (screened.pattern.search(text) is None)


def test_required_words_come_from_the_pattern_itself() -> None:
    words = required_words(re.compile(PATTERNS[0], re.IGNORECASE))
    assert frozenset({"zorbatinib", "plumavir"}) in words
    assert frozenset({"with"}) in words
    assert not Screened(re.compile(PATTERNS[0], re.I)).may_match("Stop everything now.")


def test_a_pattern_with_no_required_word_is_never_screened_out() -> None:
    screened = Screened(re.compile(PATTERNS[3], re.IGNORECASE))
    assert screened.required == ()
    assert screened.may_match("anything")


def test_case_matters_only_when_the_pattern_says_so() -> None:
    exact = Screened(re.compile(r"\bHER\d\b"))
    assert exact.required == (frozenset({"HER"}),)
    assert exact.search("her2") is None
    assert exact.search("HER2") is not None


def test_every_rule_pattern_match_in_the_corpus_passes_its_screen() -> None:
    """On every sentence of the real corpus's sources, a screen that says no means no match."""
    rules = RuleBook.load(ROOT / "corpus" / "rules")
    patterns = [
        p for r in (*rules.pathway.pitfalls, *rules.pathway.emergencies) for p in r.patterns
    ]
    sentences = [
        s.text
        for path in sorted((ROOT / "corpus" / "sources").glob("*.md"))
        for s in split_sentences(path.read_text(encoding="utf-8"))
    ]
    screened_out = 0
    for pattern in patterns:
        for sentence in sentences:
            if not pattern.may_match(sentence):
                screened_out += 1
                assert pattern.pattern.search(sentence) is None, (pattern, sentence)
    assert screened_out > len(patterns) * len(sentences) // 2  # the screen does its work
