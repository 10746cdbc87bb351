from guardrails.text import citation_numbers, numbers_in, split_sentences, strip_citations


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
