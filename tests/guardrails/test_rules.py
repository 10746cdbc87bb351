import shutil
from pathlib import Path

import pytest

from guardrails.errors import RulesError
from guardrails.rules import RuleBook

RULES = Path(__file__).resolve().parents[2] / "corpus" / "rules"


def copy_rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    return folder


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_loads_the_real_rule_files() -> None:
    rules = RuleBook.load(RULES)
    assert "trastuzumab-deruxtecan" in rules.doses.drugs
    assert rules.pathway.situations[0].id == "brain-mets-systemic-control"


def test_reports_problems_of_several_files_at_once(tmp_path: Path) -> None:
    folder = copy_rules(tmp_path)
    replace(folder / "doses.yaml", "drug: tucatinib", "drug: zorbatinib")
    replace(folder / "pathway.yaml", "when: {line: 2}", "when: {ecog: 1}")
    with pytest.raises(RulesError) as error:
        RuleBook.load(folder)
    problems = error.value.problems
    assert len(problems) == 2
    assert "field 'drug': 'zorbatinib' is not an id in lexicon.yaml" in problems[0]
    assert "doses.yaml" in problems[0]
    assert "unknown condition 'ecog'" in problems[1]
    assert "pathway.yaml" in problems[1]


def test_an_invalid_fact_schema_is_reported_once_not_as_every_condition(
    tmp_path: Path,
) -> None:
    folder = copy_rules(tmp_path)
    replace(folder / "facts.yaml", "type: number", "type: numbr")
    replace(folder / "pathway.yaml", "severity: warn", "severity: warning")
    with pytest.raises(RulesError) as error:
        RuleBook.load(folder)
    problems = error.value.problems
    assert len(problems) == 2, problems
    assert "facts.yaml" in problems[0] and "not 'numbr'" in problems[0]
    assert "must be one of 'warn' or 'block', not 'warning'" in problems[1]
    assert not any("unknown condition" in p for p in problems)


def test_a_missing_rule_file_is_named(tmp_path: Path) -> None:
    folder = copy_rules(tmp_path)
    (folder / "pathway.yaml").unlink()
    with pytest.raises(RulesError) as error:
        RuleBook.load(folder)
    assert error.value.problems == [f"{folder / 'pathway.yaml'}: file not found"]


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    folder = copy_rules(tmp_path)
    (folder / "doses.yaml").write_text("doses:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(RulesError) as error:
        RuleBook.load(folder)
    [problem] = error.value.problems
    assert problem.startswith(f"{folder / 'doses.yaml'}: line ")
    assert "is not valid YAML" in problem


def test_dose_vocabulary_knows_products_and_units() -> None:
    vocabulary = RuleBook.load(RULES).dose_vocabulary
    assert vocabulary.products == frozenset(
        {"pertuzumab-trastuzumab-hyaluronidase", "trastuzumab-hyaluronidase"}
    )
    assert vocabulary.units["trastuzumab"] == frozenset({"mg", "mg/kg", "units"})
    assert vocabulary.dosable("trastuzumab-deruxtecan", "mg")
    assert not vocabulary.dosable("pertuzumab", "mg/kg")
    assert vocabulary.has("trastuzumab-deruxtecan", 4.4, "mg/kg")
