from guardrails.rules import RuleBook
from tests.guardrails.dose_checks import doses


def test_a_negated_mention_is_marked(rules: RuleBook) -> None:
    [mention] = doses(rules, "T-DXd is not 6.4 mg/kg in breast cancer.")
    assert mention.negated


def test_an_upper_bound_is_marked(rules: RuleBook) -> None:
    [mention] = doses(rules, "Docetaxel may be escalated up to 100 mg/m2.")
    assert mention.upper_bound and not mention.negated


def test_a_later_sentence_without_a_drug_continues_the_previous_drug(rules: RuleBook) -> None:
    [mention] = doses(rules, "T-DXd is an ADC. The dose is 5.4 mg/kg every 3 weeks.")
    assert mention.drug == "trastuzumab-deruxtecan"


def test_cycle_days_stated_once_hold_for_every_dose_of_the_drug(rules: RuleBook) -> None:
    text = "Capecitabine is reduced from 1,000 mg/m2 to 750 mg/m2 twice daily on days 1-14."
    assert [(m.amount, m.cycle_days) for m in doses(rules, text)] == [
        (1000.0, frozenset(range(1, 15))),
        (750.0, frozenset(range(1, 15))),
    ]
