"""Loading and validating the evaluation suites: the real ones load; broken ones are reported with
the file, the case and the field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evals.suites import SuiteError, Suites, load_suites
from ingest.sources import load_sources
from tests.conftest import REAL_CORPUS
from tests.evals.conftest import EVALS_DIR, count_cases

GOLDEN_CASE = """
  - id: {id}
    question: "pt progressed on THP, what next?"
    must_state: ['trastuzumab deruxtecan|T-DXd']
    must_not_state: ['T-DM1 is preferred']
    sources: [asco-her2-mbc-2022]
    verdict: pass
"""
ADVERSARIAL_CASE = """
  - id: {id}
    question: "T-DXd dose?"
    answer: "T-DXd 6.4 mg/kg every 3 weeks."
    expect: [doses.other-indication]
"""


@pytest.fixture(scope="module")
def real_suites() -> Suites:
    loaded, problems = load_sources([REAL_CORPUS / "sources"])
    assert problems == []
    return load_suites(EVALS_DIR, {item.source.id for item in loaded})


def write_suite(root: Path, kind: str, name: str, text: str) -> Path:
    folder = root / kind
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def golden(root: Path, cases: str, category: str = "second line", name: str = "g.yaml") -> Path:
    return write_suite(root, "golden", name, f"category: {category}\ncases:{cases}")


def problems_of(root: Path, source_ids: set[str] | None = None) -> list[str]:
    with pytest.raises(SuiteError) as raised:
        load_suites(root, source_ids)
    return raised.value.problems


# --- the real suites --------------------------------------------------------------------------


def test_the_real_suites_load_with_every_case_of_every_file(real_suites: Suites) -> None:
    for kind, cases in (("golden", real_suites.golden), ("adversarial", real_suites.adversarial)):
        files = sorted((EVALS_DIR / kind).glob("*.yaml"))
        assert files
        for path in files:
            loaded = [c for c in cases if c.path == str(path)]
            assert len(loaded) == count_cases(path) > 0, path.name


def test_categories_come_from_the_suite_files(real_suites: Suites) -> None:
    import yaml

    declared = {
        yaml.safe_load(p.read_text(encoding="utf-8"))["category"]
        for p in (EVALS_DIR / "golden").glob("*.yaml")
    }
    assert {c.category for c in real_suites.golden} == declared


def test_every_golden_pattern_is_compiled_case_insensitive(real_suites: Suites) -> None:
    patterns = [p for c in real_suites.golden for p in (*c.must_state, *c.must_not_state)]
    assert patterns and all(p.flags & re.IGNORECASE for p in patterns)


def test_the_real_adversarial_suites_have_faulty_and_clean_answers(real_suites: Suites) -> None:
    assert sum(c.clean for c in real_suites.adversarial) > 0
    assert sum(not c.clean for c in real_suites.adversarial) > 0


@pytest.mark.parametrize(
    ("names", "golden_files", "adversarial_files"),
    [
        (["golden"], 49, 0),  # 13 categories with two held-out files each, bedside management
        # and its held-out batch 4, the choice-and-dose, answer-first and near-miss batches,
        # held-out batches 5 and 6 (bedside and near misses each) and batch 7 (bedside)
        (["adversarial"], 0, 8),  # six hand-written files and two written blind from labels
        (["first line"], 3, 0),  # the category: its file and its held-out files
        (["first-line", "arithmetic"], 1, 1),
        (["doses"], 1, 1),  # a file stem in both folders
        (["DOSES AND SCHEDULES"], 3, 0),
    ],
)
def test_select_keeps_the_named_suites(
    real_suites: Suites, names: list[str], golden_files: int, adversarial_files: int
) -> None:
    chosen = real_suites.select(names)
    assert len({c.path for c in chosen.golden}) == golden_files
    assert len({c.path for c in chosen.adversarial}) == adversarial_files


def test_select_by_stem_counts_the_files_cases(real_suites: Suites) -> None:
    chosen = real_suites.select(["first-line", "arithmetic"])
    assert len(chosen.golden) == count_cases(EVALS_DIR / "golden" / "first-line.yaml")
    assert len(chosen.adversarial) == count_cases(EVALS_DIR / "adversarial" / "arithmetic.yaml")


def test_select_nothing_keeps_everything(real_suites: Suites) -> None:
    assert real_suites.select([]) is real_suites
    assert real_suites.select(["no-such-suite"]).golden == []


def test_every_keeps_each_categorys_share_in_file_order(real_suites: Suites) -> None:
    sample = real_suites.every(5)
    for category in {c.category for c in real_suites.golden}:
        whole = [c.id for c in real_suites.golden if c.category == category]
        kept = [c.id for c in sample.golden if c.category == category]
        assert kept == whole[::5]
    assert sample.adversarial == real_suites.adversarial
    assert real_suites.every(1) is real_suites


# --- broken suites ----------------------------------------------------------------------------


def test_a_valid_small_suite_loads(tmp_path: Path) -> None:
    golden(tmp_path, GOLDEN_CASE.format(id="sl-1"))
    write_suite(tmp_path, "adversarial", "doses.yaml", "cases:" + ADVERSARIAL_CASE.format(id="a-1"))
    suites = load_suites(tmp_path, {"asco-her2-mbc-2022"})
    (case,) = suites.golden
    assert (case.id, case.category, case.verdict, case.covered) == (
        "sl-1",
        "second line",
        "pass",
        True,
    )
    assert case.must_state[0].search("she should get t-dxd next")
    (adv,) = suites.adversarial
    assert (adv.check, adv.expect, adv.clean) == ("doses", ("doses.other-indication",), False)


def test_a_missing_question_names_file_case_and_field(tmp_path: Path) -> None:
    path = golden(
        tmp_path,
        GOLDEN_CASE.format(id="sl-1").replace('question: "pt progressed on THP, what next?"', ""),
    )
    assert problems_of(tmp_path) == [f"{path}:3: cases[0] ('sl-1'): missing field 'question'"]


def test_a_case_without_an_id_is_named_by_its_position(tmp_path: Path) -> None:
    path = golden(
        tmp_path, GOLDEN_CASE.format(id="sl-1") + GOLDEN_CASE.replace("id: {id}", "idd: x")
    )
    assert problems_of(tmp_path) == [
        f"{path}:10: cases[1]: unknown field 'idd'; did you mean 'id'? (allowed: context, "
        "covered, history, id, must_not_state, must_state, question, sources, verdict)",
        f"{path}:10: cases[1]: missing field 'id'",
    ]


def test_an_adversarial_case_without_answer_or_expect_is_reported(tmp_path: Path) -> None:
    broken = ADVERSARIAL_CASE.format(id="a-1").replace(
        'answer: "T-DXd 6.4 mg/kg every 3 weeks."', ""
    )
    broken = broken.replace("expect: [doses.other-indication]", "expect: doses.other-indication")
    path = write_suite(tmp_path, "adversarial", "doses.yaml", "cases:" + broken)
    assert problems_of(tmp_path) == [
        f"{path}:5: cases[0] ('a-1'): field 'expect': must be a list, not 'doses.other-indication'",
        f"{path}:2: cases[0] ('a-1'): missing field 'answer'",
    ]


def test_a_missing_category_is_reported(tmp_path: Path) -> None:
    path = golden(tmp_path, GOLDEN_CASE.format(id="sl-1"), category="")
    (problem,) = problems_of(tmp_path)
    assert problem == f"{path}:1: field 'category': must be text, not None"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("must_state: ['trastuzumab deruxtecan|T-DXd']", "must_state: 'T-DXd'",
         "field 'must_state': must be a list, not 'T-DXd'"),
        ("must_not_state: ['T-DM1 is preferred']", "must_not_state: [3]",
         "field 'must_not_state[0]': must be text, not 3"),
        ("verdict: pass", "verdict: ok",
         "field 'verdict': must be one of 'pass', 'warn' or 'block', not 'ok'"),
        ("verdict: pass", "verdict: pass\n    context: [ild]",
         "field 'context': must be a mapping of key: value, not ['ild']"),
        ("verdict: pass", "verdict: pass\n    context: {ild: 'true'}",
         "field 'context': unknown context key 'ild'"),
        ("verdict: pass", "verdict: pass\n    history: [{role: doctor, content: hi}]",
         "field 'history[0].role': must be one of 'user' or 'assistant', not 'doctor'"),
    ],
)  # fmt: skip
def test_a_wrong_type_or_value_names_file_case_and_field(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = golden(tmp_path, GOLDEN_CASE.format(id="sl-7").replace(old, new))
    (problem,) = problems_of(tmp_path)
    assert problem.startswith(f"{path}:")
    assert f": cases[0] ('sl-7'): {message}" in problem


def test_a_bad_regular_expression_names_the_pattern(tmp_path: Path) -> None:
    path = golden(tmp_path, GOLDEN_CASE.format(id="sl-2").replace("T-DXd']", "T-DXd(']"))
    (problem,) = problems_of(tmp_path)
    assert problem.startswith(
        f"{path}:5: cases[0] ('sl-2'): field 'must_state[0]': 'trastuzumab deruxtecan|T-DXd(' is "
        "not a valid regular expression"
    )


def test_a_source_missing_from_the_corpus_is_reported(tmp_path: Path) -> None:
    path = golden(tmp_path, GOLDEN_CASE.format(id="sl-3"))
    assert problems_of(tmp_path, {"destiny-breast03"}) == [
        f"{path}:7: cases[0] ('sl-3'): field 'sources[0]': 'asco-her2-mbc-2022' is not an id in "
        "the corpus's sources"
    ]


def test_a_case_id_used_twice_across_files_is_reported(tmp_path: Path) -> None:
    golden(tmp_path, GOLDEN_CASE.format(id="dup-1"))
    write_suite(
        tmp_path, "adversarial", "doses.yaml", "cases:" + ADVERSARIAL_CASE.format(id="dup-1")
    )
    assert problems_of(tmp_path) == ["case id 'dup-1' is used more than once"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("category: second line\ncases: [\n", "not valid YAML"),
        ("- just\n- a list\n", "must be a mapping with the fields category, cases"),
        ("category: second line\ncases: {}\n", "field 'cases': must be a list, not {}"),
    ],
)
def test_a_file_that_is_not_a_suite_is_reported(tmp_path: Path, text: str, message: str) -> None:
    path = write_suite(tmp_path, "golden", "broken.yaml", text)
    (problem,) = problems_of(tmp_path)
    assert problem.startswith(f"{path}:") and message in problem
    assert "\n" not in problem


def test_every_problem_of_every_file_is_reported_at_once(tmp_path: Path) -> None:
    golden(
        tmp_path,
        GOLDEN_CASE.format(id="sl-1").replace("verdict: pass", "verdict: no"),
        name="a.yaml",
    )
    golden(tmp_path, GOLDEN_CASE.format(id="sl-2"), category="", name="b.yaml")
    write_suite(
        tmp_path,
        "adversarial",
        "c.yaml",
        "cases:" + ADVERSARIAL_CASE.format(id="a-1").replace("answer:", "answr:"),
    )
    problems = problems_of(tmp_path)
    # c.yaml: the misspelt 'answr' is unknown, and 'answer' is missing
    names = [Path(p.split(":")[0]).name for p in problems]
    assert names == ["a.yaml", "b.yaml", "c.yaml", "c.yaml"]


def test_the_error_tells_the_user_where_the_format_is_documented(tmp_path: Path) -> None:
    golden(tmp_path, GOLDEN_CASE.format(id="sl-1"), category="")
    with pytest.raises(SuiteError) as raised:
        load_suites(tmp_path)
    assert "docs/evals.md" in str(raised.value) and "g.yaml" in str(raised.value)


def test_sources_given_as_text_are_reported_as_a_wrong_type(tmp_path: Path) -> None:
    path = golden(
        tmp_path,
        GOLDEN_CASE.format(id="sl-4").replace("[asco-her2-mbc-2022]", "asco-her2-mbc-2022"),
    )
    (problem,) = problems_of(tmp_path, {"asco-her2-mbc-2022"})
    assert problem == (
        f"{path}:7: cases[0] ('sl-4'): field 'sources': must be a list, not 'asco-her2-mbc-2022'"
    )


def test_covered_given_as_text_is_reported_as_a_wrong_type(tmp_path: Path) -> None:
    path = golden(tmp_path, GOLDEN_CASE.format(id="sl-5") + "    covered: 'false'\n")
    (problem,) = problems_of(tmp_path)
    assert (
        problem
        == f"{path}:9: cases[0] ('sl-5'): field 'covered': must be true or false, not 'false'"
    )


def test_a_misspelt_field_is_reported(tmp_path: Path) -> None:
    path = golden(tmp_path, GOLDEN_CASE.format(id="sl-6").replace("must_state:", "must_stat:"))
    (problem,) = problems_of(tmp_path)
    assert problem.startswith(
        f"{path}:5: cases[0] ('sl-6'): unknown field 'must_stat'; did you mean 'must_state'?"
    )


def test_heldout_selects_every_held_out_file_and_nothing_else(real_suites: Suites) -> None:
    held_out = real_suites.select(["heldout"])
    assert held_out.golden and not held_out.adversarial
    assert all(Path(c.path).stem.startswith("heldout") for c in held_out.golden)
    assert len(held_out.golden) == sum(
        Path(c.path).stem.startswith("heldout") for c in real_suites.golden
    )


def test_a_held_out_batch_is_selected_by_its_prefix(real_suites: Suites) -> None:
    second = real_suites.select(["heldout2"])
    assert second.golden and all(c.id.startswith("h2-") for c in second.golden)
    assert len(second.golden) < len(real_suites.select(["heldout"]).golden)


def test_a_context_value_the_command_line_would_refuse_is_reported(tmp_path: Path) -> None:
    path = golden(tmp_path, GOLDEN_CASE.format(id="sl-7") + "    context: {lvef: 'fifty'}\n")
    (problem,) = problems_of(tmp_path)
    assert problem.startswith(
        f"{path}:9: cases[0] ('sl-7'): field 'context': lvef: 'fifty' is not a number"
    )
