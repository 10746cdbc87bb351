"""Names in a question: found after a cue, before an age or by a known given name, in any case,
and not taken from clinical words."""

from __future__ import annotations

import pytest

from assistant.understand.names import function_words, given_names, redact_names


def test_the_word_lists_load_and_mark_english_words() -> None:
    names = given_names()
    assert len(names) > 10_000
    assert names["aisha"] is False and names["grace"] is True  # "grace" is an English word too
    assert {"has", "with", "progressed"} <= function_words()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Tomasz Kowalczyk, LVEF 45%", "[NAME], LVEF 45%"),
        ("Prof. Ingrid Solberg suggests neratinib", "[NAME] suggests neratinib"),
        ("Mrs O'Donnell-Hughes has ANC 0.8", "[NAME] has ANC 0.8"),
        (
            "my patient called Fatima Zahra has progressed",
            "my patient called [NAME] has progressed",
        ),
        ("PT NGUYEN THI HOA second line", "PT [NAME] second line"),
        ("Jürgen Hoffmann's echo shows LVEF 50%", "[NAME] echo shows LVEF 50%"),
        ("GRACE O'NEILL 62F HER2+", "[NAME] 62F HER2+"),
    ],
)
def test_names_are_found(text: str, expected: str) -> None:
    assert redact_names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Patient ER-negative, HER2 3+",  # an abbreviation after a mixed-case "Patient"
        "patient preference for oral therapy",  # lower case and not a given name
        "pt progressed on THP",
        "Will Herceptin work after T-DM1?",  # a given name that is an English word
        "LVEF rose sharply after stopping",
        "T-DXd 5.4 mg/kg every 3 weeks",
        "HER2+ MBC, 54 yo",  # one word before the age is no name
    ],
)
def test_clinical_words_are_not_taken_for_names(text: str) -> None:
    assert redact_names(text) == text
