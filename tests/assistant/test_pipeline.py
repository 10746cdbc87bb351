"""The whole pipeline over the real corpus: context, retrieval, generation, review, Answer."""

from __future__ import annotations

import re

import pytest

from assistant.compose.citations import by_source
from assistant.compose.extractive import ExtractiveGenerator
from assistant.compose.llm import LlmGenerator
from assistant.pipeline import Cairn, EmptyQuestion, Final, Token, Turn
from assistant.records import Answer
from assistant.retrieve.retrieval import Filters
from guardrails.errors import CairnError
from guardrails.records import Verdict
from tests.assistant.scripted import ScriptedBackend

pytestmark = pytest.mark.integration

FIRST_LINE = "What is the first-line treatment for HER2-positive metastatic breast cancer?"
MARKER = re.compile(r"\[(\d+(?:, \d+)*)\]")


def body_and_references(answer: Answer) -> tuple[str, list[str]]:
    body, _, references = answer.text.partition("\n\n**References**\n")
    return body, references.splitlines()


def markers(text: str) -> set[int]:
    return {int(n) for group in MARKER.findall(text) for n in group.split(", ")}


@pytest.fixture(scope="module")
def first_line(real_cairn: Cairn) -> Answer:
    return real_cairn.ask(FIRST_LINE)


def test_a_first_line_question_gets_a_cited_answer_that_passes_review(first_line: Answer) -> None:
    assert first_line.covered and first_line.review.verdict is not Verdict.BLOCK
    body, references = body_and_references(first_line)
    assert "trastuzumab plus pertuzumab plus a taxane" in body
    assert [c.n for c in first_line.citations] == list(range(1, len(first_line.citations) + 1))
    assert len(references) == len({c.source_id for c in first_line.citations}) >= 2
    assert first_line.generator == "extractive"
    assert set(first_line.timings) == {"context", "retrieve", "generate", "review"}


def test_every_marker_points_to_a_citation_and_every_citation_is_used(
    first_line: Answer,
) -> None:
    body, references = body_and_references(first_line)
    assert markers(body) == {c.n for c in first_line.citations}
    assert first_line.invalid_markers == []
    for group, line in zip(by_source(first_line.citations), references, strict=True):
        numbers = ", ".join(str(c.n) for c in group)  # one line per source, its numbers first
        assert line.startswith(f"[{numbers}] {group[0].title}")


def test_citations_and_retrieved_ids_are_passages_of_the_index(
    real_cairn: Cairn, first_line: Answer
) -> None:
    snapshot = real_cairn.retriever.snapshot
    for citation in first_line.citations:
        chunk = snapshot.chunks[snapshot.by_id[citation.chunk_id]]
        assert (chunk.source_id, chunk.text) == (citation.source_id, citation.snippet)
    assert first_line.retrieved and set(first_line.retrieved) <= set(snapshot.by_id)
    assert first_line.corpus_version == snapshot.manifest.version


@pytest.mark.parametrize("question", ["", "   ", "\n\t"])
def test_an_empty_question_is_a_clear_error(real_cairn: Cairn, question: str) -> None:
    with pytest.raises(EmptyQuestion) as caught:
        real_cairn.ask(question)
    assert str(caught.value) == "The question is empty. Type a clinical question and ask again."


def test_an_unavailable_generator_is_an_error_naming_the_available_ones(
    real_cairn: Cairn,
) -> None:
    with pytest.raises(CairnError) as caught:
        real_cairn.ask(FIRST_LINE, generator="gpt-9")
    assert caught.value.message == "The generator 'gpt-9' is not available here."
    assert "extractive" in caught.value.fix


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("What is the first-line treatment of HER2-positive gastric cancer?", "gastric cancer"),
        ("How much does T-DXd cost?", "drug prices"),
        ("What is the osimertinib dose?", "never mentions osimertinib"),
    ],
)
def test_a_question_outside_the_corpus_gets_the_not_covered_answer(
    real_cairn: Cairn, question: str, reason: str
) -> None:
    answer = real_cairn.ask(question)
    assert not answer.covered
    assert answer.text.startswith("**Not covered**")
    assert reason in answer.text.splitlines()[1]
    assert "**What the corpus covers**" in answer.text
    assert answer.citations == [] and answer.review.verdict is Verdict.PASS


def test_a_follow_up_carries_the_facts_and_the_drugs_of_earlier_turns(
    real_cairn: Cairn,
) -> None:
    history = [
        Turn("user", "HER2+ MBC progressed on first-line THP, no brain mets, history of ILD"),
        Turn("assistant", "T-DM1 is an option [1]."),
    ]
    answer = real_cairn.ask("what next?", history)
    standalone = answer.standalone_question
    assert standalone.startswith("what next? (") and standalone.endswith(")")
    assert "trastuzumab emtansine" in standalone  # the drug of the last answer's lead
    assert "history of interstitial lung disease" in standalone
    assert answer.context.ild_history.is_true
    assert answer.context.progressed_on == ("thp",)
    assert "history of interstitial lung disease" in answer.assumptions
    assert "T-DXd needs caution" in answer.text
    alone = real_cairn.ask("what next?")
    assert not alone.context.ild_history.known and alone.assumptions == []


def test_a_follow_up_that_proposes_a_known_error_with_the_turn_before_gets_the_rule(
    real_cairn: Cairn,
) -> None:
    history = [
        Turn("user", "ER-negative HER2+ MBC, finished 6 cycles of THP, complete response."),
        Turn("assistant", "HER2-targeted therapy continues [1]."),
    ]
    answer = real_cairn.ask("so we can stop everything now?", history)
    assert "stopping it with the chemotherapy is a known error" in answer.text
    alone = real_cairn.ask("so we can stop everything now?")
    assert "known error" not in alone.text


def test_a_fact_given_as_an_override_is_used_and_marked_as_set_by_the_user(
    real_cairn: Cairn,
) -> None:
    answer = real_cairn.ask(
        "HER2+ MBC progressed on THP, no brain mets. What next?", overrides={"ild_history": "true"}
    )
    assert answer.context.ild_history.is_true
    assert answer.context.ild_history.evidence == "set by user"
    assert "T-DXd needs caution" in answer.text


def test_filters_restrict_the_retrieved_passages(real_cairn: Cairn) -> None:
    answer = real_cairn.ask("What is the T-DXd dose?", filters=Filters(kinds=("label",)))
    snapshot = real_cairn.retriever.snapshot
    kinds = {snapshot.chunks[snapshot.by_id[cid]].kind.value for cid in answer.retrieved}
    assert kinds == {"label"}


def test_stream_yields_tokens_then_one_final_answer(real_cairn: Cairn) -> None:
    events = list(real_cairn.stream("What is the T-DXd dose?"))
    assert isinstance(events[-1], Final)
    assert [type(e) for e in events[:-1]] == [Token] * (len(events) - 1) and len(events) > 1
    assert "5.4 mg/kg" in "".join(e.text for e in events if isinstance(e, Token))


def test_check_blocks_a_wrong_dose(real_cairn: Cairn) -> None:
    review = real_cairn.check("T-DXd dose?", "T-DXd is given at 6.4 mg/kg every 3 weeks.")
    assert review.verdict is Verdict.BLOCK
    assert [f.rule_id for f in review.findings if f.severity.value == "block"] == [
        "doses.other-indication"
    ]


def test_check_passes_the_right_dose(real_cairn: Cairn) -> None:
    review = real_cairn.check("T-DXd dose?", "T-DXd is given at 5.4 mg/kg every 3 weeks.")
    assert review.verdict is Verdict.PASS


def test_a_blocked_draft_is_withheld_and_kept_apart(real_cairn: Cairn) -> None:
    wrong = "T-DXd is given at 6.4 mg/kg every 3 weeks [1]."
    writer = LlmGenerator("llamacpp", ScriptedBackend(wrong), "corpus", real_cairn.rules.lexicon)
    cairn = Cairn(
        real_cairn.settings,
        real_cairn.rules,
        real_cairn.retriever,
        {"extractive": ExtractiveGenerator(real_cairn.rules), "llamacpp": writer},
        real_cairn.corpus,
    )
    answer = cairn.ask("What is the T-DXd dose?", generator="llamacpp")
    assert answer.review.verdict is Verdict.BLOCK
    assert answer.text.startswith("**Answer withheld**")
    assert "T-DXd is given at 6.4 mg/kg" not in answer.text
    assert "T-DXd is given at 6.4 mg/kg every 3 weeks [1]." in answer.draft
    assert "- Read: " in answer.text


def test_cairn_does_not_block_its_own_answer_for_a_contraindicated_patient(
    mini_cairn: Cairn,
) -> None:
    answer = mini_cairn.ask(
        "What is the first-line treatment of widget disease?", overrides={"lung_nodules": "true"}
    )
    assert answer.review.verdict is not Verdict.BLOCK
