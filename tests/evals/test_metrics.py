"""The metrics on hand-made inputs whose answers are known, and their aggregation over cases."""

from __future__ import annotations

from typing import Any

import pytest

from evals import metrics as m
from evals.runner import _metrics

LABEL = "Trastuzumab deruxtecan (T-DXd) 5.4 mg/kg every 3 weeks is preferred after THP."
TRIAL = "Median progression-free survival was 28.8 vs 6.8 months (HR 0.33)."

# --- retrieval --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("k", "expected"),
    [(1, 0.0), (2, 0.5), (3, 0.5), (4, 1.0), (10, 1.0)],
)
def test_recall_at_k_is_the_share_of_expected_sources_in_the_top_k(k: int, expected: float) -> None:
    ranked = ["a", "b", "c", "d", "e"]
    assert m.recall_at(ranked, ["d", "b"], k) == expected


def test_recall_counts_a_source_once_however_often_it_is_ranked() -> None:
    assert m.recall_at(["a", "a", "a"], ["a", "b"], 3) == 0.5


def test_recall_with_nothing_expected_is_perfect() -> None:
    assert m.recall_at(["a"], [], 5) == 1.0


@pytest.mark.parametrize(
    ("ranked", "expected", "rr"),
    [
        (["x", "y", "z"], ["x"], 1.0),
        (["x", "y", "z"], ["z"], 1 / 3),
        (["x", "y", "z", "w"], ["w", "y"], 0.5),
        (["x", "y"], ["q"], 0.0),
        ([], ["q"], 0.0),
    ],
)
def test_reciprocal_rank_is_one_over_the_rank_of_the_first_expected_source(
    ranked: list[str], expected: list[str], rr: float
) -> None:
    assert m.reciprocal_rank(ranked, expected) == pytest.approx(rr)


# --- evidence and numbers ---------------------------------------------------------------------


def test_body_text_drops_references_and_emphasis() -> None:
    text = "**T-DXd** is preferred [1].\n\n**References**\n[1] DESTINY-Breast03"
    assert m.body_text(text) == "T-DXd is preferred [1].\n\n"


def test_a_passage_with_the_numbers_and_words_supports_the_sentence() -> None:
    assert m.supported("T-DXd 5.4 mg/kg every 3 weeks is preferred [1].", LABEL)


def test_a_passage_without_the_sentences_number_does_not_support_it() -> None:
    assert not m.supported("T-DXd 6.4 mg/kg every 3 weeks is preferred [1].", LABEL)


def test_a_passage_about_something_else_does_not_support_the_sentence() -> None:
    assert not m.supported("Tucatinib improves survival with brain metastases [1].", LABEL)


def test_citation_support_counts_each_cited_pair_and_skips_unknown_markers() -> None:
    text = (
        "T-DXd 5.4 mg/kg every 3 weeks is preferred [1]. "
        "Median progression-free survival was 28.8 months [1, 2]. "
        "An orphan claim [9]. An uncited claim."
    )
    # pairs: (s1, 1) supported, (s2, 1) not, (s2, 2) supported; [9] has no passage
    assert m.citation_support(text, {1: LABEL, 2: TRIAL}) == (2, 3)


def test_number_grounding_checks_numbers_of_cited_sentences_only() -> None:
    text = (
        "T-DXd 5.4 mg/kg every 3 weeks [1]. "
        "Median PFS was 28.8 vs 7.2 months [2]. "
        "An uncited 99 percent."
    )
    # 5.4 and 3 are in the label, 28.8 is in the trial, 7.2 is not; 99 is not cited
    assert m.number_grounding(text, {1: LABEL, 2: TRIAL}) == (3, 4)


def test_numbers_may_come_from_any_passage_the_sentence_cites() -> None:
    assert m.number_grounding("5.4 mg/kg gave 28.8 months [1, 2].", {1: LABEL, 2: TRIAL}) == (2, 2)


def test_the_patients_own_numbers_need_no_passage() -> None:
    text = "For this patient (62 kg): 5.4 mg/kg is 334.8 mg (5.4 mg/kg x 62 kg) [1]."
    assert m.number_grounding(text, {1: LABEL}) == (2, 5)
    assert m.number_grounding(text, {1: LABEL}, frozenset({"62", "334.8"})) == (5, 5)


# --- summaries --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([4, 1, 3, 2], 0.5, 2.5),
        ([1, 2, 3, 4], 0.95, 3.85),
        ([10], 0.95, 10.0),
        ([], 0.5, 0.0),
    ],
)
def test_percentile_interpolates_between_ranks(
    values: list[float], q: float, expected: float
) -> None:
    assert m.percentile(values, q) == pytest.approx(expected)


def test_ratio_rounds_and_an_empty_ratio_is_perfect() -> None:
    assert m.ratio(1, 3) == 0.3333
    assert m.ratio(0, 0) == 1.0


def test_mean_rounds_and_an_empty_mean_is_zero() -> None:
    assert m.mean([1, 0, 0]) == 0.3333
    assert m.mean([]) == 0.0


# --- aggregation over cases (evals.runner) ----------------------------------------------------


def golden_case(
    category: str,
    recall: dict[str, float],
    rr: float,
    key_facts: dict[str, bool],
    *,
    covered: bool = True,
    expected_covered: bool = True,
    verdict: str = "pass",
    forbidden: list[str] | None = None,
    passed: bool = True,
    uncovered: list[str] | None = None,
    duplicates: int = 0,
    words: int = 100,
    first_line_fact: bool | None = True,
) -> dict[str, Any]:
    return {
        "uncovered_topics": uncovered or [],
        "says_not_covered": not covered or bool(uncovered),
        "duplicate_claims": duplicates,
        "words": words,
        "first_line_key_fact": first_line_fact,
        "suite": "golden",
        "category": category,
        "recall": recall,
        "reciprocal_rank": rr,
        "key_facts": key_facts,
        "forbidden": forbidden or [],
        "evidence": [3, 4],
        "numbers": [2, 2],
        "markers": [2, 3],
        "covered": covered,
        "expected_covered": expected_covered,
        "verdict": verdict,
        "expected_verdict": "pass",
        "timings": {"retrieve": 100.0, "generate": 20.0},
        "passed": passed,
        "baselines": {},
    }


def adversarial_case(check: str, expect: list[str], passed: bool) -> dict[str, Any]:
    return {"suite": "adversarial", "check": check, "expect": expect, "passed": passed}


@pytest.fixture
def aggregated() -> dict[str, Any]:
    golden = [
        golden_case(
            "second line", {"1": 0.0, "3": 0.5, "5": 1.0, "10": 1.0}, 0.5, {"a": True, "b": False}
        ),
        golden_case(
            "second line", {"1": 1.0, "3": 1.0, "5": 1.0, "10": 1.0}, 1.0, {"c": True},
            verdict="warn", forbidden=["x"], passed=False,
        ),
        # out of scope: retrieval and key facts are not measured on it
        golden_case(
            "out of scope", {"1": 0.0, "3": 0.0, "5": 0.0, "10": 0.0}, 0.0, {"z": False},
            covered=False, expected_covered=False, first_line_fact=None, words=30,
        ),
    ]  # fmt: skip
    golden[0].update(duplicate_claims=2, words=300, first_line_key_fact=False)
    adversarial = [
        adversarial_case("doses", ["doses.wrong-amount"], True),
        adversarial_case("doses", ["doses.wrong-unit"], False),
        adversarial_case("doses", [], True),
        adversarial_case("pathway", ["pathway.not-preferred"], True),
        adversarial_case("pathway", [], False),
        adversarial_case("pathway", [], True),
    ]
    return _metrics(golden, adversarial)


def test_shape_metrics_count_answered_questions(aggregated: dict[str, Any]) -> None:
    assert aggregated["duplicate_claim_rate"] == 0.5  # one of the two answered repeats a claim
    assert aggregated["answer_words_median"] == 200.0  # 300 and 100 words; not covered left out
    assert aggregated["first_line_key_fact"] == 0.5


def test_near_miss_accuracy_counts_answers_that_say_the_topic_is_not_covered() -> None:
    near = {"1": 0.0, "3": 0.0, "5": 0.0, "10": 0.0}
    golden = [
        golden_case("near miss", near, 0.0, {}, covered=False, expected_covered=False),
        golden_case("near miss", near, 0.0, {}, expected_covered=False, uncovered=["fridge"]),
        golden_case("near miss", near, 0.0, {}, expected_covered=False),
    ]
    metrics = _metrics(golden, [])
    assert metrics["near_miss_accuracy"] == 0.6667
    # answered with a notice is right for a near miss: the refusal rate leaves them out
    assert metrics["not_covered_accuracy"] == 1.0


def test_not_covered_accuracy_is_the_refusal_rate_of_out_of_scope_questions() -> None:
    none = {"1": 0.0, "3": 0.0, "5": 0.0, "10": 0.0}
    golden = [
        golden_case("out of scope", none, 0.0, {}, covered=False, expected_covered=False),
        golden_case("out of scope", none, 0.0, {}, covered=True, expected_covered=False),
        golden_case("near miss", none, 0.0, {}, covered=True, expected_covered=False),
    ]
    assert _metrics(golden, [])["not_covered_accuracy"] == 0.5


def test_no_near_miss_questions_score_one() -> None:
    assert _metrics([], [])["near_miss_accuracy"] == 1.0


def test_retrieval_metrics_average_over_covered_questions(aggregated: dict[str, Any]) -> None:
    assert aggregated["recall_at_1"] == 0.5
    assert aggregated["recall_at_3"] == 0.75
    assert aggregated["recall_at_5"] == 1.0
    assert aggregated["mrr"] == 0.75


def test_key_fact_coverage_counts_facts_of_covered_questions(aggregated: dict[str, Any]) -> None:
    assert aggregated["key_fact_coverage"] == 0.6667  # 2 of the 3 facts; out of scope left out


def test_answer_metrics_count_every_golden_question(aggregated: dict[str, Any]) -> None:
    assert aggregated["forbidden_claim_rate"] == 0.3333
    assert aggregated["evidence_precision"] == 0.75  # 9 of 12 cited pairs
    assert aggregated["citation_validity"] == 0.6667
    assert aggregated["verdict_accuracy"] == 0.6667
    assert aggregated["pass_rate"] == 0.6667
    assert aggregated["not_covered_accuracy"] == 1.0
    assert aggregated["answered_in_scope"] == 1.0


def test_guardrail_rates_separate_faulty_and_clean_answers(aggregated: dict[str, Any]) -> None:
    guard = aggregated["guardrails"]
    assert (guard["faulty"], guard["clean"]) == (3, 3)
    assert guard["catch_rate"] == 0.6667
    assert guard["false_positive_rate"] == 0.3333
    assert guard["per_check"]["doses"] == {
        "faulty": 2, "clean": 1, "catch_rate": 0.5, "false_positive_rate": 0.0,
    }  # fmt: skip
    assert guard["per_check"]["pathway"]["false_positive_rate"] == 0.5


def test_latency_and_categories_are_summarised(aggregated: dict[str, Any]) -> None:
    assert aggregated["latency_ms"]["total"] == {"p50": 120.0, "p95": 120.0}
    assert aggregated["latency_ms"]["retrieve"]["p50"] == 100.0
    assert aggregated["per_category"]["second line"] == {
        "cases": 2, "pass_rate": 0.5, "recall_at_5": 1.0, "key_fact_coverage": 0.6667,
    }  # fmt: skip


def test_a_run_without_golden_questions_makes_no_forbidden_claims() -> None:
    metrics = _metrics([], [adversarial_case("doses", ["doses.wrong-amount"], True)])
    assert metrics["forbidden_claim_rate"] == 0.0


# --- answer shape -------------------------------------------------------------------------------

REPEATED = """**Answer**
- ASCO Recommendation 1.1: THP is the preferred first-line regimen for HER2-positive MBC. [1]
- Per ASCO Recommendation 1.1, THP is the preferred first-line regimen for HER2-positive MBC. [2]
- Trastuzumab deruxtecan is given at 5.4 mg/kg every 3 weeks. [3]

**References**
1. ASCO 2022, Recommendation 1.1 is the preferred first-line regimen for HER2-positive MBC."""


def test_two_statements_of_the_same_claim_are_a_duplicate_pair() -> None:
    assert m.duplicate_claims(REPEATED) == 1


def test_statements_sharing_a_drug_but_not_a_claim_are_not_duplicates() -> None:
    text = f"- {LABEL} [1]\n- {TRIAL} [2]\n- T-DXd is given every 3 weeks until progression. [1]"
    assert m.duplicate_claims(text) == 0


def test_short_statements_are_never_duplicates() -> None:
    assert not m.same_claim(m.claim_tokens("Hold T-DXd. [1]"), m.claim_tokens("Hold T-DXd. [2]"))


def test_word_count_leaves_out_references_citations_and_markdown() -> None:
    assert (
        m.word_count("**Answer**\n- Hold T-DXd at 5.4 mg/kg. [1]\n\n**References**\n1. x y z") == 6
    )


def test_the_first_line_skips_headings() -> None:
    assert m.first_line(REPEATED).startswith("- ASCO Recommendation 1.1: THP is the preferred")
    assert m.first_line("**The sources do not cover fridge; closest material:**\n\n- X. [1]") == (
        "- X. [1]"
    )


def test_shape_metrics_of_a_run_with_no_answers_are_not_reported() -> None:
    adversarial = [adversarial_case("doses", ["doses.wrong-amount"], True)]
    metrics = _metrics([], adversarial)  # an adversarial-only run
    assert metrics["duplicate_claim_rate"] is None  # not 1.0: no answer repeated anything
    assert metrics["answer_words_median"] is None


def test_answerable_with_notice_counts_answered_questions_opened_by_a_not_covered_notice() -> None:
    hit = {"1": 1.0, "3": 1.0, "5": 1.0, "10": 1.0}
    golden = [
        golden_case("doses", hit, 1.0, {"a": True}, uncovered=["qtc"]),
        golden_case("doses", hit, 1.0, {"a": True}),
        golden_case("doses", hit, 1.0, {"a": True}),
        golden_case("doses", hit, 1.0, {"a": True}, covered=False),  # refused: not a notice
    ]
    assert _metrics(golden, [])["answerable_with_notice"] == 0.25
