"""Measured values in a question, and whether a sentence's thresholds include them (a
fictional measure set: the engine knows no lab by name)."""

from __future__ import annotations

import pytest

from guardrails.errors import RulesError
from guardrails.measures import Measures

COUNTS = {"/mm3": 1, "/uL": 1, "x10^9/L": 1000, "k": 1000}
MEASURES = Measures.from_data(
    {
        "measures": [
            {"id": "widgets", "names": ["widget count", "widgets", "wdg"], "unit": "/mm3",
             "units": COUNTS, "plausible": [1000, 2000000]},
            {"id": "gizmos", "names": ["gizmos", "GZC"], "unit": "/mm3", "units": COUNTS,
             "plausible": [50, 100000]},
            {"id": "zorb", "names": ["zorb enzyme", "zorb"], "unit": "x ULN",
             "units": {"x ULN": 1}},
            {"id": "pump", "names": ["pump fraction", "PF"], "unit": "%", "units": {"%": 1},
             "unit_required": True},
            {"id": "grade", "names": ["grade"], "kind": "grade"},
        ]
    }
)  # fmt: skip


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("widgets 40k on day 1", {"widgets": 40_000.0}),
        ("Widget count of 40,000 today", {"widgets": 40_000.0}),
        ("wdg 40 x10^9/L", {"widgets": 40_000.0}),
        ("wdg 35", {"widgets": 35_000.0}),  # bare and implausible as /mm3: x10^9/L
        ("GZC 0.8 x10^9/L", {"gizmos": 800.0}),
        ("GZC 900, C3D1", {"gizmos": 900.0}),
        ("gizmos 1,200/uL", {"gizmos": 1200.0}),
        ("zorb 7x ULN", {"zorb": 7.0}),
        ("PF now 48% on the echo", {"pump": 48.0}),
        ("PF monitoring every 3 months?", {}),  # a number without its unit is no value
        ("what dose of zorbatinib?", {}),
        ("zorbatinib dose after grade 2 pneumonitis?", {"grade": 2.0}),
        ("grade 3 and grade 4 rates?", {}),  # several grades: no one value
    ],
)
def test_measured_values_in_a_question(question: str, expected: dict[str, float]) -> None:
    assert MEASURES.values(question) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Held for widgets of 25,000 to under 50,000/mm3, then restarted at the same dose.", True),
        ("Held for widgets below 25,000/mm3, then restarted at a reduced dose.", False),
        ("Held for widget count under 25 x10^9/L.", False),
        ("Restart when widgets recover to 75,000/mm3 or more.", False),
        ("Zorbatinib is given at 150 mg twice daily.", None),
    ],
)
def test_a_count_threshold_in_any_unit_includes_the_value_or_not(
    sentence: str, expected: bool | None
) -> None:
    assert MEASURES.fits(MEASURES.values("wdg 35 x10^9/L"), sentence) is expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("For zorb above 5 to 20 x ULN, hold until grade 1.", True),
        ("For zorb above 20 x ULN, discontinue.", False),
        ("Treatment continues when the PF stays above 45%.", None),  # no PF value stated
    ],
)
def test_a_times_upper_limit_threshold(sentence: str, expected: bool | None) -> None:
    assert MEASURES.fits({"zorb": 7.0}, sentence) is expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Zorbatinib is stopped for good for grade 2 or higher pneumonitis.", True),
        ("Zorbatinib is interrupted for grade 1 pneumonitis until grade 0.", False),
        ("Grade 3-4 rash occurred in 10%.", False),
        ("Zorbatinib is given at 150 mg twice daily.", None),
    ],
)
def test_a_toxicity_grade_fits_the_grades_a_sentence_is_about(
    sentence: str, expected: bool | None
) -> None:
    assert MEASURES.fits({"grade": 2.0}, sentence) is expected
    assert MEASURES.has_grade("after grade 2 pneumonitis")


def test_an_unknown_field_in_a_measure_is_refused() -> None:
    with pytest.raises(RulesError) as raised:
        Measures.from_data({"measures": [{"id": "x", "names": ["x"], "units_of": {}}]})
    assert any("units_of" in p for p in raised.value.problems)


@pytest.mark.parametrize(
    "question",
    ["zorb 2.5 mg/dL", "zorb 40 umol/L", "zorb 120 U/L", "widgets 40 mg today", "zorb 2.5 %"],
)
def test_a_value_in_a_unit_the_measure_does_not_list_is_no_value(question: str) -> None:
    """'zorb 2.5 mg/dL' is not 2.5 x ULN: without the upper limit it cannot be converted."""
    assert MEASURES.values(question) == {}
    assert MEASURES.values(question.split()[0] + " 2.5 today") != {}  # a bare value still is


def test_a_threshold_in_a_unit_the_measure_does_not_list_decides_nothing() -> None:
    values = {"zorb": 2.5}
    assert MEASURES.fits(values, "Stop when zorb is above 3 mg/dL.") is None
    assert MEASURES.fits(values, "Stop when zorb is above 3 x ULN.") is False


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("widgets <25,000/mm3 (grade 4)", True),
        ("widgets <= 25,000/mm3", True),
        ("widgets ≤25,000/mm3", True),
        ("widgets >=75,000/mm3", False),
        ("widgets 25,000 to <50,000/mm3 (grade 3)", False),  # one range, not also '<50,000'
        ("widgets 25,000 to under 50,000/mm3", False),
    ],
)
def test_thresholds_written_with_symbols_and_ranges_with_an_inner_bound(
    sentence: str, expected: bool
) -> None:
    assert MEASURES.fits({"widgets": 20000.0}, sentence) is expected


def test_a_range_written_from_the_top_is_the_same_range() -> None:
    """Labels write grade 3 as 'less than 1.0 to 0.5 x10^9/L'."""
    sentence = "gizmos less than 1.0 to 0.5 x10^9/L (grade 3)"
    assert MEASURES.fits({"gizmos": 800.0}, sentence) is True
    assert MEASURES.fits({"gizmos": 400.0}, sentence) is False


def test_a_value_in_another_unit_is_read_against_the_reference_stated_after_it() -> None:
    measures = Measures.from_data(
        {
            "measures": [
                {"id": "zorb", "names": ["zorb"], "unit": "x ULN", "units": {"x ULN": 1},
                 "relative_to": "ULN"},
                {"id": "quark", "names": ["quark"], "unit": "x ULN", "units": {"x ULN": 1},
                 "relative_to": "ULN"},
            ]
        }
    )  # fmt: skip
    assert measures.values("zorb 68 umol/L (ULN 17) today") == {"zorb": 4.0}
    assert measures.values("zorb 3 x ULN (ULN 17 umol/L)") == {"zorb": 3.0}  # its own unit
    # the reference belongs to the value it follows
    assert measures.values("zorb 240 U/L, ULN 40, quark 20 umol/L") == {"zorb": 6.0}
    assert measures.values("zorb 40 umol/L") == {}  # no reference: cannot be converted


def test_the_measures_a_sentence_gives_thresholds_for() -> None:
    assert MEASURES.thresholded("Hold for widgets below 50,000/mm3 or PF under 40%.") == {
        "widgets",
        "pump",
    }
    assert MEASURES.thresholded("Widgets are counted before each cycle.") == set()


def test_a_sentence_about_another_measurement_than_the_questions() -> None:
    values = {"widgets": 40000.0}
    assert MEASURES.others(values, "Hold when the PF is under 40%.") is True
    assert MEASURES.others(values, "Hold for widgets below 50,000/mm3; PF under 40%.") is False
    assert MEASURES.others(values, "Given every 3 weeks.") is False
    assert MEASURES.others({"grade": 3.0}, "Hold when the PF is under 40%.") is False
