from guardrails.answer import parse_answer
from guardrails.dose_findings import block, expected, same_number
from guardrails.dose_mentions import find_doses
from guardrails.records import Severity
from guardrails.rules import RuleBook


def test_a_block_cites_its_rows_sources_once_and_spans_the_amount(rules: RuleBook) -> None:
    text = "Pertuzumab 500 mg every 3 weeks."
    [mention] = find_doses(parse_answer(text), rules.lexicon, rules.dose_vocabulary)
    rows = rules.doses.rows_for("pertuzumab")
    finding = block(mention, "doses.wrong-amount", "Wrong.", rows)
    assert finding.severity is Severity.BLOCK
    assert finding.source_ids == ("label-pertuzumab",)
    assert text[finding.start : finding.end] == "500 mg"


def test_expected_lists_each_dose_once_and_says_so_when_there_is_none(rules: RuleBook) -> None:
    rows = rules.doses.rows_for("pertuzumab")
    assert expected([*rows, *rows]) == expected(rows)
    assert expected([]) == "no dose"


def test_numbers_are_the_same_within_rounding() -> None:
    assert same_number(5.4, 5.4000000001)
    assert not same_number(5.4, 4.4)
