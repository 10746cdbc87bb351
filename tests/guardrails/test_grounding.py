from pathlib import Path

import pytest

from guardrails.answer import parse_answer
from guardrails.grounding import check_grounding
from guardrails.lexicon import Lexicon
from guardrails.records import Passage, Severity

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini" / "rules" / "lexicon.yaml"

PRIMARY = Passage(
    n=1,
    source_id="zorba-trial",
    text="In the primary analysis of ZORBA-1, median progression-free survival was 11.2 vs "
    "7.4 months (HR 0.61, 95% CI 0.48-0.77).",
)
UPDATED = Passage(
    n=2,
    source_id="zorba-trial",
    text="In the updated analysis of ZORBA-1, median overall survival was 30.1 vs 24.9 months "
    "(HR 0.79).",
)
SUBGROUP = Passage(
    n=3,
    source_id="zorba-trial",
    text="In the lung nodule subgroup of ZORBA-1, progression-free survival HR was 0.45 "
    "(95% CI 0.30-0.68).",
)


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load(MINI)


def rules(text: str, lexicon: Lexicon, passages: list[Passage] | None = None) -> list[str]:
    found = check_grounding(parse_answer(text), passages or [PRIMARY, UPDATED, SUBGROUP], lexicon)
    return [f.rule_id for f in found]


def test_a_cited_sentence_with_its_own_numbers_passes(lexicon: Lexicon) -> None:
    assert rules("ZORBA-1 improved median PFS to 11.2 vs 7.4 months (HR 0.61) [1].", lexicon) == []


def test_flags_a_sentence_without_citation(lexicon: Lexicon) -> None:
    assert rules("Zorbatinib improved progression-free survival in ZORBA-1.", lexicon) == [
        "grounding.uncited"
    ]


def test_flags_a_number_the_cited_passage_lacks(lexicon: Lexicon) -> None:
    assert rules("ZORBA-1 improved median PFS to 12.5 months [1].", lexicon) == [
        "grounding.number-not-in-source"
    ]


def test_flags_figures_from_two_analyses_in_one_sentence(lexicon: Lexicon) -> None:
    text = "In ZORBA-1, median overall survival was 30.1 vs 24.9 months (HR 0.61) [1, 2]."
    assert rules(text, lexicon) == ["grounding.mixed-analyses"]


def test_flags_a_subgroup_figure_stated_as_the_whole_trial(lexicon: Lexicon) -> None:
    assert rules("ZORBA-1 reduced the risk of progression (HR 0.45) [3].", lexicon) == [
        "grounding.subgroup-unqualified"
    ]


def test_a_subgroup_figure_with_its_qualifier_passes(lexicon: Lexicon) -> None:
    text = "In patients with lung nodules, ZORBA-1 gave a PFS HR of 0.45 [3]."
    assert rules(text, lexicon) == []


def test_without_markers_checks_the_whole_corpus_and_notes_it(lexicon: Lexicon) -> None:
    corpus = [p.model_copy(update={"n": None}) for p in (PRIMARY, UPDATED)]
    found = check_grounding(
        parse_answer("ZORBA-1 gave median PFS of 11.2 vs 7.4 months."), corpus, lexicon, False
    )
    assert [(f.rule_id, f.severity) for f in found] == [("grounding.no-markers", Severity.INFO)]


def test_an_uncited_statement_is_attributed_to_the_passage_with_its_figures(
    lexicon: Lexicon,
) -> None:
    found = check_grounding(
        parse_answer("ZORBA-1 gave 11.2 vs 7.4 months [1]. The HR was 0.61 with PFS 11.2 months."),
        [PRIMARY, UPDATED],
        lexicon,
    )
    [attributed] = [f for f in found if f.rule_id == "grounding.attributed"]
    assert attributed.severity is Severity.INFO and "[1]" in attributed.message


def test_an_uncited_number_no_passage_holds_is_blocked(lexicon: Lexicon) -> None:
    found = check_grounding(
        parse_answer("ZORBA-1 gave 11.2 vs 7.4 months [1]. The median OS was 41.7 months."),
        [PRIMARY, UPDATED],
        lexicon,
    )
    [unsupported] = [f for f in found if f.rule_id == "grounding.unsupported-number"]
    assert unsupported.severity is Severity.BLOCK and "41.7" in unsupported.message
