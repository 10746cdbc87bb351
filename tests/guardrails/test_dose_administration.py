"""Administration times (`administration` of a dose row) read from answers: engine tests on a
fictional table, then a few cases on the real corpus (marked below)."""

from typing import Any

import pytest

from guardrails.answer import parse_answer
from guardrails.dose_administration import check_administration
from guardrails.dose_conditions import Question
from guardrails.dose_table import DoseTable
from guardrails.errors import RulesError
from guardrails.lexicon import Lexicon
from guardrails.measures import Measures
from guardrails.records import PatientContext
from guardrails.review import review
from guardrails.rules import RuleBook

LEXICON = Lexicon.from_data(
    {
        "drugs": [
            {"id": "zorbatinib", "generic": "zorbatinib", "names": ["ZRB"]},
            {"id": "velmab", "generic": "velmab", "names": ["Velmo"]},
            {"id": "quintaxel", "generic": "quintaxel", "names": []},
        ]
    }
)


def _row(row_id: str, drug: str, amount: float, **extra: Any) -> dict[str, Any]:
    base = {"unit": "mg/kg", "route": "iv", "schedule": "every 3 weeks", "sources": ["label-x"]}
    return {"id": row_id, "drug": drug, "amount": amount, **base, **extra}


SPLIT = {"first_minutes": 90, "later_minutes": 30}
TABLE = DoseTable.from_data(
    {
        "doses": [
            _row(
                "zorb", "zorbatinib", 5, administration={"first_minutes": 90, "later_minutes": 30}
            ),
            _row("velmab-loading", "velmab", 8, phase="loading", administration={"minutes": 90}),
            _row("velmab", "velmab", 6, phase="maintenance", administration={"minutes": [30, 90]}),
            _row("quintaxel", "quintaxel", 1.4, unit="mg/m2", administration={"minutes": [2, 5]}),
        ]
    },
    LEXICON,
)


def findings(answer: str, question: str = "") -> list[str]:
    asked = Question.read(question, LEXICON, Measures.from_data({"measures": []}))
    found = check_administration(parse_answer(answer), asked, TABLE, LEXICON)
    return [f.message for f in found]


def test_catches_first_and_later_times_swapped() -> None:
    found = findings(
        "The first zorbatinib infusion is over 30 minutes; later ones over 90 minutes."
    )
    assert len(found) == 2
    assert "first administration of zorbatinib over 30 minutes" in found[0]
    assert "the first over 90 minutes, later ones over 30 minutes" in found[0]


def test_passes_the_label_times() -> None:
    assert not findings(
        "The first zorbatinib infusion is given over 90 minutes; if it was tolerated, "
        "subsequent infusions may be given over 30 minutes."
    )
    assert not findings(
        "Zorbatinib is infused over 90 minutes the first time and 30 min thereafter."
    )


def test_every_administration_must_fit_both_times() -> None:
    found = findings("Zorbatinib is given as a 30-minute infusion from the first dose onwards.")
    assert found and "every administration" in found[0]


def test_converts_hours_to_minutes() -> None:
    assert not findings("The initial zorbatinib infusion runs over 1.5 hours.")
    assert findings("The initial zorbatinib infusion is given as a 2-hour infusion.")
    assert findings("Velmab 6 mg/kg is given over 2 h every 3 weeks.")


def test_a_range_must_lie_within_the_labels_range() -> None:
    assert not findings("Quintaxel 1.4 mg/m2 is injected over 2 to 5 minutes.")
    assert not findings("Velmab maintenance doses are infused over 30-90 minutes.")
    assert findings("Quintaxel 1.4 mg/m2 is given over 5 to 10 minutes.")
    assert findings("Quintaxel is given over 15 minutes.")


def test_bounds_are_compared_as_bounds() -> None:
    assert not findings("Later zorbatinib infusions run over at least 30 minutes.")
    assert findings("The first zorbatinib infusion is given over no less than 30 minutes.")
    assert not findings("Quintaxel is injected over up to 5 minutes.")
    assert findings("Quintaxel is injected over no more than 1 minute.")


def test_without_a_cue_either_time_passes() -> None:
    assert not findings("Zorbatinib is infused over 30 minutes.")
    assert not findings("Zorbatinib is infused over 90 minutes.")
    assert findings("Zorbatinib is infused over 60 minutes.")


def test_loading_and_maintenance_rows_give_the_first_and_later_times() -> None:
    assert not findings("Velmab 8 mg/kg over 90 minutes, then 6 mg/kg over 30-90 minutes.")
    assert not findings("Velmab 6 mg/kg runs over 30 to 90 minutes after the 8 mg/kg loading dose.")
    assert findings("The velmab loading dose is infused over 30 minutes.")
    assert findings("Velmab 8 mg/kg is given over 30 minutes.")  # the amount is the loading dose


def test_a_negated_time_is_not_read() -> None:
    assert not findings("The first zorbatinib infusion is not given over 30 minutes.")
    assert not findings("Never infuse zorbatinib over 30 minutes for the first dose.")


def test_times_that_are_not_an_administration_are_not_read() -> None:
    assert not findings(
        "The first zorbatinib infusion is given over 90 minutes, and the patient is observed "
        "during the infusion and for at least 30 minutes afterwards."
    )
    assert not findings("Give velmab about 30 minutes after the first zorbatinib infusion.")
    assert not findings("The first zorbatinib dose: fever for over 1 hour means infection.")


def test_a_sentence_about_another_drug_is_not_judged() -> None:
    assert not findings("Observe for 30 minutes after the first zorbatinib dose.")
    assert not findings(
        "Before the first zorbatinib infusion, give diphenhydramine over 15 minutes."
    )
    assert not findings("Zorbatinib first; quintaxel is given over 2 minutes.")
    assert findings("Velmab over 90 minutes first, then quintaxel over 15 minutes.")


def test_a_sentence_without_a_drug_takes_the_asked_one() -> None:
    assert findings("The first infusion is given over 30 minutes.", "ZRB infusion time?")
    assert not findings("The first infusion is given over 90 minutes.", "Velmo time?")
    assert not findings("The first infusion is given over 30 minutes.")  # no drug at all


def test_the_table_rejects_a_malformed_administration() -> None:
    with pytest.raises(RulesError) as caught:
        DoseTable.from_data(
            {"doses": [_row("z", "zorbatinib", 5, administration={"first_minutes": 90})]}, LEXICON
        )
    assert "later_minutes" in str(caught.value)
    with pytest.raises(RulesError):
        DoseTable.from_data(
            {"doses": [_row("z", "zorbatinib", 5, administration={"minutes": [5, 2]})]}, LEXICON
        )


# --- Real corpus (corpus/rules): the label times of T-DXd, T-DM1 and Phesgo. -----------------


def _blocks(rules: RuleBook, answer: str, question: str) -> list[str]:
    verdict = review(answer, question, PatientContext(), [], rules, grounded=False)
    return [f.rule_id for f in verdict.findings if f.severity.value == "block"]


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (
            "How long is the T-DXd infusion?",
            "The first T-DXd infusion is given over 30 minutes; if it is tolerated, later "
            "infusions are given over 90 minutes [1].",
        ),
        (
            "Infusion time for the first dose of T-DM1?",
            "T-DM1 3.6 mg/kg is given as a 30-minute intravenous infusion from the first dose "
            "onwards [1].",
        ),
        (
            "How long does a Phesgo maintenance injection take?",
            "The Phesgo maintenance dose of 600 mg/600 mg/20,000 units is injected "
            "subcutaneously over about 8 minutes every 3 weeks [1].",
        ),
    ],
)
def test_corpus_wrong_label_times_block(rules: RuleBook, question: str, answer: str) -> None:
    assert "doses.administration-time" in _blocks(rules, answer, question)


@pytest.mark.parametrize(
    "answer",
    [
        "The first T-DXd infusion is given over 90 minutes; if it is tolerated, later "
        "infusions may be given over 30 minutes [1].",
        "Phesgo loading dose is 1,200 mg pertuzumab, 600 mg trastuzumab and 30,000 units "
        "hyaluronidase, injected subcutaneously over about 8 minutes [1].",
        "Pertuzumab 840 mg over 60 minutes, then 420 mg over 30-60 minutes every 3 weeks [1].",
    ],
)
def test_corpus_label_times_pass(rules: RuleBook, answer: str) -> None:
    assert "doses.administration-time" not in _blocks(rules, answer, "Infusion time?")
