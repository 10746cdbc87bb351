"""What a stated duration measures, for the dose rules: since the last dose, past due, or the
time a toxicity took to resolve; other durations are none of these."""

import pytest

from guardrails.dose_intervals import intervals


@pytest.mark.parametrize(
    ("text", "kind", "days"),
    [
        ("Pertuzumab delayed: 7 weeks since the last dose.", "since-last-dose", 49.0),
        ("Her last pertuzumab infusion was 8 weeks ago.", "since-last-dose", 56.0),
        ("if 6 weeks or more pass between two Phesgo injections", "since-last-dose", 42.0),
        ("Trastuzumab every 3 weeks, dose missed by 2 weeks.", "past-due", 14.0),
        ("The dose is 10 days late.", "past-due", 10.0),
        ("a 2-week delay", "past-due", 14.0),
        ("Grade 1 ILD took 6 weeks to resolve.", "to-resolve", 42.0),
        ("The ILD resolved after 20 days.", "to-resolve", 20.0),
    ],
)
def test_reads_what_a_duration_measures(text: str, kind: str, days: float) -> None:
    (found,) = intervals(text)
    assert (found.kind, found.days[0]) == (kind, days)


@pytest.mark.parametrize(
    "text",
    [
        "Give 6 mg/kg every 3 weeks.",
        "Continue for 1 year.",
        "LVEF every 4 weeks while held.",
        "It has not been 7 weeks since the last dose.",  # negated
    ],
)
def test_other_durations_are_no_interval(text: str) -> None:
    assert intervals(text) == []
