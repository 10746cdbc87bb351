"""The question analysis: each field read from the turn (fictional corpus, its own fact schema),
and the pipeline reading each turn once."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.pipeline import Cairn
from assistant.understand.analysis import Decision, LineReading
from assistant.understand.conversation import Turn
from assistant.understand.intent import Intent, Role
from assistant.understand.reader import Reader
from assistant.understand.topic_index import TopicIndex
from guardrails.lexicon import ConceptKind
from guardrails.records import FactStatus
from tests.assistant.reading import MINI_CORPUS, MINI_RULES, read


def test_mentions_carry_their_kind_and_negation() -> None:
    analysis = read("No lung nodules, possible liver impairment. Zorbatinib dose?")
    found = {m.concept_id: (m.kind, m.status) for m in analysis.mentions}
    assert found == {
        "lung-nodules": (ConceptKind.TERM, FactStatus.NEGATED),
        "hepatic-impairment": (ConceptKind.TERM, FactStatus.UNCERTAIN),
        "zorbatinib": (ConceptKind.DRUG, FactStatus.STATED),
    }
    assert "nodules" not in analysis.search_text  # a ruled-out condition is not searched for
    assert analysis.names_a_subject


def test_a_therapy_named_as_adjuvant_therapy_is_marked_early() -> None:
    analysis = read("Relapse after adjuvant velmab; zorbatinib now?")
    early = {m.concept_id: m.early for m in analysis.mentions}
    assert early == {"velmab": True, "zorbatinib": False}


@pytest.mark.parametrize(
    ("question", "intent", "decision"),
    [
        ("What is the dose of zorbatinib?", Intent.DOSE, Decision.DOSE),
        ("Which regimen after zorbatinib?", Intent.TREATMENT, Decision.CHOICE),
        ("Grade 3 rash on velmab: hold or reduce?", Intent.DOSE, Decision.ACTION),
        ("Is velmab safe with lung nodules?", Intent.SAFETY, Decision.YES_NO),
        ("Why do the 2019 and 2024 guidelines differ?", Intent.DIFFERENCE, Decision.COMPARISON),
        ("What did ZORBA-1 show?", Intent.TRIAL, Decision.INFORMATION),
    ],
)
def test_intent_and_decision_asked(question: str, intent: Intent, decision: Decision) -> None:
    analysis = read(question)
    assert (analysis.intents[0], analysis.decision) == (intent, decision)


def test_roles_grade_and_measured_values_with_their_units() -> None:
    analysis = read("Widget count 40k and grade 2 rash on zorbatinib: reduce the dose?")
    assert dict(analysis.values) == {"widgets": 40_000.0, "grade": 2.0}
    assert analysis.grade
    assert Role.REDUCTION in analysis.roles
    assert not read("zorbatinib dose?").values


def test_topic_words_the_corpus_does_not_hold_are_read_once() -> None:
    index = TopicIndex.from_texts(["Zorbatinib is taken with food.", "Store below 25 C."])
    reader = Reader(MINI_RULES, MINI_CORPUS, frozenset(), index)
    topic = reader.analyze("Zorbix tablets crushed for a feeding tube?").topic
    assert topic.subjects == ("zorbatinib",)
    assert "crushed" in topic.uncovered and "feeding" in topic.uncovered


def test_patient_facts_and_therapies_given_and_progressed_on() -> None:
    analysis = read("72 years old, CrCl 40, progressed on zorbatinib. Next?")
    assert analysis.context.fact("age").value == 72
    assert analysis.context.fact("crcl").value == 40
    assert analysis.progressed == ("zorbatinib",) and analysis.given == ("zorbatinib",)


@pytest.mark.parametrize(
    "question",
    [
        "Progressed on zorbatinib, history of lung nodules, second line?",
        "Progressed on zorbatinib, 2L options?",
        "After zorbatinib, second-line treatment?",
    ],
)
def test_a_stated_line_is_not_added_to_the_therapy_progressed_on(question: str) -> None:
    assert read(question).line == LineReading(line=2, stated=2, inferred=2)


def test_a_progression_on_a_line_counts_that_line() -> None:
    assert read("Progressed on first-line zorbatinib plus velmab, options?").line.stated == 2


def test_a_stated_line_wins_over_the_therapies_and_the_disagreement_is_reported() -> None:
    line = read("Progressed on velmab, second line?").line  # velmab implies a later line
    assert (line.line, line.stated, line.inferred) == (2, 2, 3)
    assert line.disagrees
    assert not read("After zorbatinib, what next?").line.disagrees  # nothing stated


def test_a_follow_up_carries_the_earlier_facts_and_names() -> None:
    history = [
        Turn("user", "72 years old, CrCl 40, progressed on zorbatinib. Next?"),
        Turn("assistant", "Velmab with chemotherapy [1].\n\nMore."),
    ]
    analysis = read("what dose?", history)
    assert analysis.follow_up
    assert analysis.carried == (
        "progressed on zorbatinib",
        "creatinine clearance 40 mL/min",
        "aged 72",
    )
    assert "velmab" in analysis.standalone and "creatinine clearance 40" in analysis.standalone
    assert analysis.question == "what dose?"
    assert analysis.context.fact("crcl").value == 40  # the facts of earlier turns hold


def test_a_question_asked_on_its_own_is_no_follow_up() -> None:
    analysis = read("What is the dose of zorbatinib?")
    assert not analysis.follow_up and analysis.carried == ()
    assert analysis.standalone == analysis.question


def test_scope_cues_are_read_with_the_question() -> None:
    analysis = read("Zorbatinib in gastric cancer, and does KRAS matter?")
    assert analysis.conditions == (("gastric", "gastric cancer"),)
    assert "KRAS" in analysis.unknown_acronyms


@pytest.mark.integration
def test_the_pipeline_reads_each_turn_once(
    mini_cairn: Cairn, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    analyze = Reader.analyze

    def counted(self: Reader, question: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(question)
        return analyze(self, question, *args, **kwargs)

    monkeypatch.setattr(Reader, "analyze", counted)
    first = mini_cairn.ask("What is the first-line treatment of widget disease?")
    assert calls == ["What is the first-line treatment of widget disease?"]
    history = [Turn("user", first.question), Turn("assistant", first.text)]
    mini_cairn.ask("and the dose?", history=history)
    assert calls[1:] == ["and the dose?"]


def test_what_a_sentence_should_be_is_read_with_the_question() -> None:
    analysis = read("Stable on velmab, subgroup results of the 2019 guideline vs the previous one?")
    assert analysis.asks_subgroup and analysis.asks_history
    assert analysis.years == (2019,)
    assert Role.RESULT in analysis.asked_roles
    assert {m.concept_id: m.on_or_had for m in analysis.mentions} == {"velmab": True}
    assert read("Zorbatinib in liver impairment?").populations == {"hepatic-impairment"}


def test_without_a_stated_line_the_line_is_the_one_the_therapies_imply() -> None:
    assert read("Progressed on velmab, what next?").line == LineReading(3, None, 3)
