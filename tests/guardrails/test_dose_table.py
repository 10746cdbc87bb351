from pathlib import Path
from typing import Any

import pytest

from guardrails.dose_table import DoseRow, DoseTable
from guardrails.errors import RulesError
from guardrails.lexicon import Lexicon

RULES = Path(__file__).resolve().parents[2] / "corpus" / "rules"

ROW = {
    "id": "tucatinib",
    "drug": "tucatinib",
    "route": "oral",
    "amount": 300,
    "unit": "mg",
    "schedule": "twice daily",
    "sources": ["label-tucatinib"],
}


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load(RULES / "lexicon.yaml")


@pytest.fixture(scope="module")
def table(lexicon: Lexicon) -> DoseTable:
    return DoseTable.load(RULES / "doses.yaml", lexicon)


def problems(lexicon: Lexicon, **changes: Any) -> list[str]:
    entry = {k: v for k, v in {**ROW, **changes}.items() if v is not None}
    with pytest.raises(RulesError) as error:
        DoseTable.from_data({"doses": [entry]}, lexicon, "doses.yaml")
    return error.value.problems


def row(table: DoseTable, row_id: str) -> DoseRow:
    return next(r for r in table.rows if r.id == row_id)


def test_a_valid_row_loads(lexicon: Lexicon) -> None:
    table = DoseTable.from_data({"doses": [ROW]}, lexicon)
    assert [(r.drug, r.amounts, r.units, r.phase) for r in table.rows] == [
        ("tucatinib", (300.0,), ("mg",), "any")
    ]


def test_an_unknown_drug_names_file_entry_and_field(lexicon: Lexicon) -> None:
    assert problems(lexicon, drug="zorbatinib") == [
        "doses.yaml: doses[0] ('tucatinib'): field 'drug': 'zorbatinib' is not an id in "
        "lexicon.yaml; did you mean 'neratinib'?"
    ]


def test_a_bad_unit_lists_the_units(lexicon: Lexicon) -> None:
    assert problems(lexicon, unit="mg/L") == [
        "doses.yaml: doses[0] ('tucatinib'): field 'unit[0]': must be one of 'mg', 'mg/kg', "
        "'mg/m2' or 'units', not 'mg/L'"
    ]


def test_a_row_without_sources_is_refused(lexicon: Lexicon) -> None:
    assert problems(lexicon, sources=None) == [
        "doses.yaml: doses[0] ('tucatinib'): missing field 'sources'"
    ]


def test_a_bad_schedule_lists_the_schedules(lexicon: Lexicon) -> None:
    [problem] = problems(lexicon, schedule="every other day")
    assert problem.startswith(
        "doses.yaml: doses[0] ('tucatinib'): field 'schedule[0]': 'every other day' is not a "
        "schedule; use one of once, weekly,"
    )


def test_a_missing_schedule_is_named(lexicon: Lexicon) -> None:
    assert problems(lexicon, schedule=None) == [
        "doses.yaml: doses[0] ('tucatinib'): missing field 'schedule'"
    ]


def test_amount_and_unit_parts_must_agree(lexicon: Lexicon) -> None:
    assert problems(lexicon, amount=[600, 600]) == [
        "doses.yaml: doses[0] ('tucatinib'): 'amount' and 'unit' must have the same number of parts"
    ]


def test_every_problem_of_every_row_is_reported(lexicon: Lexicon) -> None:
    bad = {**ROW, "id": "b", "route": "im", "partners": ["nope"]}
    with pytest.raises(RulesError) as error:
        DoseTable.from_data({"doses": [ROW, ROW, bad]}, lexicon, "doses.yaml")
    assert error.value.problems == [
        "doses.yaml: doses[1] ('tucatinib'): field 'id': 'tucatinib' is used twice (also "
        "doses[0]); give each entry its own",
        "doses.yaml: doses[2] ('b'): field 'route': must be one of 'iv', 'sc' or 'oral', not 'im'",
        "doses.yaml: doses[2] ('b'): field 'partners[0]': 'nope' is not an id in lexicon.yaml",
    ]


def test_allows_a_reduction_only_when_reduced(table: DoseTable) -> None:
    tdxd = row(table, "trastuzumab-deruxtecan-breast")
    assert tdxd.allows(5.4, "mg/kg", reduced=False)
    assert not tdxd.allows(4.4, "mg/kg", reduced=False)
    assert tdxd.allows(4.4, "mg/kg", reduced=True)


def test_allows_any_amount_of_a_range_but_not_outside_it(table: DoseTable) -> None:
    docetaxel = row(table, "docetaxel")
    assert docetaxel.allows(85, "mg/m2", reduced=False)
    assert not docetaxel.allows(110, "mg/m2", reduced=False)
    assert not docetaxel.allows(85, "mg", reduced=False)
    assert docetaxel.describe() == "75-100 mg/m2 every 3 weeks"


def test_a_compound_row_has_one_amount_per_part(table: DoseTable) -> None:
    phesgo = row(table, "phesgo-loading")
    assert phesgo.amounts == (1200.0, 600.0, 30000.0)
    assert phesgo.units == ("mg", "mg", "units")
    assert phesgo.allows(30000, "units", reduced=False)
    assert phesgo.describe() == "loading 1,200 mg / 600 mg / 30,000 units once"


def test_rows_for_a_drug(table: DoseTable) -> None:
    assert [r.id for r in table.rows_for("pertuzumab")] == ["pertuzumab-loading", "pertuzumab"]


def test_a_missed_rule_loads_with_its_threshold(table: DoseTable) -> None:
    rule = row(table, "pertuzumab").missed
    assert rule is not None and (rule.reload, rule.weeks, rule.bound) == (
        "pertuzumab-loading",
        6,
        "at-least",
    )
    assert rule.reloads((28.0, 28.0), 21.0) is True  # 7 weeks since the last 3-weekly dose
    assert rule.reloads((7.0, 7.0), 21.0) is False  # 4 weeks since it
    assert rule.reloads((0.0, 40.0), 21.0) is None  # could be either


def test_a_missed_rule_needs_its_weeks_with_its_reload(lexicon: Lexicon) -> None:
    found = problems(lexicon, missed={"reload": "x", "sources": ["label-tucatinib"]})
    assert len(found) == 1 and "give 'reload' (a loading row id) together with 'weeks'" in found[0]


def test_a_missed_rule_must_reload_a_loading_row_of_its_drug(lexicon: Lexicon) -> None:
    missed = {"reload": "tucatinib", "weeks": 6, "sources": ["label-tucatinib"]}
    found = problems(lexicon, missed=missed)
    assert len(found) == 1 and "missed.reload 'tucatinib' is not a loading row" in found[0]
