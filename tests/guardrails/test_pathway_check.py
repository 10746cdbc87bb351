from guardrails.answer import parse_answer
from guardrails.context import extract_context
from guardrails.pathway_check import check_pathway
from guardrails.records import PatientContext
from guardrails.rules import RuleBook

SECOND_LINE = "HER2+ MBC progressed on THP"


def found(rules: RuleBook, answer: str, question: str = "") -> list[tuple[str, str]]:
    context = extract_context(question, [], rules.lexicon) if question else PatientContext()
    return [
        (f.rule_id, f.severity.value)
        for f in check_pathway(parse_answer(answer), context, rules.pathway, rules.lexicon)
    ]


def test_tdxd_with_ild_history_warns_unless_cautioned(rules: RuleBook) -> None:
    assert found(rules, "T-DXd is recommended.", f"{SECOND_LINE}, history of ILD") == [
        ("pathway.contraindicated.tdxd-ild", "warn")
    ]
    answer = "T-DXd may be given with caution and close monitoring for ILD."
    assert found(rules, answer, f"{SECOND_LINE}, history of ILD") == []


def test_tdxd_after_grade_2_ild_is_blocked(rules: RuleBook) -> None:
    question = f"{SECOND_LINE}, she had grade 2 pneumonitis"
    assert ("pathway.contraindicated.tdxd-ild-grade2", "block") in found(
        rules, "T-DXd is recommended.", question
    )


def test_rejecting_tdxd_with_ild_history_is_clean(rules: RuleBook) -> None:
    answer = "T-DXd is not recommended; T-DM1 is an option."
    assert found(rules, answer, f"{SECOND_LINE}, history of ILD") == []


def test_tdxd_when_ild_is_denied_is_clean(rules: RuleBook) -> None:
    assert found(rules, "T-DXd is recommended.", f"{SECOND_LINE}, denies ILD") == []


def test_tdm1_as_preferred_second_line_warns(rules: RuleBook) -> None:
    assert found(rules, "T-DM1 is the preferred second-line option.", SECOND_LINE) == [
        ("pathway.not-preferred", "warn")
    ]


def test_tdxd_as_preferred_second_line_is_clean(rules: RuleBook) -> None:
    assert found(rules, "T-DXd is the preferred second-line option.", SECOND_LINE) == []


def test_first_line_regimen_for_an_early_relapse_warns(rules: RuleBook) -> None:
    question = "HER2+ MBC relapsed 4 months after adjuvant trastuzumab"
    assert found(rules, "THP is recommended.", question) == [("pathway.early-relapse", "warn")]
    assert found(rules, "T-DXd is recommended.", question) == []


def test_a_preferred_regimen_in_the_third_line_warns(rules: RuleBook) -> None:
    question = "HER2+ MBC progressed on THP and T-DXd"
    answer = "Tucatinib plus trastuzumab and capecitabine is the preferred option."
    assert found(rules, answer, question) == [("pathway.not-preferred", "warn")]


def test_an_option_in_the_third_line_is_clean(rules: RuleBook) -> None:
    question = "HER2+ MBC progressed on THP and T-DXd"
    answer = "Tucatinib plus trastuzumab and capecitabine is an option."
    assert found(rules, answer, question) == []


def test_stopping_her2_therapy_with_chemo_warns(rules: RuleBook) -> None:
    answer = "Stop trastuzumab and pertuzumab when the docetaxel is stopped."
    assert found(rules, answer) == [("pathway.pitfall.stop-her2-with-chemo", "warn")]


def test_not_stopping_her2_therapy_with_chemo_is_clean(rules: RuleBook) -> None:
    answer = "Do not stop trastuzumab and pertuzumab when the docetaxel is stopped."
    assert found(rules, answer) == []


def test_endocrine_therapy_with_chemo_warns(rules: RuleBook) -> None:
    assert found(rules, "Give endocrine therapy together with the docetaxel.") == [
        ("pathway.pitfall.concurrent-chemo-endocrine", "warn")
    ]


def test_no_endocrine_therapy_with_chemo_is_clean(rules: RuleBook) -> None:
    assert found(rules, "Do not give endocrine therapy together with the docetaxel.") == []


def test_a_negation_after_the_subject_is_clean(rules: RuleBook) -> None:
    assert found(rules, "Endocrine therapy is not given concurrently with chemotherapy.") == []


def test_pertuzumab_alone_warns(rules: RuleBook) -> None:
    assert found(rules, "Pertuzumab alone can be continued.") == [
        ("pathway.pitfall.pertuzumab-without-trastuzumab", "warn")
    ]


def test_never_pertuzumab_alone_is_clean(rules: RuleBook) -> None:
    assert found(rules, "Never give pertuzumab alone.") == []


def test_trastuzumab_with_an_anthracycline_warns(rules: RuleBook) -> None:
    assert found(rules, "Give trastuzumab with doxorubicin.") == [
        ("pathway.pitfall.trastuzumab-anthracycline", "warn")
    ]


def test_avoiding_trastuzumab_with_an_anthracycline_is_clean(rules: RuleBook) -> None:
    assert found(rules, "Avoid trastuzumab with doxorubicin.") == []


def test_reporting_the_anthracycline_combination_is_clean(rules: RuleBook) -> None:
    answer = "Trastuzumab with doxorubicin raised cardiac events in the pivotal trial."
    assert found(rules, answer) == []


def test_interchangeable_adcs_are_blocked(rules: RuleBook) -> None:
    assert found(rules, "T-DM1 and T-DXd are interchangeable.") == [
        ("pathway.substitution", "block")
    ]


def test_substituting_tdxd_for_trastuzumab_is_blocked(rules: RuleBook) -> None:
    assert found(rules, "T-DXd can be substituted for trastuzumab.") == [
        ("pathway.substitution", "block")
    ]


def test_not_interchangeable_is_clean(rules: RuleBook) -> None:
    assert found(rules, "T-DM1 and T-DXd are not interchangeable.") == []


def test_a_biosimilar_of_the_same_drug_is_clean(rules: RuleBook) -> None:
    assert found(rules, "Trastuzumab biosimilars are interchangeable with Herceptin.") == []


def test_warn_level_contraindication_warns(rules: RuleBook) -> None:
    question = f"{SECOND_LINE}, history of heart failure"
    assert found(rules, "T-DXd is recommended.", question) == [
        ("pathway.contraindicated.her2-heart-failure", "warn")
    ]


def test_warn_level_contraindication_addressed_by_a_caution_is_clean(rules: RuleBook) -> None:
    question = f"{SECOND_LINE}, history of heart failure"
    answer = "T-DXd is recommended with close cardiac monitoring and cardio-oncology review."
    assert found(rules, answer, question) == []


def test_low_lvef_adc_warns_unless_cautioned(rules: RuleBook) -> None:
    question = "HER2+ MBC, third-line, LVEF 35%"
    assert found(rules, "T-DM1 is an option.", question) == [
        ("pathway.contraindicated.her2-therapy-lvef-under-40", "warn")
    ]
    assert found(rules, "T-DM1 is an option with caution after a cardiac review.", question) == []


def test_a_regimen_the_disease_progressed_on_is_flagged_when_recommended_again(
    rules: RuleBook,
) -> None:
    findings = found(rules, "The recommended next treatment is T-DXd.", "Progressed on T-DXd.")
    assert ("pathway.already-progressed", "warn") in findings


def test_continuing_an_antibody_with_a_new_partner_is_not_a_repeat(rules: RuleBook) -> None:
    answer = "Tucatinib plus trastuzumab plus capecitabine is an option."
    assert ("pathway.already-progressed", "warn") not in found(rules, answer, SECOND_LINE)


def test_therapies_already_given_listed_before_the_recommendation_are_history(
    rules: RuleBook,
) -> None:
    answer = (
        "After progression on trastuzumab, pertuzumab and a taxane, trastuzumab deruxtecan is "
        "the recommended second-line treatment."
    )
    assert found(rules, answer, SECOND_LINE) == []
