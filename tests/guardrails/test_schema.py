"""Typed rule files and the one error formatter: really malformed files of the fictional corpus
are refused with every problem, each naming the file, line, entry, field and fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydantic import Field

from guardrails.errors import RulesError
from guardrails.facts import FactSchema
from guardrails.lexicon import Lexicon
from guardrails.rules import RuleBook
from guardrails.schema import Strict, fields_at, parse
from tests.conftest import FIXTURES

MINI_RULES = FIXTURES / "mini" / "rules"

BROKEN_DOSES = """\
doses:
  - id: zorbatinib
    drug: zorbatinib
    route: oral
    amount: 150
    unit: mg
    schedul: twice daily
    sources: [zorbatinib-label]
  - id: velmab
    drug: velmabb
    route: intravenous
    amount: six
    unit: mg/kg
    schedule: every 3 weeks
    sources: [zorbatinib-label]
"""


def load_problems(tmp_path: Path, name: str, text: str) -> list[str]:
    folder = tmp_path / "rules"
    shutil.copytree(MINI_RULES, folder)
    (folder / name).write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as error:
        RuleBook.load(folder)
    return error.value.problems


def test_every_problem_of_a_malformed_dose_table_is_listed_with_its_fix(tmp_path: Path) -> None:
    path = tmp_path / "rules" / "doses.yaml"
    assert load_problems(tmp_path, "doses.yaml", BROKEN_DOSES) == [
        f"{path}:7: doses[0] ('zorbatinib'): unknown field 'schedul'; did you mean 'schedule'? "
        "(allowed: administration, amount, cycle_days, cycle_length_days, drug, food, id, "
        "indication, maximum, missed, note, other_indication, partners, phase, range, reductions, "
        "reescalation, "
        "route, schedule, section, sources, unit)",
        f"{path}:2: doses[0] ('zorbatinib'): missing field 'schedule'",
        f"{path}:10: doses[1] ('velmab'): field 'drug': 'velmabb' is not an id in lexicon.yaml; "
        "did you mean 'velmab'?",
        f"{path}:11: doses[1] ('velmab'): field 'route': must be one of 'iv', 'sc' or 'oral', "
        "not 'intravenous'",
        f"{path}:12: doses[1] ('velmab'): field 'amount[0]': must be a number, not 'six'",
    ]


def test_a_wrong_type_in_the_pathway_names_the_value_given(tmp_path: Path) -> None:
    pathway = (MINI_RULES / "pathway.yaml").read_text(encoding="utf-8")
    broken = pathway.replace("contraindications:", "contraindications:\n  - oops\n", 1)
    [problem] = load_problems(tmp_path, "pathway.yaml", broken)
    assert problem.endswith(
        "contraindications[0]: must be a mapping with the fields id, drugs, when, severity, "
        "message, sources, superseded_by, not 'oops'"
    )


def test_a_superseding_rule_must_be_a_block_of_the_file(tmp_path: Path) -> None:
    pathway = (MINI_RULES / "pathway.yaml").read_text(encoding="utf-8")
    broken = pathway.replace("    severity: warn\n", "    severity: warn\n    superseded_by: [x]\n")
    [problem] = load_problems(tmp_path, "pathway.yaml", broken)
    assert "field 'superseded_by': 'x' is not the id of a blocking contraindication" in problem


def test_a_lexicon_reference_to_an_unknown_id_suggests_the_closest(tmp_path: Path) -> None:
    data = {
        "drugs": [{"id": "zorbatinib", "generic": "zorbatinib"}],
        "regimens": [{"id": "zv", "generic": "ZV", "components": ["zorbatinb"], "kind": "x"}],
    }
    with pytest.raises(RulesError) as error:
        Lexicon.from_data(data, "lexicon.yaml")
    assert error.value.problems == [
        "lexicon.yaml: regimens[0] ('zv'): field 'components[0]': 'zorbatinb' is not an id in "
        "lexicon.yaml; did you mean 'zorbatinib'?",
        "lexicon.yaml: regimens[0] ('zv'): unknown field 'kind' (allowed: class, components, "
        "generic, id, members, names, never_substitute)",
    ]


def test_an_id_used_twice_names_both_entries() -> None:
    data = {"drugs": [{"id": "a", "generic": "a"}, {"id": "a", "generic": "b"}]}
    with pytest.raises(RulesError) as error:
        Lexicon.from_data(data, "lexicon.yaml")
    assert error.value.problems == [
        "lexicon.yaml: drugs[1] ('a'): field 'id': 'a' is used twice (also drugs[0]); give each "
        "entry its own"
    ]


class _Inner(Strict):
    low: float


class _Outer(Strict):
    items: tuple[_Inner, ...] = ()
    by_name: dict[str, _Inner] = Field(default_factory=dict)


def test_fields_are_found_through_lists_and_mappings() -> None:
    assert fields_at(_Outer, ()) == ["items", "by_name"]
    assert fields_at(_Outer, ("items", 2)) == ["low"]
    assert fields_at(_Outer, ("by_name", "x")) == ["low"]
    assert fields_at(_Outer, ("nothing",)) == []


def test_a_nested_problem_names_its_whole_path() -> None:
    with pytest.raises(RulesError) as error:
        parse(_Outer, {"by_name": {"x": {"low": "high"}}}, "f.yaml", text=None)
    assert error.value.problems == ["f.yaml: field 'by_name.x.low': must be a number, not 'high'"]


def test_a_fact_schema_problem_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    text = (MINI_RULES / "facts.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("label:", "lable:", 1), encoding="utf-8")
    line = text.splitlines().index(next(x for x in text.splitlines() if "label:" in x)) + 1
    with pytest.raises(RulesError) as error:
        FactSchema.load(path)
    [unknown, missing] = error.value.problems
    assert unknown.startswith(f"{path}:{line}: facts[0] ('line'): unknown field 'lable'; did you")
    assert missing.startswith(f"{path}:")
    assert missing.endswith(": facts[0] ('line'): missing field 'label'")
