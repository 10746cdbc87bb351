"""The action a yes/no question asks about."""

from __future__ import annotations

import pytest

from assistant.understand.actions import Action, asked_action
from tests.assistant.reading import MINI_RULES


@pytest.mark.parametrize(
    ("question", "action"),
    [
        ("Zorbix, nodules on CT today. Do I hold it?", Action.STOP),
        ("grade 1 pneumonitis on zorbatinib. Can I keep dosing?", Action.GO),
        ("Can I dose reduce velmab for rash?", Action.REDUCE),
        ("Is zorbatinib contraindicated after grade 2 pneumonitis?", Action.STOP),
        ("Can I rechallenge?", Action.GO),
        ("Do I give the maintenance dose?", Action.GO),
        ("zorbatinib, hold or reduce?", None),  # a choice, not yes or no
        ("Should I hold or reduce zorbatinib?", None),
        ("Does zorbatinib need liver testing before the first dose?", None),  # not on the drug
        ("What zorbatinib dose after grade 2 pneumonitis?", None),
    ],
)
def test_a_yes_no_question_asks_about_one_action_on_the_drug(
    question: str, action: Action | None
) -> None:
    assert asked_action(question, MINI_RULES.lexicon) is action


@pytest.mark.parametrize(
    ("question", "action"),
    [
        ("Zorbix cycle 4, lung nodules today. Hold?", Action.STOP),
        ("grade 1 pneumonitis on zorbatinib. Continue?", Action.GO),
        ("zorbatinib, rash resolved. ok to restart it?", Action.GO),
        ("velmab with grade 2 rash. Reduce?", Action.REDUCE),
        ("Zorbatinib. Hold or reduce?", None),  # a choice
        ("Zorbatinib dose?", None),  # no action asked
        ("zorbatinib missed last cycle, back now. restart when?", None),  # a wh-question
        ("rash resolved. restart at what dose?", None),
    ],
)
def test_a_note_s_question_without_its_auxiliary_still_asks_yes_or_no(
    question: str, action: Action | None
) -> None:
    assert asked_action(question, MINI_RULES.lexicon) is action
