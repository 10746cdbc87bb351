from guardrails.dose_attribution import find_amounts
from guardrails.dose_window import Window
from guardrails.rules import RuleBook
from tests.guardrails.dose_checks import doses


def test_loading_then_maintenance_schedule(rules: RuleBook) -> None:
    first, second = doses(rules, "Trastuzumab 8 mg/kg loading dose then 6 mg/kg every 3 weeks.")
    assert (first.amount, first.phase, first.schedule) == (8.0, "loading", None)
    assert (second.amount, second.phase, second.schedule) == (6.0, "maintenance", "every 3 weeks")


def test_the_second_of_a_pair_is_maintenance_every_3_weeks(rules: RuleBook) -> None:
    _, second = doses(rules, "Trastuzumab 8 mg/kg then 6 mg/kg every 3 weeks.")
    assert (second.drug, second.phase, second.schedule) == (
        "trastuzumab",
        "maintenance",
        "every 3 weeks",
    )


def test_the_first_of_a_pair_is_the_loading_dose(rules: RuleBook) -> None:
    first, _ = doses(rules, "Trastuzumab 8 mg/kg then 6 mg/kg every 3 weeks.")
    assert first.phase == "loading"


def test_route_after_the_amount(rules: RuleBook) -> None:
    [mention] = doses(rules, "Tucatinib 300 mg orally twice daily.")
    assert (mention.route, mention.schedule) == ("oral", "twice daily")


def test_schedule_before_the_drug(rules: RuleBook) -> None:
    [mention] = doses(rules, "Weekly paclitaxel 80 mg/m2 with HP.")
    assert (mention.drug, mention.schedule) == ("paclitaxel", "weekly")


def test_a_daily_total_in_two_divided_doses(rules: RuleBook) -> None:
    [mention] = doses(rules, "Capecitabine 2,000 mg/m2/day in two divided doses.")
    assert (mention.amount, mention.unit, mention.per_day, mention.schedule) == (
        2000.0,
        "mg/m2",
        True,
        "twice daily",
    )


def test_a_dose_given_with_a_partner_records_it(rules: RuleBook) -> None:
    [mention] = doses(rules, "Lapatinib 1,000 mg once daily with trastuzumab.")
    assert mention.with_partners == frozenset({"trastuzumab"})


def test_the_text_after_an_amount_stops_at_a_clause_break() -> None:
    text = "8 mg/kg once, then 6 mg/kg every 3 weeks"
    first, second = find_amounts(text)
    window = Window(text, first, 0, second.start, None, [])
    assert window.after() == " once"
