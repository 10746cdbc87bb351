import pytest

from guardrails.records import PatientContext, Review
from guardrails.review import review
from guardrails.rules import RuleBook


def review_of(rules: RuleBook, text: str) -> Review:
    return review(text, "", PatientContext(), [], rules, grounded=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "After a reduction to 4.4 mg/kg, T-DXd is re-escalated to 5.4 mg/kg.",
            ["doses.re-escalation"],
        ),
        ("Once tolerated, Enhertu can go back up to the full dose.", ["doses.re-escalation"]),
        ("T-DXd is never re-escalated after a dose reduction.", []),
        ("Do not re-escalate T-DXd once the dose has been reduced.", []),
    ],
)
def test_reescalating_a_drug_that_is_never_reescalated_is_blocked(
    rules: RuleBook, text: str, expected: list[str]
) -> None:
    assert [f.rule_id for f in review_of(rules, text).findings] == expected
