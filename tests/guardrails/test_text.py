import pytest

from guardrails.text import (
    Folded,
    citation_numbers,
    numbers_in,
    split_sentences,
    strip_citations,
)


def test_splits_sentences_but_not_abbreviations_or_decimals() -> None:
    text = "Cortes et al. reported HR 0.28 vs. 0.33 in 2022. T-DXd 5.4 mg/kg was given."
    assert [s.text for s in split_sentences(text)] == [
        "Cortes et al. reported HR 0.28 vs. 0.33 in 2022.",
        "T-DXd 5.4 mg/kg was given.",
    ]


def test_citation_marker_after_the_period_stays_with_its_sentence() -> None:
    spans = split_sentences("Pertuzumab 840 mg then 420 mg. [2] Trastuzumab weekly [3].")
    assert [s.text for s in spans] == [
        "Pertuzumab 840 mg then 420 mg. [2]",
        "Trastuzumab weekly [3].",
    ]


def test_sentence_spans_point_into_the_text() -> None:
    text = "First one.  Second one here."
    for span in split_sentences(text):
        assert text[span.start : span.end] == span.text


def test_bullets_are_sentences() -> None:
    spans = split_sentences("Options:\n- tucatinib triplet\n- T-DM1")
    assert [s.text for s in spans] == ["Options:", "- tucatinib triplet", "- T-DM1"]


def test_reads_citation_lists_and_ranges() -> None:
    assert citation_numbers("text [1] more [2, 4] and [5-7]") == [1, 2, 4, 5, 6, 7]
    assert strip_citations("HR 0.33 [3].") == "HR 0.33."


def test_numbers_are_normalised_and_names_with_digits_ignored() -> None:
    text = "HER2CLIMB and T-DM1: 1,000 mg/m2, 5.40 mg/kg, 95% CI 0.26-0.43 [4]"
    assert numbers_in(text) == ["1000", "5.4", "95", "0.26", "0.43"]


def test_a_folded_pattern_finds_any_case_at_the_original_positions() -> None:
    cue = Folded(r"\bdose level\b|re-?escalat\w*")
    match = cue.search("Then Dose Level -1; never RE-ESCALATE.")
    assert match is not None and (match.start(), match.end()) == (5, 15)
    assert cue.search("no cue here") is None


def test_a_folded_pattern_falls_back_when_lowering_changes_the_length() -> None:
    text = "\u0130stanbul: Dose level -1"  # 'İ' lowers to two characters
    assert len(text.lower()) != len(text)
    match = Folded(r"dose level").search(text)
    assert match is not None and text[match.start() : match.end()] == "Dose level"


def test_a_folded_pattern_must_be_written_in_lower_case() -> None:
    with pytest.raises(ValueError, match="lower case"):
        Folded(r"IV|\bdose\b")
    Folded(r"\S+\W\D\B")  # upper-case escapes are classes, not letters
