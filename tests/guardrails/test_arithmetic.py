import pytest

from guardrails.answer import parse_answer
from guardrails.arithmetic import body_surface_area, derived_numbers, patient_measures
from guardrails.context import extract_context
from guardrails.dose_mentions import find_doses
from guardrails.doses import check_doses
from guardrails.records import Finding, PatientContext, Severity
from guardrails.rules import RuleBook


def patient(rules: RuleBook, question: str) -> PatientContext:
    return extract_context(question, [], rules.lexicon)


def findings(rules: RuleBook, text: str, context: PatientContext) -> list[Finding]:
    mentions = find_doses(parse_answer(text), rules.lexicon, rules.dose_vocabulary)
    return [
        f
        for f in check_doses(mentions, rules.doses, rules.lexicon, context)
        if f.check == "arithmetic"
    ]


def test_mosteller_body_surface_area() -> None:
    assert body_surface_area(80, 180) == pytest.approx(2.0)
    assert body_surface_area(64, 170) == pytest.approx(1.738, abs=0.001)


def test_measures_come_from_the_context_and_bsa_from_height(rules: RuleBook) -> None:
    weight, bsa = patient_measures(patient(rules, "HER2+ MBC, 64 kg, 170 cm"))
    assert weight == 64.0
    assert bsa == pytest.approx(1.738, abs=0.001)


def test_a_correct_total_by_weight_passes(rules: RuleBook) -> None:
    assert findings(rules, "T-DXd 5.4 mg/kg is 378 mg for her.", patient(rules, "70 kg")) == []


def test_a_wrong_total_by_weight_is_blocked(rules: RuleBook) -> None:
    [finding] = findings(rules, "T-DXd 5.4 mg/kg is 420 mg for her.", patient(rules, "70 kg"))
    assert (finding.rule_id, finding.severity) == ("arithmetic.wrong-total", Severity.BLOCK)
    assert "378 mg" in finding.message


def test_the_stated_per_kg_basis_decides(rules: RuleBook) -> None:
    # 480 mg is 6 mg/kg for 80 kg, a real trastuzumab dose, but the answer said 8 mg/kg.
    [finding] = findings(rules, "Trastuzumab 8 mg/kg, which is 480 mg.", patient(rules, "80 kg"))
    assert finding.rule_id == "arithmetic.wrong-total"
    assert "640 mg" in finding.message


def test_the_right_total_for_the_stated_basis_passes(rules: RuleBook) -> None:
    assert findings(rules, "Trastuzumab 8 mg/kg, which is 640 mg.", patient(rules, "80 kg")) == []


def test_a_correct_total_by_body_surface_area_passes(rules: RuleBook) -> None:
    context = patient(rules, "64 kg, 170 cm")
    text = "Capecitabine 1,000 mg/m2 twice daily comes to 1,750 mg."
    assert findings(rules, text, context) == []


def test_a_wrong_total_by_body_surface_area_is_blocked(rules: RuleBook) -> None:
    context = patient(rules, "64 kg, 170 cm")
    text = "Capecitabine 1,000 mg/m2 twice daily comes to 2,200 mg."
    assert [f.rule_id for f in findings(rules, text, context)] == ["arithmetic.wrong-total"]


def test_a_weight_written_in_the_answer_is_used(rules: RuleBook) -> None:
    text = "T-DXd 420 mg every 3 weeks for a 70 kg patient."
    assert [f.rule_id for f in findings(rules, text, PatientContext())] == [
        "arithmetic.wrong-total"
    ]


def test_without_weight_a_plausible_absolute_dose_is_a_warning(rules: RuleBook) -> None:
    [finding] = findings(rules, "T-DXd 378 mg every 3 weeks.", PatientContext())
    assert (finding.rule_id, finding.severity) == ("arithmetic.unchecked", Severity.WARN)
    assert "weight" in finding.message


@pytest.mark.parametrize("amount", ["900 mg", "1,200 mg", "60 mg"])
def test_without_weight_a_total_no_adult_could_get_is_blocked(rules: RuleBook, amount: str) -> None:
    # 5.4 mg/kg (down to 3.2 mg/kg) over 35-150 kg spans 112-810 mg.
    [finding] = findings(rules, f"T-DXd {amount} every 3 weeks.", PatientContext())
    assert (finding.rule_id, finding.severity) == ("arithmetic.implausible-total", Severity.BLOCK)
    assert "35 to 150 kg" in finding.message


def test_a_surface_area_dose_as_an_implausible_total_is_blocked(rules: RuleBook) -> None:
    [finding] = findings(rules, "Docetaxel 600 mg every 3 weeks.", PatientContext())
    assert finding.rule_id == "arithmetic.implausible-total"


def test_a_reduced_level_as_an_absolute_starting_dose_is_flagged(rules: RuleBook) -> None:
    # 308 mg is 4.4 mg/kg for 70 kg: the first reduction, not the 5.4 mg/kg starting dose.
    assert findings(rules, "T-DXd 308 mg every 3 weeks.", patient(rules, "70 kg")) != []


def test_derived_numbers_hold_the_patients_totals(rules: RuleBook) -> None:
    derived = derived_numbers(patient(rules, "70 kg"), rules.doses)
    assert {"70", "378", "380", "252"} <= derived
