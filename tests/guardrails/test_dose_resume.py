"""The level a drug restarts at after a reaction named in words, and which rows a reaction
must be named for, on the fictional corpus (tests/fixtures/mini/rules): zorbatinib is held for
grade 3 widgetitis and restarted one level lower (150 -> 100 mg). The real labels' rows:
test_dose_resume_corpus.py."""

from dataclasses import replace

import pytest

from guardrails.answer import parse_answer
from guardrails.dose_conditions import Situation, names_reaction
from guardrails.dose_modifications import check_modifications
from guardrails.dose_rules import Modification
from tests.guardrails.dose_checks import MINI_RULES, asked, rule_ids, rules_at

HELD = "Zorbatinib was held for grade 3 widgetitis, which has resolved. What dose now?"


def ids(question: str, answer: str) -> list[str]:
    return rule_ids(check_modifications, MINI_RULES, question, answer)


@pytest.mark.parametrize(
    "answer",
    [
        "Restart zorbatinib at the same 150 mg twice daily.",
        "Resume zorbatinib at the same dose.",
        "Restart zorbatinib at the same 150 mg twice daily with velmab.",  # a partner named
    ],
)
def test_a_restart_at_the_same_dose_is_blocked_where_the_table_lowers_it(answer: str) -> None:
    assert ids(HELD, answer) == ["doses.modification"]


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (HELD, "Restart zorbatinib at 100 mg twice daily."),
        (HELD, "Restart zorbatinib one dose level lower."),
        (HELD, "Zorbatinib 150 mg twice daily is continued until progression."),  # no restart
        (HELD, "Zorbatinib is not restarted at the same dose."),
        (  # widgetitis without a grade: the rows disagree (same, one lower, stop)
            "Zorbatinib was held for widgetitis, which has resolved. What dose now?",
            "Restart zorbatinib at the same dose.",
        ),
        (  # another reaction named: its rows, not widgetitis's
            "Zorbatinib was held for a low widget count, which has recovered. What dose now?",
            "Restart zorbatinib at the same dose.",
        ),
    ],
)
def test_a_restart_the_table_allows_passes(question: str, answer: str) -> None:
    assert ids(question, answer) == []


def _said(text: str) -> frozenset[str]:
    """A sentence's own words, as the situation reads them."""
    rules = rules_at(MINI_RULES)
    return Situation.of(asked(MINI_RULES, ""), text, rules.measures).said


@pytest.mark.parametrize(
    ("reaction", "said", "named"),
    [
        ("interstitial lung disease / pneumonitis", "pneumonitis", True),
        ("interstitial lung disease / pneumonitis", "lung disease", True),
        ("interstitial lung disease / pneumonitis", "until disease progression", False),
        ("any adverse reaction", "unacceptable toxicity", False),
        ("peripheral neuropathy", "neuropathy", True),
        ("widgemia", "grade 3 widgaemia", True),  # a British spelling
    ],
)
def test_a_reaction_is_named_by_half_the_words_of_one_alternative(
    reaction: str, said: str, named: bool
) -> None:
    assert names_reaction(reaction, _said(said)) is named


def _with_lung_row() -> list[str]:
    """The mini table plus a row that discontinues zorbatinib for widget lung disease of
    grade 2 or higher; the question names grade 3 widgetitis, the sentence only 'disease'."""
    rules = rules_at(MINI_RULES)
    row = Modification(
        id="zorbatinib-widget-lung-disease",
        drug="zorbatinib",
        reaction="widget lung disease / widgetonitis",
        criterion="symptomatic widget lung disease (grade 2 or higher)",
        action="discontinue",
        sources=("zorbatinib-label",),
    )
    table = replace(rules.doses, modifications=(*rules.doses.modifications, row))
    answer = "Zorbatinib 150 mg twice daily is continued until disease progression."
    question = asked(MINI_RULES, "Zorbatinib after grade 3 widgetitis: what dose?")
    found = check_modifications(
        parse_answer(answer), question, table, rules.lexicon, rules.measures
    )
    return [f.rule_id for f in found]


def test_a_row_whose_reaction_is_not_named_is_not_applied() -> None:
    assert _with_lung_row() == []
