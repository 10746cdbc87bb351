from guardrails.records import PatientContext, Review, Severity
from guardrails.review import review
from guardrails.rules import RuleBook
from tests.guardrails.dose_checks import dose_findings as findings
from tests.guardrails.dose_checks import dose_ids as ids


def review_of(rules: RuleBook, text: str) -> Review:
    return review(text, "", PatientContext(), [], rules, grounded=False)


def test_a_wrong_amount_is_blocked(rules: RuleBook) -> None:
    [finding] = findings(rules, "Pertuzumab 500 mg every 3 weeks.")
    assert (finding.rule_id, finding.severity) == ("doses.wrong-amount", Severity.BLOCK)
    assert "420 mg every 3 weeks" in finding.message
    assert finding.source_ids == ("label-pertuzumab",)


def test_the_right_maintenance_amount_passes(rules: RuleBook) -> None:
    assert ids(rules, "Pertuzumab 420 mg IV every 3 weeks.") == []


def test_a_reduced_level_as_the_starting_dose_is_a_wrong_amount(rules: RuleBook) -> None:
    [finding] = findings(rules, "T-DXd 4.4 mg/kg every 3 weeks.")
    assert finding.rule_id == "doses.wrong-amount"
    assert "reduced dose level" in finding.message


def test_a_reduced_level_stated_as_a_reduction_passes(rules: RuleBook) -> None:
    assert ids(rules, "After grade 2 toxicity, T-DXd is reduced to 4.4 mg/kg every 3 weeks.") == []


def test_a_per_kg_dose_written_in_mg_is_a_wrong_unit(rules: RuleBook) -> None:
    [finding] = findings(rules, "T-DXd 5.4 mg every 3 weeks.")
    assert finding.rule_id == "doses.wrong-unit"
    assert "should read 5.4 mg/kg" in finding.message


def test_a_flat_dose_written_per_m2_is_a_wrong_unit(rules: RuleBook) -> None:
    assert ids(rules, "Tucatinib 300 mg/m2 twice daily.") == ["doses.wrong-unit"]


def test_the_right_unit_passes(rules: RuleBook) -> None:
    assert ids(rules, "T-DXd 5.4 mg/kg every 3 weeks.") == []
    assert ids(rules, "Tucatinib 300 mg twice daily.") == []


def test_an_amount_above_the_maximum_is_blocked(rules: RuleBook) -> None:
    assert ids(rules, "Docetaxel 120 mg/m2 every 3 weeks.") == ["doses.above-maximum"]


def test_the_gastric_dose_for_breast_cancer_is_another_indication(rules: RuleBook) -> None:
    [finding] = findings(rules, "T-DXd 6.4 mg/kg every 3 weeks.")
    assert finding.rule_id == "doses.other-indication"
    assert "HER2-positive gastric cancer" in finding.message


def test_the_gastric_dose_named_as_such_passes(rules: RuleBook) -> None:
    assert ids(rules, "T-DXd 6.4 mg/kg is the gastric dose.") == []


def test_a_negated_wrong_dose_passes(rules: RuleBook) -> None:
    assert ids(rules, "T-DXd is not 6.4 mg/kg in breast cancer.") == []


def test_a_drug_outside_the_table_is_an_info_finding(rules: RuleBook) -> None:
    [finding] = findings(rules, "Give dexamethasone 16 mg daily with T-DXd.")
    assert (finding.rule_id, finding.severity) == ("doses.unknown-drug", Severity.INFO)
    assert "'dexamethasone'" in finding.message


def test_a_drug_in_the_table_is_not_unknown(rules: RuleBook) -> None:
    assert ids(rules, "Give loperamide 4 mg three times daily with neratinib.") == []


def test_another_drugs_dose_is_named(rules: RuleBook) -> None:
    [finding] = [
        f for f in review_of(rules, "Trastuzumab deruxtecan 840 mg IV every 3 weeks.").findings
    ]
    assert finding.rule_id == "doses.other-drug"
    assert "pertuzumab" in finding.message


def test_an_answer_naming_no_drug_is_checked_against_the_questions_drug(rules: RuleBook) -> None:
    verdict = review(
        "840 mg loading, then 420 mg every 3 weeks.",
        "What is the dose of trastuzumab deruxtecan?",
        PatientContext(),
        [],
        rules,
        grounded=False,
    )
    assert verdict.verdict.value == "block"
    assert {f.rule_id for f in verdict.findings} == {"doses.other-drug"}
