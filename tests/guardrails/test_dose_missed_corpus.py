"""The real labels' missed-dose rules (corpus/rules/doses.yaml): the engine's tests run on the
fictional corpus (test_dose_missed.py)."""

import pytest

from guardrails.answer import parse_answer
from guardrails.dose_conditions import Question
from guardrails.dose_mentions import find_doses
from guardrails.dose_missed import check_missed
from guardrails.rules import RuleBook


def ids(rules: RuleBook, question: str, answer: str) -> list[str]:
    sentences = parse_answer(answer)
    mentions = find_doses(sentences, rules.lexicon, rules.dose_vocabulary)
    asked = Question.read(question, rules.lexicon, rules.measures)
    return [f.rule_id for f in check_missed(sentences, asked, mentions, rules.doses, rules.lexicon)]


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (  # PERJETA: 6 weeks or more between infusions re-loads 840 mg
            "Pertuzumab delayed: 7 weeks since the last dose. What do I give?",
            "Give the 420 mg maintenance dose of pertuzumab now and continue every 3 weeks.",
        ),
        (  # Herceptin (EU SmPC): missed by more than one week re-loads 8 mg/kg
            "Trastuzumab every 3 weeks, dose missed by 2 weeks. What now?",
            "Give the usual 6 mg/kg maintenance dose of trastuzumab as soon as possible.",
        ),
        (  # weekly trastuzumab re-loads 4 mg/kg
            "Weekly trastuzumab missed by 10 days?",
            "Give trastuzumab 2 mg/kg weekly as before.",
        ),
        (  # Phesgo: under 6 weeks, the maintenance dose, no re-load
            "Phesgo injection delayed, 4 weeks since the last dose.",
            "Give Phesgo 1,200 mg/600 mg/30,000 units again, then maintenance every 3 weeks.",
        ),
        (  # T-DXd is given as soon as possible and never re-loaded
            "T-DXd dose delayed by 2 weeks?",
            "Re-load T-DXd before going back to 5.4 mg/kg.",
        ),
    ],
)
def test_blocks_a_dose_the_label_does_not_give_after_the_delay(
    rules: RuleBook, question: str, answer: str
) -> None:
    assert ids(rules, question, answer) == ["doses.missed-dose"]


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (
            "Pertuzumab delayed: 7 weeks since the last dose. What do I give?",
            "Re-administer the 840 mg loading dose of pertuzumab over 60 minutes, followed by "
            "420 mg every 3 weeks.",
        ),
        (
            "Trastuzumab every 3 weeks, dose missed by 2 weeks. What now?",
            "Re-load trastuzumab with 8 mg/kg over 90 minutes, then 6 mg/kg every 3 weeks.",
        ),
        (
            "Trastuzumab every 3 weeks, dose missed by 5 days.",
            "Give trastuzumab 6 mg/kg as soon as possible and keep the schedule.",
        ),
        (  # with pertuzumab, the PERJETA table decides, not the Herceptin SmPC's one week
            "THP: trastuzumab and pertuzumab missed by 2 weeks.",
            "Give trastuzumab 6 mg/kg now.",
        ),
        (  # a hedged statement is no instruction to re-load
            "herceptin 3 days late (24 days since last). reload or just 6/kg?",
            "A patient may need the trastuzumab loading dose again after a delayed dose. Give "
            "6 mg/kg now and continue every 3 weeks.",
        ),
        (  # days after the last dose date a toxicity, not a delay; the regimen is described
            "ANC stayed under 500 for 8 days after the last dose of THP.",
            "Pertuzumab is 840 mg as a loading dose, then 420 mg every 3 weeks.",
        ),
        (
            "T-DM1 dose delayed by 2 weeks?",
            "Give the missed T-DM1 dose as soon as possible and keep 3 weeks between doses; do "
            "not wait for the next planned cycle.",
        ),
    ],
)
def test_passes_what_the_label_gives(rules: RuleBook, question: str, answer: str) -> None:
    assert ids(rules, question, answer) == []


def test_a_partner_with_its_own_rule_silences_the_rule(rules: RuleBook) -> None:
    question = "THP: trastuzumab and pertuzumab doses missed by 2 weeks."
    assert ids(rules, question, "Give the usual dose of trastuzumab now.") == []
