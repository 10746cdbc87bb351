"""Relations the pathway forbids, read from a sentence's structure (HER2 corpus rules)."""

import re

import pytest

from guardrails.relations import Relation, term_pattern
from guardrails.rules import RuleBook


def relation(rules: RuleBook, rule_id: str) -> Relation:
    [rule] = [p for p in rules.pathway.pitfalls if p.id == rule_id]
    assert rule.relation is not None
    return rule.relation


@pytest.mark.parametrize(
    "text",
    [
        "Once the docetaxel is finished, stop pertuzumab as well.",
        "HP is stopped together with the paclitaxel.",
        "When the Taxol ends, Perjeta can be discontinued.",
        "Give Herceptin only for as long as the chemo continues.",
        "Once she has finished the taxane, the trastuzumab and pertuzumab can come off too.",
        "The HER2 antibodies can be stopped at the same time as the docetaxel.",
        "Once the docetaxel is finished, all HER2-directed treatment can be stopped as well.",
        "Stop the anti HER2 treatments when the paclitaxel ends.",
    ],
)
def test_stopping_her2_therapy_with_the_chemotherapy_is_found(rules: RuleBook, text: str) -> None:
    assert relation(rules, "stop-her2-with-chemo").holds(text, rules.lexicon)


@pytest.mark.parametrize(
    "text",
    [
        "When the docetaxel is stopped, trastuzumab and pertuzumab continue until progression.",
        "Stop the docetaxel after 4-6 months and continue HP.",
        "Trastuzumab is not stopped when the taxane ends.",
        "Do not discontinue pertuzumab together with the chemotherapy.",
        "Docetaxel is stopped after six cycles.",
        "Once the docetaxel is finished, HER2-directed treatment continues until progression.",
    ],
)
def test_continuing_her2_therapy_after_the_chemotherapy_is_not_found(
    rules: RuleBook, text: str
) -> None:
    assert not relation(rules, "stop-her2-with-chemo").holds(text, rules.lexicon)


def test_a_partner_kept_alone_is_found(rules: RuleBook) -> None:
    found = relation(rules, "pertuzumab-without-trastuzumab")
    assert found.holds("If trastuzumab is held, keep giving pertuzumab on its own.", rules.lexicon)
    assert not found.holds("If trastuzumab is held, pertuzumab is held too.", rules.lexicon)


def test_two_therapies_given_together_are_found(rules: RuleBook) -> None:
    found = relation(rules, "trastuzumab-anthracycline")
    assert found.holds("Trastuzumab can be given concurrently with doxorubicin.", rules.lexicon)
    assert found.holds("Start epirubicin right after stopping trastuzumab.", rules.lexicon)
    assert not found.holds("Trastuzumab is not given together with doxorubicin.", rules.lexicon)


@pytest.mark.parametrize(
    ("term", "text", "found"),
    [
        ("zorb-directed therapy", "stop all zorb directed treatments", True),
        ("zorb-directed therapy", "stop all zorb-directed therapies", True),
        ("zorb blockade", "zorb-blockade", True),
        ("zorb therapy", "zorbatinib therapy", False),  # a term is whole words
        ("zorb therapy", "zorb therapeutic drug monitoring", False),
    ],
)
def test_a_subject_term_matches_however_it_is_spelled(term: str, text: str, found: bool) -> None:
    assert bool(re.search(term_pattern(term), text, re.IGNORECASE)) is found
