"""Missed or delayed doses against a dose row's `missed` rule (the fictional corpus: velmab 6
mg/kg every 3 weeks, re-loaded with 8 mg/kg when 6 weeks or more pass between infusions)."""

import pytest

from guardrails.answer import parse_answer
from guardrails.dose_conditions import Question
from guardrails.dose_mentions import find_doses
from guardrails.dose_missed import check_missed
from tests.guardrails.dose_checks import MINI_RULES, rules_at


def ids(question: str, answer: str) -> list[str]:
    rules = rules_at(MINI_RULES)
    sentences = parse_answer(answer)
    mentions = find_doses(sentences, rules.lexicon, rules.dose_vocabulary)
    asked = Question.read(question, rules.lexicon, rules.measures)
    found = check_missed(sentences, asked, mentions, rules.doses, rules.lexicon)
    return [f.rule_id for f in found]


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("Velmab delayed: 7 weeks since the last dose. What now?", "Give velmab 6 mg/kg now."),
        ("Velmab dose missed by 4 weeks?", "Give the usual maintenance dose of velmab."),
        (  # 2 weeks since the last infusion is not a delay past 6 weeks
            "It has been 2 weeks since her last velmab infusion; she missed it.",
            "Re-load velmab with 8 mg/kg, then 6 mg/kg every 3 weeks.",
        ),
        ("Velmab, 5 weeks since the last dose?", "Give the 8 mg/kg loading dose of velmab again."),
        (  # a quoted rule's own condition is no hedge
            "Velmab missed dose?",
            "If less than 6 weeks have passed since the last dose, re-load velmab with 8 mg/kg.",
        ),
        (  # a rule quoted with the wrong delay
            "Velmab missed dose?",
            "If 6 weeks or more have passed since the last dose, give velmab 6 mg/kg.",
        ),
    ],
)
def test_blocks_what_the_rule_does_not_give_for_the_delay(question: str, answer: str) -> None:
    assert ids(question, answer) == ["doses.missed-dose"]


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (  # past the delay: re-loaded, then the maintenance dose in the next sentence
            "Velmab delayed: 7 weeks since the last dose.",
            "Give the 8 mg/kg loading dose of velmab again. Then continue 6 mg/kg every 3 weeks.",
        ),
        ("Velmab missed by 1 week?", "Give velmab 6 mg/kg as soon as possible."),
        (  # a negated maintenance dose is not given
            "Velmab delayed: 7 weeks since the last dose.",
            "Do not just give 6 mg/kg; re-load velmab with 8 mg/kg.",
        ),
        (  # no re-load is said within the delay
            "Velmab, 4 weeks since the last dose?",
            "Give velmab 6 mg/kg now; there is no need to re-load.",
        ),
        (  # the label's own wording: both delays in one sentence decide nothing
            "Velmab delayed: 7 weeks since the last dose.",
            "With less than 6 weeks since the last dose give 6 mg/kg; with 6 weeks or more, "
            "give velmab 8 mg/kg again.",
        ),
        (  # a quoted rule is judged by its own delay, not the question's
            "Velmab delayed: 7 weeks since the last dose.",
            "Had less than 6 weeks passed since the last dose, velmab 6 mg/kg would do.",
        ),
        ("Velmab dose?", "Give velmab 6 mg/kg every 3 weeks."),  # no delay stated
    ],
)
def test_passes_what_the_rule_gives(question: str, answer: str) -> None:
    assert ids(question, answer) == []


def test_the_finding_names_the_rule_the_delay_and_the_source() -> None:
    rules = rules_at(MINI_RULES)
    answer = "Give velmab 6 mg/kg now."
    sentences = parse_answer(answer)
    mentions = find_doses(sentences, rules.lexicon, rules.dose_vocabulary)
    asked = Question.read("Velmab: 7 weeks since the last dose.", rules.lexicon, rules.measures)
    (found,) = check_missed(sentences, asked, mentions, rules.doses, rules.lexicon)
    assert "7 weeks since the last dose" in found.message
    assert "6 weeks or more since the last dose" in found.message
    assert "8 mg/kg" in found.message and found.source_ids == ("zorbatinib-label",)
