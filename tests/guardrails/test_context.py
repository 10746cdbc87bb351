from pathlib import Path

import pytest

from guardrails.context import extract_context
from guardrails.lexicon import Lexicon
from guardrails.records import FactStatus, PatientContext

LEXICON = Path(__file__).resolve().parents[2] / "corpus" / "rules" / "lexicon.yaml"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load(LEXICON)


def context(lexicon: Lexicon, question: str, history: list[str] | None = None) -> PatientContext:
    return extract_context(question, history or [], lexicon)


def test_reads_her2_positive_and_hr_negative(lexicon: Lexicon) -> None:
    c = context(lexicon, "58F HER2+ ER- MBC, progressed on THP")
    assert (c.her2.value, c.her2.status) == ("positive", FactStatus.STATED)
    assert (c.hr.value, c.hr.status) == ("negative", FactStatus.STATED)
    assert c.setting.value == "metastatic"


def test_reads_her2_3_plus_and_hr_positive(lexicon: Lexicon) -> None:
    c = context(lexicon, "HER2 3+ HR-positive breast cancer")
    assert (c.her2.value, c.hr.value) == ("positive", "positive")


def test_reads_her2_negative(lexicon: Lexicon) -> None:
    assert context(lexicon, "HER2-negative disease").her2.value == "negative"


def test_reads_her2_low(lexicon: Lexicon) -> None:
    assert context(lexicon, "HER2-low disease").her2.value == "low"


def test_triple_negative_is_her2_and_hr_negative(lexicon: Lexicon) -> None:
    c = context(lexicon, "triple-negative breast cancer")
    assert (c.her2.value, c.hr.value) == ("negative", "negative")


def test_a_negated_her2_status_states_nothing(lexicon: Lexicon) -> None:
    assert context(lexicon, "not HER2-negative").her2.status is FactStatus.UNKNOWN


def test_no_brain_mets_is_negated(lexicon: Lexicon) -> None:
    c = context(lexicon, "HER2+ MBC, no brain mets")
    assert (c.brain_mets.value, c.brain_mets.status) == ("none", FactStatus.NEGATED)


def test_denies_ild_is_negated(lexicon: Lexicon) -> None:
    c = context(lexicon, "HER2+ MBC, denies ILD")
    assert (c.ild_history.value, c.ild_history.status) == (False, FactStatus.NEGATED)


def test_possible_pneumonitis_is_uncertain_and_not_true(lexicon: Lexicon) -> None:
    c = context(lexicon, "possible pneumonitis on the last CT")
    assert c.ild_history.status is FactStatus.UNCERTAIN
    assert not c.ild_history.is_true


def test_negation_covers_every_item_of_a_list(lexicon: Lexicon) -> None:
    c = context(lexicon, "no history of ILD, heart failure or brain metastases")
    assert c.ild_history.status is FactStatus.NEGATED
    assert c.heart_failure.status is FactStatus.NEGATED
    assert c.brain_mets.status is FactStatus.NEGATED


def test_a_comma_ends_the_negation(lexicon: Lexicon) -> None:
    c = context(lexicon, "No brain mets, ILD history")
    assert c.brain_mets.status is FactStatus.NEGATED
    assert (c.ild_history.value, c.ild_history.status) == (True, FactStatus.STATED)


def test_a_question_about_ild_risk_does_not_give_the_patient_ild(lexicon: Lexicon) -> None:
    c = context(lexicon, "What is the risk of ILD with T-DXd?")
    assert c.ild_history.status is FactStatus.UNKNOWN


def test_a_history_of_ild_is_stated(lexicon: Lexicon) -> None:
    assert context(lexicon, "She has a history of ILD").ild_history.is_true


def test_active_brain_mets(lexicon: Lexicon) -> None:
    assert context(lexicon, "untreated brain metastases").brain_mets.value == "active"


def test_stable_brain_mets_after_srs(lexicon: Lexicon) -> None:
    assert context(lexicon, "stable brain mets after SRS").brain_mets.value == "stable"


def test_cns_predominant_brain_mets(lexicon: Lexicon) -> None:
    c = context(lexicon, "isolated brain metastases that are progressing")
    assert c.brain_mets.value == "cns_predominant"


def test_lvef_takes_the_current_value_of_a_fall(lexicon: Lexicon) -> None:
    assert context(lexicon, "LVEF fell from 60% to 45%").lvef.value == 45.0


def test_weight_in_kilograms(lexicon: Lexicon) -> None:
    assert context(lexicon, "She weighs 70 kg").weight_kg.value == 70.0


def test_weight_in_pounds_is_converted_to_kilograms(lexicon: Lexicon) -> None:
    assert context(lexicon, "a 154 lb patient").weight_kg.value == 69.9


def test_height_in_centimetres_and_metres(lexicon: Lexicon) -> None:
    assert context(lexicon, "165 cm, 60 kg").height_cm.value == 165.0
    assert context(lexicon, "height 1.72 m").height_cm.value == 172.0


def test_body_surface_area(lexicon: Lexicon) -> None:
    assert context(lexicon, "BSA 1.8 m2").bsa_m2.value == 1.8


def test_pregnancy_is_stated(lexicon: Lexicon) -> None:
    c = context(lexicon, "She is pregnant, what first-line?")
    assert (c.pregnant.value, c.pregnant.status) == (True, FactStatus.STATED)


def test_not_pregnant_is_negated(lexicon: Lexicon) -> None:
    c = context(lexicon, "She is not pregnant.")
    assert (c.pregnant.value, c.pregnant.status) == (False, FactStatus.NEGATED)


def test_pregnant_at_the_end_of_the_question_is_stated(lexicon: Lexicon) -> None:
    assert context(lexicon, "HER2+ MBC, first line, pregnant").pregnant.is_true


def test_a_later_turn_overrides_an_earlier_one(lexicon: Lexicon) -> None:
    c = context(lexicon, "Now her LVEF is 35%", ["HER2+ MBC, LVEF 60%"])
    assert c.lvef.value == 35.0
    assert c.lvef.turn == 1


def test_facts_of_earlier_turns_carry_over(lexicon: Lexicon) -> None:
    c = context(lexicon, "What about T-DXd?", ["HER2+ MBC, 65 kg, history of ILD"])
    assert c.ild_history.is_true
    assert c.weight_kg.value == 65.0
    assert c.her2.turn == 0


def test_a_later_negation_replaces_an_earlier_history(lexicon: Lexicon) -> None:
    c = context(lexicon, "Sorry, no ILD.", ["HER2+ MBC, history of ILD"])
    assert c.ild_history.status is FactStatus.NEGATED


def test_overrides_replace_extracted_facts(lexicon: Lexicon) -> None:
    c = extract_context(
        "HER2+ MBC, 80 kg, denies ILD", [], lexicon, {"ild_history": "true", "line": "2"}
    )
    assert c.ild_history.is_true and c.ild_history.evidence == "set by user"
    assert (c.line.value, c.weight_kg.value) == (2, 80.0)


@pytest.mark.parametrize(
    ("question", "setting"),
    [
        ("extended adjuvant neratinib in early HER2+ breast cancer: how long?", "early"),
        ("early HER2-positive breast cancer, which adjuvant regimen?", "early"),
        ("early disease progression on T-DXd, what next?", None),
        ("relapsed 4 months after adjuvant trastuzumab", "metastatic"),
    ],
)
def test_the_setting_of_the_question(lexicon: Lexicon, question: str, setting: str | None) -> None:
    assert extract_context(question, [], lexicon).setting.value == setting


@pytest.mark.parametrize(
    ("question", "grade"),
    [
        ("grade 2 pneumonitis on Enhertu, improving on prednisolone", 2.0),
        ("She had ILD grade 1 on T-DXd that resolved in 20 days", 1.0),
        ("history of ILD", None),
        ("no grade 2 ILD", None),
    ],
)
def test_reads_the_grade_of_ild(lexicon: Lexicon, question: str, grade: float | None) -> None:
    assert context(lexicon, question).ild_grade.value == grade


@pytest.mark.parametrize(
    ("question", "now", "baseline"),
    [
        ("LVEF fell from 58% to 43% on THP", 43.0, 58.0),
        ("HP maintenance, LVEF now 42% from 55% baseline", 42.0, 55.0),
        ("kadcyla, LVEF 43% (58% at baseline)", 43.0, 58.0),
        ("Herceptin, echo LVEF 45% (baseline 62%)", 45.0, 62.0),
        ("LVEF dropped by 18 points to 47%", 47.0, 65.0),
        ("LVEF 38%, starting THP", 38.0, None),
        ("baseline 60% on the last visit", None, None),  # no LVEF named
    ],
)
def test_reads_the_lvef_and_its_baseline(
    lexicon: Lexicon, question: str, now: float | None, baseline: float | None
) -> None:
    c = context(lexicon, question)
    assert (c.lvef.value, c.lvef_baseline.value) == (now, baseline)


@pytest.mark.parametrize(
    ("question", "status"),
    [
        ("new brain mets; extracranial disease stable", FactStatus.NEGATED),
        ("new brain mets, no systemic progression", FactStatus.NEGATED),
        ("new brain mets with extracranial progression", FactStatus.STATED),
        ("new brain mets", FactStatus.UNKNOWN),
    ],
)
def test_reads_whether_the_extracranial_disease_progresses(
    lexicon: Lexicon, question: str, status: FactStatus
) -> None:
    assert context(lexicon, question).extracranial_progression.status is status
