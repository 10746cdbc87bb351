from pathlib import Path
from typing import Any

import pytest
import yaml

from guardrails.context import extract_context
from guardrails.errors import RulesError
from guardrails.lexicon import Lexicon
from guardrails.pathway import Pathway
from guardrails.pathway_rules import parse_pathway
from guardrails.rules import RuleBook
from tests.conftest import FIXTURES

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
        "pathway.yaml: situations[0] ('first'): field 'preferred[0]': 'zorbatinib' is not an id "
        "in lexicon.yaml; did you mean 'neratinib'?"
    ]


def test_an_unknown_id_in_the_line_rules_is_named(lexicon: Lexicon) -> None:
    data = {"lines": {"later_line_after": ["nope"]}, "situations": [SITUATION]}
    assert problems(lexicon, data) == [
        "pathway.yaml: field 'lines.later_line_after[0]': 'nope' is not an id in lexicon.yaml"
    ]


def test_an_unknown_condition_key_lists_the_known_ones(lexicon: Lexicon) -> None:
    [problem] = problems(lexicon, {"situations": [{**SITUATION, "when": {"ecog": 1}}]})
    assert problem.startswith(
        "pathway.yaml: situations[0] ('first'): field 'when': unknown condition 'ecog'"
    )
    assert "months_since_adjuvant" in problem


def test_a_bad_regular_expression_is_named(lexicon: Lexicon) -> None:
    pitfall = {"id": "p", "message": "m", "patterns": ["(unclosed"], "sources": ["a"]}
    [problem] = problems(lexicon, {"situations": [SITUATION], "pitfalls": [pitfall]})
    assert problem.startswith(
        "pathway.yaml: pitfalls[0] ('p'): field 'patterns[0]': '(unclosed' is not a valid "
        "regular expression"
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
        "pathway.yaml: contraindications[0] ('c'): field 'severity': must be one of 'warn' or "
        "'block', not 'fatal'"
    ]


def test_a_rule_without_sources_is_refused(lexicon: Lexicon) -> None:
    data = {"situations": [{k: v for k, v in SITUATION.items() if k != "sources"}]}
    assert "pathway.yaml: situations[0] ('first'): missing field 'sources'" in problems(
        lexicon, data
    )


def test_a_pathway_without_situations_is_refused(lexicon: Lexicon) -> None:
    assert problems(lexicon, {"situations": []}) == [
        "pathway.yaml: field 'situations': must not be empty"
    ]


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
        "pathway.yaml: must be a mapping with the fields lines, situations, contraindications, "
        "pitfalls, emergencies, not ['situations']"
    ]


def test_a_misspelt_key_is_named_with_the_known_ones(lexicon: Lexicon) -> None:
    situation = {**SITUATION, "prefered": ["thp"]}
    data = {"lines": {"early_relapse_month": 12}, "situations": [situation], "pitfall": []}
    found = problems(lexicon, data)
    assert found == [  # in the order of the file, each with the closest field
        "pathway.yaml: unknown field 'lines.early_relapse_month'; did you mean "
        "'early_relapse_months'? (allowed: early_relapse_months, early_relapse_sources, "
        "later_line_after, second_line_after)",
        "pathway.yaml: situations[0] ('first'): unknown field 'prefered'; did you mean "
        "'preferred'? (allowed: acceptable, differ, first_line_regimens, id, no_preference, "
        "not_preferred, notes, preferred, situation, sources, statement, when)",
        "pathway.yaml: unknown field 'pitfall'; did you mean 'pitfalls'? (allowed: "
        "contraindications, emergencies, lines, pitfalls, situations)",
    ]


def test_a_range_with_a_fall_from_another_fact_parses(lexicon: Lexicon) -> None:
    when = {"lvef": {"min": 40, "max": 45, "fall": {"from": "lvef_baseline", "min": 10}}}
    pathway = parse_pathway({"situations": [{**SITUATION, "when": when}]}, lexicon, "p.yaml")
    assert pathway.situations[0].when == when


@pytest.mark.parametrize(
    ("when", "named"),
    [
        ({"lvef": {"mim": 40}}, "unknown field 'mim'"),
        ({"lvef": {"max": "45"}}, "field 'max': must be a number, not '45'"),
        ({"lvef": {"fall": {"from": "baseline", "min": 10}}}, "'from' must name a fact"),
        ({"lvef": {"fall": {"from": "lvef_baseline", "least": 10}}}, "field 'fall.least'"),
    ],
)
def test_a_bad_range_is_named(lexicon: Lexicon, when: dict[str, Any], named: str) -> None:
    found = problems(lexicon, {"situations": [{**SITUATION, "when": when}]})
    assert any(named in p for p in found), found


def test_a_caution_is_not_repeated_beside_the_block_that_supersedes_it() -> None:
    mini = RuleBook.load(FIXTURES / "mini" / "rules")
    data = yaml.safe_load((FIXTURES / "mini" / "rules" / "pathway.yaml").read_text("utf-8"))
    renal = next(c for c in data["contraindications"] if c["id"] == "zorbatinib-renal")
    renal["superseded_by"] = ["zorbatinib-lung-nodules"]
    pathway = parse_pathway(data, mini.lexicon, "pathway.yaml", mini.facts)

    def rules_for(question: str) -> list[str]:
        context = extract_context(question, [], mini.lexicon, schema=mini.facts)
        return [c.id for c in pathway.contraindications_for(context)]

    assert rules_for("CrCl 25 mL/min, first line?") == ["zorbatinib-renal"]
    both = "CrCl 25 mL/min and a history of nodular lung disease, first line?"
    assert rules_for(both) == ["zorbatinib-lung-nodules"]
