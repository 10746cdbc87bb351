from pathlib import Path

import pytest

from guardrails.context import extract_context
from guardrails.records import PatientContext
from guardrails.review import review
from guardrails.rules import RuleBook

RULES = Path(__file__).resolve().parents[2] / "corpus" / "rules"


@pytest.fixture(scope="module")
def rules() -> RuleBook:
    return RuleBook.load(RULES)


def patient(rules: RuleBook, question: str, **overrides: str) -> PatientContext:
    return extract_context(question, [], rules.lexicon, overrides or None)


def situation(rules: RuleBook, question: str) -> str | None:
    found = rules.pathway.situation_for(patient(rules, question))
    return found.id if found else None


def test_an_early_relapse_counts_as_second_line(rules: RuleBook) -> None:
    context = patient(rules, "HER2+ MBC relapsed 4 months after adjuvant trastuzumab")
    assert rules.pathway.line_of(context) == 2


def test_a_late_relapse_counts_as_first_line(rules: RuleBook) -> None:
    context = patient(rules, "HER2+ MBC relapsed 18 months after adjuvant trastuzumab")
    assert rules.pathway.line_of(context) == 1


def test_the_stated_line_is_used(rules: RuleBook) -> None:
    assert rules.pathway.line_of(patient(rules, "HER2+ MBC, third-line options?")) == 3


def test_prior_first_line_therapy_implies_second_line(rules: RuleBook) -> None:
    assert rules.pathway.line_of(patient(rules, "HER2+ MBC, progressed on THP")) == 2


def test_prior_adc_implies_a_later_line(rules: RuleBook) -> None:
    assert rules.pathway.line_of(patient(rules, "HER2+ MBC, progressed on THP and T-DXd")) == 3


def test_de_novo_disease_is_first_line(rules: RuleBook) -> None:
    assert rules.pathway.line_of(patient(rules, "de novo HER2+ MBC")) == 1


def test_without_any_cue_the_line_is_unknown(rules: RuleBook) -> None:
    assert rules.pathway.line_of(patient(rules, "HER2+ MBC")) is None


def test_early_relapse_situation(rules: RuleBook) -> None:
    question = "HER2+ MBC relapsed 4 months after adjuvant trastuzumab"
    assert situation(rules, question) == "early-relapse"


def test_early_relapse_with_ild_history(rules: RuleBook) -> None:
    question = "HER2+ MBC relapsed 4 months after adjuvant trastuzumab, history of ILD"
    assert situation(rules, question) == "early-relapse-ild"


def test_second_line_with_a_history_of_ild(rules: RuleBook) -> None:
    assert situation(rules, "HER2+ MBC progressed on THP, history of ILD") == "second-line-ild"


def test_second_line_when_ild_is_denied(rules: RuleBook) -> None:
    assert situation(rules, "HER2+ MBC progressed on THP, denies ILD") == "second-line"


def test_uncertain_ild_does_not_select_the_ild_situation(rules: RuleBook) -> None:
    assert situation(rules, "HER2+ MBC progressed on THP, possible pneumonitis") == "second-line"


def test_active_brain_mets_second_line(rules: RuleBook) -> None:
    question = "HER2+ MBC, active brain mets, progressed on first-line THP, what second-line?"
    assert situation(rules, question) == "second-line-brain-active"


def test_stable_brain_mets_follow_the_usual_second_line(rules: RuleBook) -> None:
    assert situation(rules, "HER2+ MBC, stable brain mets after SRS, second-line?") == "second-line"


def test_first_line_hr_positive(rules: RuleBook) -> None:
    assert situation(rules, "de novo HER2+ ER+ MBC") == "first-line-hr-positive"


def test_contraindications_for_ild_and_low_lvef(rules: RuleBook) -> None:
    context = patient(rules, "HER2+ MBC, third-line, LVEF 35%, history of ILD")
    found = rules.pathway.contraindications_for(context)
    assert [c.id for c in found] == ["tdxd-ild", "adc-low-lvef"]


def test_no_contraindication_when_the_condition_is_negated(rules: RuleBook) -> None:
    context = patient(rules, "HER2+ MBC, second-line, no ILD, not pregnant")
    assert [c.id for c in rules.pathway.contraindications_for(context)] == [
        "label-third-line-or-later"  # a line condition, not a negated fact
    ]


def test_recommend_removes_contraindicated_drugs(rules: RuleBook) -> None:
    context = patient(rules, "HER2+ MBC, second-line", lvef="35")
    recommendation = rules.pathway.recommend(context)
    assert recommendation is not None
    assert recommendation.rule_id == "pathway.second-line"
    assert recommendation.preferred == ()
    assert "trastuzumab-emtansine" not in recommendation.acceptable
    assert recommendation.avoid == (
        "neratinib-capecitabine",
        "margetuximab-chemotherapy",
        "margetuximab",
        "trastuzumab-deruxtecan",
        "trastuzumab-emtansine",
    )


def test_recommend_second_line_prefers_tdxd(rules: RuleBook) -> None:
    recommendation = rules.pathway.recommend(patient(rules, "HER2+ MBC, progressed on THP"))
    assert recommendation is not None
    assert recommendation.preferred == ("trastuzumab-deruxtecan",)
    # labelled for the third line or later
    assert recommendation.avoid == (
        "neratinib-capecitabine",
        "margetuximab-chemotherapy",
        "margetuximab",
    )


def test_second_line_after_tdxd_does_not_prefer_it_again(rules: RuleBook) -> None:
    recommendation = rules.pathway.recommend(
        patient(rules, "HER2+ MBC, progressed on first-line T-DXd plus pertuzumab")
    )
    assert recommendation is not None
    assert recommendation.rule_id == "pathway.second-line-after-tdxd"
    assert "trastuzumab-deruxtecan" not in recommendation.preferred


def test_relapse_between_6_and_12_months_shows_where_the_sources_differ(rules: RuleBook) -> None:
    faulted = "Treat her as first line with trastuzumab, pertuzumab and docetaxel."
    shown = (
        "The sources differ at 9 months: ASCO follows the second-line recommendation, while the "
        "T-DXd label covers only relapse within 6 months, so first-line trastuzumab, pertuzumab "
        "and docetaxel is also reasonable."
    )
    context = patient(rules, "Relapsed 9 months after adjuvant trastuzumab")
    findings = review(faulted, "What now?", context, [], rules, grounded=False).findings
    assert [f.rule_id for f in findings] == ["pathway.guidelines-differ"]
    assert not review(shown, "What now?", context, [], rules, grounded=False).findings
    early = patient(rules, "Relapsed 4 months after adjuvant trastuzumab")
    early_findings = review(faulted, "What now?", early, [], rules, grounded=False).findings
    assert [f.rule_id for f in early_findings] == ["pathway.early-relapse"]


def test_recommend_nothing_without_a_situation(rules: RuleBook) -> None:
    assert rules.pathway.recommend(patient(rules, "HER2+ MBC")) is None


def test_an_early_relapse_that_progressed_on_tdxd_does_not_prefer_tdxd(rules: RuleBook) -> None:
    context = patient(
        rules,
        "HER2+ MBC relapsed 5 months after adjuvant trastuzumab. She progressed on T-DXd.",
    )
    assert rules.pathway.line_of(context) == 3
    recommendation = rules.pathway.recommend(context)
    assert recommendation is not None
    assert "trastuzumab-deruxtecan" not in recommendation.preferred


def test_a_line_the_user_sets_wins_over_the_relapse_interval(rules: RuleBook) -> None:
    question = "relapsed 4 months after adjuvant trastuzumab"
    assert rules.pathway.line_of(patient(rules, question)) == 2  # early relapse: second line
    assert rules.pathway.line_of(patient(rules, question, line="3")) == 3


def test_advice_conditional_on_not_given_is_not_a_repeat_but_keeps_contraindications(
    rules: RuleBook,
) -> None:
    text = "Trastuzumab deruxtecan is recommended second line only if it has not been given."
    progressed = patient(rules, "Progressed on first-line trastuzumab deruxtecan plus pertuzumab")
    repeat = review(text, "Next?", progressed, [], rules, grounded=False)
    assert "pathway.already-progressed" not in [f.rule_id for f in repeat.findings]
    ild = patient(rules, "Progressed on THP; history of ILD")
    contraindicated = review(text, "Next?", ild, [], rules, grounded=False)
    assert "pathway.contraindicated.tdxd-ild" in [f.rule_id for f in contraindicated.findings]
