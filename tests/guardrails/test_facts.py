"""The fact schema (`rules/facts.yaml`): loaded with every problem named, and read the way a
corpus declares it. The fictional corpus's facts (kidney and liver function, age, weight) are
nothing like the real corpus's, and no code knows either."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from guardrails.context import extract_context
from guardrails.errors import CairnError, RulesError
from guardrails.fact_words import describe_facts, populations
from guardrails.facts import FactSchema
from guardrails.overrides import parse_override
from guardrails.pathway_rules import parse_pathway
from guardrails.records import FactStatus
from guardrails.rules import RuleBook
from tests.conftest import FIXTURES

MINI = RuleBook.load(FIXTURES / "mini" / "rules")
QUESTION = "72-year-old, 70 kg, CrCl 25 mL/min, Child-Pugh C. First-line treatment?"


def test_the_fictional_corpus_reads_its_own_facts() -> None:
    context = extract_context(QUESTION, [], MINI.lexicon, schema=MINI.facts)
    values = {k: f.value for k, f in context.known_facts().items()}
    assert values == {
        "line": 1, "age": 72.0, "weight_kg": 70.0, "crcl": 25.0, "child_pugh": "severe"
    }  # fmt: skip
    assert "her2" not in context.facts and "lvef" not in context.facts


def test_its_facts_are_described_and_imply_its_populations() -> None:
    context = extract_context(QUESTION, [], MINI.lexicon, schema=MINI.facts)
    assert describe_facts(context, MINI.facts, MINI.lexicon) == [
        "creatinine clearance 25 mL/min",
        "severe hepatic impairment",
        "aged 72",
    ]
    assert populations(context, MINI.facts) == {"hepatic-impairment"}


def test_its_pathway_reads_a_measured_fact() -> None:
    context = extract_context(QUESTION, [], MINI.lexicon, schema=MINI.facts)
    assert [c.id for c in MINI.pathway.contraindications_for(context)] == ["zorbatinib-renal"]
    normal = extract_context("CrCl 80 mL/min, first line?", [], MINI.lexicon, schema=MINI.facts)
    assert MINI.pathway.contraindications_for(normal) == []


def test_its_context_keys_are_its_facts() -> None:
    fact = parse_override("child_pugh", "moderate", MINI.lexicon, MINI.facts)
    assert (fact.value, fact.status) == ("moderate", FactStatus.STATED)
    with pytest.raises(CairnError) as error:
        parse_override("lvef", "45", MINI.lexicon, MINI.facts)
    assert "crcl" in error.value.fix and "lvef" not in error.value.fix
    with pytest.raises(CairnError, match="outside 5-200"):
        parse_override("crcl", "400", MINI.lexicon, MINI.facts)


@pytest.mark.parametrize(
    ("fact", "named"),
    [
        ({"id": "x", "type": "enum", "label": "X"}, "an enum lists its 'values'"),
        ({"id": "x", "type": "number", "label": "X"}, "a number has 'bounds'"),
        (
            {"id": "x", "type": "boolean", "label": "X", "lable": "y"},
            "facts[0] ('x'): unknown field 'lable'; did you mean 'label'?",
        ),
        (
            {"id": "x", "type": "colour", "label": "X"},
            "facts[0] ('x'): field 'type': must be one of 'enum', 'boolean',",
        ),
        (
            {"id": "x", "type": "boolean", "label": "X", "read": {"concept": "nope"}},
            "'nope' is not an id in lexicon.yaml",
        ),
    ],
)
def test_a_bad_fact_is_named_with_the_file_and_the_field(fact: dict[str, Any], named: str) -> None:
    with pytest.raises(RulesError) as error:
        FactSchema.from_data({"facts": [fact]}, MINI.lexicon, "rules/facts.yaml")
    assert all(p.startswith("rules/facts.yaml: ") for p in error.value.problems)
    assert any(named in p for p in error.value.problems), error.value.problems


@pytest.mark.parametrize(
    ("when", "named"),
    [
        ({"lvef": {"max": 40}}, "unknown condition 'lvef' (declare it in rules/facts.yaml"),
        ({"child_pugh": "class c"}, "condition 'child_pugh': 'class c' is not one of none, mild"),
        ({"lung_nodules": "yes"}, "condition 'lung_nodules': 'yes' is not true or false"),
        ({"crcl": "low"}, "condition 'crcl': 'low' is not a number (in mL/min)"),
    ],
)
def test_a_condition_is_checked_against_the_schema(when: dict[str, Any], named: str) -> None:
    situation = {"id": "s", "statement": "x", "sources": ["a"], "when": when}
    with pytest.raises(RulesError) as error:
        parse_pathway({"situations": [situation]}, MINI.lexicon, "pathway.yaml", MINI.facts)
    assert any(p.startswith("pathway.yaml: situations[0] ('s'): ") for p in error.value.problems)
    assert any(named in p for p in error.value.problems), error.value.problems


def test_every_real_fact_is_described_in_the_schema_order() -> None:
    real = RuleBook.load(Path(__file__).resolve().parents[2] / "corpus" / "rules")
    question = "Progressed on THP. HER2+ ER+ MBC, LVEF 45%, history of ILD, stable brain mets"
    context = extract_context(question, [], real.lexicon, schema=real.facts)
    assert describe_facts(context, real.facts, real.lexicon, therapies=False) == [
        "HER2-positive",
        "hormone receptor-positive",
        "metastatic disease",
        "stable brain metastases",
        "history of interstitial lung disease",
        "LVEF 45%",
    ]  # not "progressed on ...": therapies left out
    assert populations(context, real.facts) == {"hr-positive", "brain-metastases"}
