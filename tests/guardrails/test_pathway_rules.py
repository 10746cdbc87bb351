from pathlib import Path
from typing import Any

import pytest

from guardrails.errors import RulesError
from guardrails.lexicon import Lexicon
from guardrails.pathway import Pathway
from guardrails.pathway_rules import parse_pathway

LEXICON = Path(__file__).resolve().parents[2] / "corpus" / "rules" / "lexicon.yaml"

SITUATION = {
    "id": "first",
    "when": {"line": 1},
    "statement": "THP first line.",
    "preferred": ["thp"],
    "sources": ["asco"],
}


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load(LEXICON)


def problems(lexicon: Lexicon, data: Any) -> list[str]:
    with pytest.raises(RulesError) as error:
        parse_pathway(data, lexicon, "pathway.yaml")
    return error.value.problems


def test_a_valid_pathway_parses(lexicon: Lexicon) -> None:
    pathway = parse_pathway({"situations": [SITUATION]}, lexicon, "pathway.yaml")
    assert isinstance(pathway, Pathway)
    assert pathway.early_relapse_months == 12.0
    assert [s.preferred for s in pathway.situations] == [("thp",)]


def test_an_unknown_lexicon_id_is_named(lexicon: Lexicon) -> None:
    data = {"situations": [{**SITUATION, "preferred": ["zorbatinib"]}]}
    assert problems(lexicon, data) == [
        "pathway.yaml: situations[0] ('first'): 'zorbatinib' is not an id in lexicon.yaml"
    ]


def test_an_unknown_id_in_the_line_rules_is_named(lexicon: Lexicon) -> None:
    data = {"lines": {"later_line_after": ["nope"]}, "situations": [SITUATION]}
    assert problems(lexicon, data) == ["pathway.yaml: lines: 'nope' is not an id in lexicon.yaml"]


def test_an_unknown_condition_key_lists_the_known_ones(lexicon: Lexicon) -> None:
    [problem] = problems(lexicon, {"situations": [{**SITUATION, "when": {"ecog": 1}}]})
    assert problem.startswith("pathway.yaml: situations[0] ('first'): unknown condition 'ecog'")
    assert "months_since_adjuvant" in problem


def test_a_bad_regular_expression_is_named(lexicon: Lexicon) -> None:
    pitfall = {"id": "p", "message": "m", "patterns": ["(unclosed"], "sources": ["a"]}
    [problem] = problems(lexicon, {"situations": [SITUATION], "pitfalls": [pitfall]})
    assert problem.startswith(
        "pathway.yaml: pitfalls[0] ('p'): patterns[0] is not a valid regular expression"
    )


def test_a_bad_severity_is_named(lexicon: Lexicon) -> None:
    rule = {
        "id": "c",
        "drugs": ["thp"],
        "when": {"ild_history": True},
        "severity": "fatal",
        "message": "m",
        "sources": ["a"],
    }
    data = {"situations": [SITUATION], "contraindications": [rule]}
    assert problems(lexicon, data) == [
        "pathway.yaml: contraindications[0] ('c'): severity must be warn or block"
    ]


def test_a_rule_without_sources_is_refused(lexicon: Lexicon) -> None:
    data = {"situations": [{k: v for k, v in SITUATION.items() if k != "sources"}]}
    assert "pathway.yaml: situations[0] ('first'): missing field 'sources'" in problems(
        lexicon, data
    )


def test_a_pathway_without_situations_is_refused(lexicon: Lexicon) -> None:
    assert problems(lexicon, {"situations": []}) == ["pathway.yaml: no situations defined"]


def test_every_problem_is_reported_at_once(lexicon: Lexicon) -> None:
    data = {
        "situations": [
            {**SITUATION, "preferred": ["nope"]},
            {**SITUATION, "id": "second", "when": {"ecog": 1}},
        ]
    }
    assert len(problems(lexicon, data)) == 2


def test_not_a_mapping_is_refused(lexicon: Lexicon) -> None:
    assert problems(lexicon, ["situations"]) == [
        "pathway.yaml: expected a mapping with 'lines' and 'situations'"
    ]


def test_a_misspelt_key_is_named_with_the_known_ones(lexicon: Lexicon) -> None:
    situation = {**SITUATION, "prefered": ["thp"]}
    data = {"lines": {"early_relapse_month": 12}, "situations": [situation], "pitfall": []}
    found = problems(lexicon, data)
    assert found[0].startswith("pathway.yaml: unknown field 'pitfall'")
    assert found[1].startswith("pathway.yaml: lines: unknown field 'early_relapse_month'")
    assert found[2].startswith("pathway.yaml: situations[0] ('first'): unknown field 'prefered'")
    assert "preferred" in found[2]


def test_a_range_with_a_fall_from_another_fact_parses(lexicon: Lexicon) -> None:
    when = {"lvef": {"min": 40, "max": 45, "fall": {"from": "lvef_baseline", "min": 10}}}
    pathway = parse_pathway({"situations": [{**SITUATION, "when": when}]}, lexicon, "p.yaml")
    assert pathway.situations[0].when == when


@pytest.mark.parametrize(
    ("when", "named"),
    [
        ({"lvef": {"mim": 40}}, "unknown field 'mim'"),
        ({"lvef": {"max": "45"}}, "'max' must be a number"),
        ({"lvef": {"fall": {"from": "baseline", "min": 10}}}, "'from' must name a fact"),
        ({"lvef": {"fall": {"from": "lvef_baseline", "least": 10}}}, "unknown field 'least'"),
    ],
)
def test_a_bad_range_is_named(lexicon: Lexicon, when: dict[str, Any], named: str) -> None:
    found = problems(lexicon, {"situations": [{**SITUATION, "when": when}]})
    assert any(named in p for p in found), found
