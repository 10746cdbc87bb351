"""Whether a statement's conditions hold the figures a question states."""

from __future__ import annotations

import pytest

from assistant.compose.fit import fits


@pytest.mark.parametrize(
    ("sentence", "values", "expected"),
    [
        ("held for platelets of 25,000-50,000/mm3", (35_000.0,), True),
        ("held for platelets of 25,000-50,000/mm3", (60_000.0,), False),
        ("stopped for counts below 25,000/mm3", (20_000.0,), True),
        ("resumed when counts are 75,000/mm3 or more", (80_000.0,), True),
        # a range's lower bound is not a threshold of its own: 4.2 is past this row
        ("held for grade 2 (over 1.5 to 3 x ULN) until grade 1", (4.2,), False),
        ("continued for grade 2 (over 2.5 to 5 x ULN)", (4.2,), True),
        ("any statement fits a question with no figures", (), True),
    ],
)
def test_a_statement_fits_when_its_conditions_hold_the_figures(
    sentence: str, values: tuple[float, ...], expected: bool
) -> None:
    assert fits(sentence, values) is expected
