import pytest

from guardrails.rules import RuleBook
from tests.guardrails.dose_checks import dose_findings as findings
from tests.guardrails.dose_checks import dose_ids as ids


def test_a_wrong_schedule_is_blocked(rules: RuleBook) -> None:
    [finding] = findings(rules, "Trastuzumab 6 mg/kg weekly.")
    assert finding.rule_id == "doses.wrong-schedule"
    assert "every 3 weeks, not weekly" in finding.message


def test_a_daily_drug_given_twice_daily_is_a_wrong_schedule(rules: RuleBook) -> None:
    assert ids(rules, "Neratinib 240 mg twice daily.") == ["doses.wrong-schedule"]
    assert ids(rules, "Neratinib 240 mg once daily.") == []


def test_a_wrong_route_is_blocked(rules: RuleBook) -> None:
    [finding] = findings(rules, "T-DXd 5.4 mg/kg orally every 3 weeks.")
    assert finding.rule_id == "doses.wrong-route"
    assert "intravenously, not orally" in finding.message


def test_the_right_route_passes(rules: RuleBook) -> None:
    assert ids(rules, "T-DXd 5.4 mg/kg IV every 3 weeks.") == []


def test_an_upper_bound_above_the_maximum_is_blocked(rules: RuleBook) -> None:
    assert ids(rules, "T-DM1 can be escalated to 4.8 mg/kg.") == ["doses.above-maximum"]


def test_an_upper_bound_at_the_maximum_passes(rules: RuleBook) -> None:
    assert ids(rules, "Docetaxel may be escalated up to 100 mg/m2.") == []


def test_a_loading_dose_as_the_repeating_dose_is_blocked(rules: RuleBook) -> None:
    [finding] = findings(rules, "Pertuzumab 840 mg every 3 weeks.")
    assert finding.rule_id == "doses.loading-as-maintenance"
    assert "420 mg every 3 weeks" in finding.message


def test_loading_then_maintenance_passes(rules: RuleBook) -> None:
    text = "Pertuzumab 840 mg IV loading dose, then 420 mg every 3 weeks."
    assert ids(rules, text) == []


def test_a_maintenance_amount_called_the_loading_dose_is_a_wrong_amount(rules: RuleBook) -> None:
    text = "Trastuzumab 6 mg/kg as a loading dose, then 6 mg/kg every 3 weeks."
    assert ids(rules, text) == ["doses.wrong-amount"]


def test_a_maintenance_amount_first_of_a_pair_is_a_wrong_loading_dose(rules: RuleBook) -> None:
    assert ids(rules, "Trastuzumab 6 mg/kg then 6 mg/kg every 3 weeks.") == ["doses.wrong-amount"]


def test_the_dose_of_another_combination_is_a_wrong_partner(rules: RuleBook) -> None:
    [finding] = findings(rules, "Lapatinib 1,250 mg once daily with trastuzumab.")
    assert finding.rule_id == "doses.wrong-partner"
    assert "1,000 mg once daily" in finding.message


def test_the_dose_of_its_own_combination_passes(rules: RuleBook) -> None:
    assert ids(rules, "Lapatinib 1,000 mg once daily with trastuzumab.") == []
    assert ids(rules, "Capecitabine 1,000 mg/m2 twice daily on days 1-14 with tucatinib.") == []


def test_monotherapy_capecitabine_with_tucatinib_is_a_wrong_partner(rules: RuleBook) -> None:
    assert ids(rules, "Capecitabine 1,250 mg/m2 twice daily with tucatinib.") == [
        "doses.wrong-partner"
    ]


def test_a_daily_total_is_checked_per_dose(rules: RuleBook) -> None:
    text = "Capecitabine 2,000 mg/m2/day in two divided doses on days 1-14 with tucatinib."
    assert ids(rules, text) == []
    assert ids(rules, "Capecitabine 2,500 mg/m2/day in two divided doses with tucatinib.") == [
        "doses.wrong-partner"
    ]


def test_a_wrong_compound_dose_is_a_wrong_amount(rules: RuleBook) -> None:
    text = "Phesgo 1,200 mg/600 mg/20,000 units subcutaneously."
    assert ids(rules, text) == ["doses.wrong-amount"]


def test_the_right_compound_doses_pass(rules: RuleBook) -> None:
    text = (
        "Phesgo 1,200 mg/600 mg/30,000 units subcutaneously as a loading dose, then "
        "600 mg/600 mg/20,000 units every 3 weeks."
    )
    assert ids(rules, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Capecitabine 1,000 mg/m2 twice daily continuously with tucatinib.",
        "Capecitabine 1,000 mg/m2 twice daily without a break, alongside tucatinib.",
        "Capecitabine 1,000 mg/m2 twice daily on days 1-21 with tucatinib.",
        "Capecitabine 750 mg/m2 twice daily on days 1-14 of a 28-day cycle with neratinib.",
    ],
)
def test_an_intermittent_drug_given_on_the_wrong_days_is_blocked(
    rules: RuleBook, text: str
) -> None:
    assert ids(rules, text) == ["doses.wrong-cycle"]


@pytest.mark.parametrize(
    "text",
    [
        "Capecitabine 1,000 mg/m2 twice daily on days 1-14 of each 21-day cycle with tucatinib.",
        "Capecitabine 750 mg/m2 twice daily (d1-14 q21d) with neratinib.",
        "Capecitabine 1,000 mg/m2 twice daily, days 1 to 14 of 21, with lapatinib.",
    ],
)
def test_an_intermittent_drug_with_its_cycle_days_passes(rules: RuleBook, text: str) -> None:
    assert ids(rules, text) == []


def test_an_intermittent_drug_without_its_cycle_days_is_a_warning(rules: RuleBook) -> None:
    assert ids(rules, "Capecitabine 750 mg/m2 twice daily with neratinib.") == [
        "doses.missing-cycle-days"
    ]


def test_a_drug_given_every_day_of_its_cycle_is_checked_for_the_days_stated(
    rules: RuleBook,
) -> None:
    assert ids(rules, "Neratinib 240 mg once daily on days 1-14 of each 21-day cycle.") == [
        "doses.wrong-cycle"
    ]
    assert ids(rules, "Neratinib 240 mg once daily on days 1-21 of each 21-day cycle.") == []
    assert ids(rules, "Neratinib 240 mg once daily.") == []
