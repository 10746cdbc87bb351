from pathlib import Path

import pytest

from guardrails.context import extract_context
from guardrails.records import Finding, Passage, PatientContext, Review, Severity, Verdict
from guardrails.review import review
from guardrails.rules import RuleBook

SECOND_LINE = "HER2+ MBC progressed on THP"
LABEL = Passage(n=1, source_id="label-trastuzumab-deruxtecan", text="5.4 mg/kg every 3 weeks")


@pytest.fixture(scope="module")
def second_line(rules: RuleBook) -> PatientContext:
    return extract_context(SECOND_LINE, [], rules.lexicon)


def finding(severity: Severity) -> Finding:
    return Finding(rule_id=f"x.{severity.value}", severity=severity, message="m", check="doses")


def test_block_outranks_warn_outranks_pass() -> None:
    assert Review.of([finding(Severity.WARN), finding(Severity.BLOCK)]).verdict is Verdict.BLOCK
    assert Review.of([finding(Severity.INFO), finding(Severity.WARN)]).verdict is Verdict.WARN
    assert Review.of([finding(Severity.INFO)]).verdict is Verdict.PASS


def test_a_correct_cited_answer_passes(rules: RuleBook, second_line: PatientContext) -> None:
    text = "T-DXd 5.4 mg/kg every 3 weeks is the preferred second-line option [1]."
    result = review(text, SECOND_LINE, second_line, [LABEL], rules)
    assert (result.verdict, result.findings) == (Verdict.PASS, ())


def test_a_wrong_dose_blocks(rules: RuleBook, second_line: PatientContext) -> None:
    text = "T-DXd 6.4 mg/kg every 3 weeks is the preferred option."
    result = review(text, SECOND_LINE, second_line, [], rules, resolve_markers=False)
    assert result.verdict is Verdict.BLOCK
    assert [f.rule_id for f in result.findings if f.check == "doses"] == ["doses.other-indication"]


def test_a_not_preferred_regimen_warns(rules: RuleBook, second_line: PatientContext) -> None:
    text = "T-DM1 is the preferred second-line option."
    result = review(text, SECOND_LINE, second_line, [], rules, resolve_markers=False)
    assert result.verdict is Verdict.WARN
    assert [f.rule_id for f in result.findings if f.check == "pathway"] == ["pathway.not-preferred"]


def test_findings_are_sorted_most_severe_first(
    rules: RuleBook, second_line: PatientContext
) -> None:
    text = "T-DM1 is the preferred second-line option. T-DXd 6.4 mg/kg every 3 weeks."
    result = review(text, SECOND_LINE, second_line, [], rules, resolve_markers=False)
    assert [f.severity.value for f in result.findings] == ["block", "warn", "warn", "info"]
    assert [f.rule_id for f in result.findings[:3]] == [
        "doses.other-indication",
        "pathway.not-preferred",  # the first sentence, before the second's ungrounded number
        "grounding.number-not-in-source",
    ]


def test_ungrounded_numbers_warn(rules: RuleBook, second_line: PatientContext) -> None:
    text = "T-DXd 5.4 mg/kg every 3 weeks is the preferred option."
    result = review(text, SECOND_LINE, second_line, [], rules, resolve_markers=False)
    assert result.verdict is Verdict.WARN
    assert "grounding.number-not-in-source" in [f.rule_id for f in result.findings]


def test_grounded_false_skips_grounding(rules: RuleBook, second_line: PatientContext) -> None:
    text = "T-DXd 5.4 mg/kg every 3 weeks is the preferred option."
    result = review(
        text, SECOND_LINE, second_line, [], rules, resolve_markers=False, grounded=False
    )
    assert (result.verdict, result.findings) == (Verdict.PASS, ())


def test_an_emergency_question_needs_an_urgent_answer(rules: RuleBook) -> None:
    question = "On T-DXd with new cough and shortness of breath"
    context = extract_context(question, [], rules.lexicon)
    result = review("Continue T-DXd.", question, context, [], rules, grounded=False)
    assert result.verdict is Verdict.WARN
    assert [f.rule_id for f in result.findings] == ["safety.urgent.tdxd-respiratory"]


def test_a_language_models_unconfirmed_dose_blocks() -> None:
    rules = RuleBook.load(Path(__file__).resolve().parents[2] / "corpus" / "rules")
    text = "Trastuzumab deruxtecan is given at 378 mg every 3 weeks."
    lenient = review(text, "T-DXd dose?", PatientContext(), [], rules, grounded=False)
    strict = review(
        text, "T-DXd dose?", PatientContext(), [], rules, grounded=False, strict_doses=True
    )
    assert (lenient.verdict.value, strict.verdict.value) == ("warn", "block")
    assert "confirmed by the dose table" in strict.findings[0].message
