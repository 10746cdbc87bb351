"""Each sentence feature on small inputs: its value for a sentence and a question."""

from __future__ import annotations

import pytest

from assistant.compose import features as f
from assistant.understand.intent import Role

ZORB, VELM, QUEN = "c:zorbatinib", "c:velmab", "c:quenib"


def sentence(
    text: str = "Zorbatinib is given at 150 mg twice daily.", **fields: object
) -> f.Sentence:
    values: dict[str, object] = {"terms": frozenset({ZORB, "150", "mg"}), "roles": frozenset()}
    values["rank_weight"] = 1.0
    values.update(fields)
    return f.Sentence(text, **values)  # type: ignore[arg-type]


def test_query_overlap_sums_the_weights_of_the_question_terms_the_sentence_has() -> None:
    asked = f.Asked(weights={ZORB: 0.5, "mg": 0.25, "daily": 0.25})
    assert f.query_overlap(sentence(), asked) == pytest.approx(0.75)


def test_passage_rank_is_the_sentence_passage_weight() -> None:
    assert f.passage_rank(sentence(rank_weight=0.8), f.Asked()) == 0.8


def test_role_asked_needs_a_role_the_question_asks_for() -> None:
    dose = sentence(roles=frozenset({Role.DOSE}))
    assert f.role_asked(dose, f.Asked(roles=frozenset({Role.DOSE}))) == 1.0
    assert f.role_asked(dose, f.Asked(roles=frozenset({Role.RESULT}))) == 0.0


def test_summary_section_marks_a_summary_sentence() -> None:
    assert f.summary_section(sentence(summary=True), f.Asked()) == 1.0
    assert f.summary_section(sentence(), f.Asked()) == 0.0


def test_topic_concept_is_the_share_of_the_topic_concepts_named() -> None:
    asked = f.Asked(topic=frozenset({"c:nausea", "c:rash"}))
    text = sentence(terms=frozenset({ZORB, "c:rash"}))
    assert f.topic_concept(text, asked) == 0.5
    assert f.topic_concept(text, f.Asked()) == 0.0


def test_subject_absent_when_the_sentence_names_no_drug_the_user_asked_about() -> None:
    asked = f.Asked(focus=frozenset({VELM}))
    assert f.subject_absent(sentence(), asked) == 1.0
    assert f.subject_absent(sentence(terms=frozenset({VELM})), asked) == 0.0
    assert f.subject_absent(sentence(), f.Asked()) == 0.0  # the question names none


def test_an_asked_population_left_out_is_its_own_feature() -> None:
    asked = f.Asked(focus=frozenset({"c:er"}), population_focus=frozenset({"c:er"}))
    assert f.asked_population_absent(sentence(), asked) == 1.0
    assert f.subject_absent(sentence(), asked) == 0.0


def test_other_partner_when_a_dose_sentence_names_a_partner_not_asked() -> None:
    asked = f.Asked(focus=frozenset({ZORB}), partners=frozenset({"zorbatinib"}))
    with_quenib = sentence(drugs=frozenset({"zorbatinib", "quenib"}))
    assert f.other_partner(with_quenib, asked) == 1.0
    assert f.other_partner(sentence(drugs=frozenset({"zorbatinib"})), asked) == 0.0
    not_dose = f.Asked(focus=frozenset({ZORB}))
    assert f.other_partner(with_quenib, not_dose) == 0.0


def test_other_partner_is_not_counted_when_the_subject_is_absent() -> None:
    asked = f.Asked(focus=frozenset({VELM}), partners=frozenset({"velmab"}))
    assert f.other_partner(sentence(drugs=frozenset({"zorbatinib"})), asked) == 0.0


def test_other_line_when_the_sentence_is_about_another_line() -> None:
    second = sentence(lines=frozenset({2}))
    assert f.other_line(second, f.Asked(line=1)) == 1.0
    assert f.other_line(second, f.Asked(line=2)) == 0.0
    assert f.other_line(sentence(), f.Asked(line=1)) == 0.0  # no line in the sentence
    assert f.other_patient_line(second, f.Asked(line=1)) == 0.0
    assert f.other_patient_line(second, f.Asked(line=1, patient_line=True)) == 1.0


def test_other_population_when_the_sentence_names_one_not_asked() -> None:
    sub = sentence(populations=frozenset({"brain"}))
    assert f.other_population(sub, f.Asked()) == 1.0
    assert f.other_population(sub, f.Asked(populations=frozenset({"brain"}))) == 0.0


def test_subgroup_words_count_unless_asked_or_already_another_population() -> None:
    sub = sentence(subgroup_words=True)
    assert f.subgroup(sub, f.Asked()) == 1.0
    assert f.subgroup(sub, f.Asked(wants_subgroup=True)) == 0.0
    both = sentence(subgroup_words=True, populations=frozenset({"brain"}))
    assert f.subgroup(both, f.Asked()) == 0.0


@pytest.mark.parametrize(
    ("fit", "fits", "misfits"), [(True, 1.0, 0.0), (False, 0.0, 1.0), (None, 0.0, 0.0)]
)
def test_a_measured_value_fits_or_misses_the_sentence_thresholds(
    fit: bool | None, fits: float, misfits: float
) -> None:
    assert f.value_fit(sentence(fit=fit), f.Asked()) == fits
    assert f.value_misfit(sentence(fit=fit), f.Asked()) == misfits


def test_superseded_counts_unless_the_question_asks_about_past_versions() -> None:
    old = sentence(superseded=True)
    assert f.superseded(old, f.Asked()) == 1.0
    assert f.superseded(old, f.Asked(wants_history=True)) == 0.0


def test_long_sentence_past_the_limit() -> None:
    assert f.long_sentence(sentence("x" * (f.LONG_SENTENCE + 1)), f.Asked()) == 1.0
    assert f.long_sentence(sentence(), f.Asked()) == 0.0


def test_the_record_names_every_feature_with_a_value_in_range() -> None:
    record = f.feature_record(sentence(superseded=True, lines=frozenset({2})), f.Asked(line=1))
    assert list(record) == list(f.FEATURES)
    assert record["superseded"] == 1.0 and record["other_line"] == 1.0
    assert all(0.0 <= v <= 1.0 for v in record.values())
