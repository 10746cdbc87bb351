import math
from pathlib import Path
from typing import Any

import pytest

from guardrails.fact_reading import read_fact
from guardrails.facts import FactSchema
from guardrails.lexicon import Lexicon
from guardrails.records import Fact, FactStatus
from guardrails.timeline import durations, lines_and_therapies

LEXICON = Path(__file__).resolve().parents[2] / "corpus" / "rules" / "lexicon.yaml"
INTERVAL = FactSchema.load(LEXICON.parent / "facts.yaml").role("relapse_interval")


def months_since_adjuvant(text: str, turn: int, earlier: list[str]) -> Fact[Any]:
    """The corpus's relapse interval (months since adjuvant therapy), as the schema reads it."""
    assert INTERVAL is not None
    return read_fact(INTERVAL, text, turn, Lexicon(), earlier)


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load(LEXICON)


def months(text: str, earlier: list[str] | None = None) -> float | None:
    return months_since_adjuvant(text, 0, earlier or []).value


def test_months_after_finishing_adjuvant() -> None:
    assert months("Relapsed 4 months after finishing adjuvant trastuzumab") == 4.0


def test_years_later_with_adjuvant_in_an_earlier_turn() -> None:
    assert months("She relapsed 3 years later", ["Had adjuvant TCHP in 2019"]) == 36.0


def test_years_later_without_any_adjuvant_is_not_a_relapse_interval() -> None:
    assert months_since_adjuvant("She relapsed 3 years later", 0, []).status is FactStatus.UNKNOWN


def test_within_six_months_of_adjuvant() -> None:
    assert months("Recurrence within 6 months of adjuvant trastuzumab") == 6.0


def test_more_than_twelve_months_is_past_the_threshold() -> None:
    assert months("Relapse more than 12 months after adjuvant trastuzumab") == 12.5


def test_less_than_twelve_months_is_under_the_threshold() -> None:
    assert months("Relapse less than 12 months after adjuvant trastuzumab") == 11.5


def test_weeks_are_converted_to_months() -> None:
    assert months("Relapsed 10 weeks after adjuvant trastuzumab") == 2.3


def test_relapse_during_adjuvant_is_zero_months() -> None:
    fact = months_since_adjuvant("Relapsed during adjuvant trastuzumab", 0, [])
    assert (fact.value, fact.status) == (0.0, FactStatus.STATED)


def test_de_novo_disease_negates_the_interval() -> None:
    fact = months_since_adjuvant("de novo metastatic HER2+ disease", 0, [])
    assert (fact.value, fact.status) == (None, FactStatus.NEGATED)


def test_not_de_novo_keeps_the_relapse_interval() -> None:
    assert months("Not de novo; relapsed 5 months after adjuvant trastuzumab") == 5.0


def test_progressed_on_first_line_asks_about_second_line(lexicon: Lexicon) -> None:
    line, _, _ = lines_and_therapies("progressed on first-line THP, what second-line?", 0, lexicon)
    assert (line.value, line.status) == (2, FactStatus.STATED)


def test_stable_brain_mets_after_srs_second_line(lexicon: Lexicon) -> None:
    line, priors, _ = lines_and_therapies("stable brain mets after SRS, second-line?", 0, lexicon)
    assert line.value == 2
    assert priors == []


def test_after_first_line_implies_second_line(lexicon: Lexicon) -> None:
    line, _, _ = lines_and_therapies("options after first-line THP", 0, lexicon)
    assert line.value == 2


@pytest.mark.parametrize(
    "question", ["What is the initial treatment for HER2+ MBC?", "upfront therapy for HER2+ MBC?"]
)
def test_initial_or_upfront_treatment_is_first_line(lexicon: Lexicon, question: str) -> None:
    line, _, _ = lines_and_therapies(question, 0, lexicon)
    assert (line.value, line.status) == (1, FactStatus.STATED)


def test_fourth_line_is_counted_as_later_line(lexicon: Lexicon) -> None:
    line, _, _ = lines_and_therapies("fourth-line options", 0, lexicon)
    assert line.value == 3


def test_prior_and_progressed_therapies(lexicon: Lexicon) -> None:
    _, priors, progressed = lines_and_therapies(
        "Previously treated with T-DM1; progressed on tucatinib", 0, lexicon
    )
    assert priors == ["trastuzumab-emtansine", "tucatinib"]
    assert progressed == ["tucatinib"]


def test_adjuvant_therapies_are_not_metastatic_lines(lexicon: Lexicon) -> None:
    _, priors, progressed = lines_and_therapies(
        "Received adjuvant trastuzumab; progressed on THP in the metastatic setting", 0, lexicon
    )
    assert priors == ["thp"]
    assert progressed == ["thp"]


def test_progression_after_an_adjuvant_relapse_is_kept(lexicon: Lexicon) -> None:
    _, _, progressed = lines_and_therapies(
        "relapsed 5 months after adjuvant trastuzumab and progressed on T-DXd", 0, lexicon
    )
    assert progressed == ["trastuzumab-deruxtecan"]


@pytest.mark.parametrize(
    "text",
    [
        "HER2+ MBC progressed on THP, planning T-DXd second line.",
        "progressed on THP and now starting T-DXd",
        "progressed on THP; considering T-DXd",
    ],
)
def test_a_planned_therapy_is_not_one_given(lexicon: Lexicon, text: str) -> None:
    line, priors, progressed = lines_and_therapies(text, 0, lexicon)
    assert priors == ["thp"] and progressed == ["thp"]
    assert line.value in (None, 2)


@pytest.mark.parametrize(
    ("text", "given", "failed"),
    [
        ("T-DXd dose in second line after THP?", ["thp"], []),
        ("Can I give tucatinib with capecitabine after T-DXd?", ["trastuzumab-deruxtecan"], []),
        ("Is T-DXd an option after progression on THP?", ["thp"], ["thp"]),
        (
            "tucatinib to treat progression on T-DM1",
            ["trastuzumab-emtansine"],
            ["trastuzumab-emtansine"],
        ),
    ],
)
def test_a_therapy_asked_about_is_not_a_therapy_given(
    lexicon: Lexicon, text: str, given: list[str], failed: list[str]
) -> None:
    """Only the therapies after the words of history ("after", "progression on") were given."""
    _, priors, progressed = lines_and_therapies(text, 0, lexicon)
    assert (priors, progressed) == (given, failed)


def test_a_therapy_named_before_the_words_of_its_failure_was_given(lexicon: Lexicon) -> None:
    _, priors, progressed = lines_and_therapies("THP and T-DM1 both failed", 0, lexicon)
    assert priors == progressed == ["thp", "trastuzumab-emtansine"]


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("7 weeks since the last dose", (49.0, 49.0)),
        ("missed by one week or less", (0.0, 7.0)),
        ("6 weeks or more between two injections", (42.0, math.inf)),
        ("resolved in more than 28 days", (28.000001, math.inf)),
        ("it took longer than 28 days", (28.000001, math.inf)),
        ("recovered within 3 weeks", (0.0, 21.0)),
        ("less than 6 weeks", (0.0, 41.999999)),
    ],
)
def test_durations_read_the_length_in_days_with_its_bound(
    text: str, days: tuple[float, float]
) -> None:
    (duration,) = durations(text)
    assert duration.days == pytest.approx(days)


@pytest.mark.parametrize("text", ["today is 420 mg", "okay, give it", "a day or two", "x3 lesions"])
def test_a_number_word_inside_another_word_is_no_duration(text: str) -> None:
    """'tod-a-y' is not 'a y(ear)': a quantity starts a word."""
    assert [d.text for d in durations(text)] == (["a day"] if text.startswith("a day") else [])
