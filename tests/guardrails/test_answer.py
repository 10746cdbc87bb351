from guardrails.answer import body_of, parse_answer

ANSWER = """**Recommended**
- ASCO recommends trastuzumab plus pertuzumab plus a taxane first line. [1]
- Pertuzumab is 840 mg then 420 mg every 3 weeks [2]. Docetaxel is 75 mg/m2 [3].

**References**
[1] ASCO 2022.
"""


def test_reads_sentences_and_their_markers_without_headings_or_references() -> None:
    sentences = parse_answer(ANSWER)
    assert [s.citations for s in sentences] == [(1,), (2,), (3,)]
    assert sentences[0].claim.startswith("ASCO recommends")
    assert "References" not in body_of(ANSWER)


def test_spans_locate_the_sentence_in_the_answer() -> None:
    for sentence in parse_answer(ANSWER):
        assert ANSWER[sentence.start : sentence.end] == sentence.text


def test_short_fragments_and_questions_are_not_factual() -> None:
    sentences = parse_answer("Yes. Would you like the dose? T-DXd is given every 3 weeks.")
    assert [s.factual for s in sentences] == [False, False, True]
